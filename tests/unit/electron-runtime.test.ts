// Finding Electron's runtime without requiring 'electron' (which would start a download), against a folder
// laid out as node_modules/electron is before and after `npx install-electron`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { electronNativeDir, electronRuntimePath, electronVersion, sqliteBindingPath } from '../../scripts/electron-runtime.mjs';

let root = '';
const pkg = (): string => join(root, 'node_modules', 'electron');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kemudi-electron-'));
  // What npm installs: the package, without dist/ or path.txt (the runtime comes later, lazily).
  mkdirSync(pkg(), { recursive: true });
  writeFileSync(join(pkg(), 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  writeFileSync(join(pkg(), 'index.js'), "throw new Error('requiring electron would download it');\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function installRuntime(executable = 'electron'): string {
  writeFileSync(join(pkg(), 'path.txt'), executable);
  const file = join(pkg(), 'dist', executable);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '');
  return file;
}

describe('electronRuntimePath', () => {
  it('is null for a fresh offline install (no path.txt, no dist/)', () => {
    expect(electronRuntimePath(root, {})).toBeNull();
  });

  it('is null when electron is not installed at all', () => {
    rmSync(pkg(), { recursive: true });
    expect(electronRuntimePath(root, {})).toBeNull();
    expect(electronVersion(root)).toBeNull();
  });

  it('finds the executable that path.txt names under dist/', () => {
    const file = installRuntime();
    expect(electronRuntimePath(root, {})).toBe(file);
  });

  it('follows path.txt on macOS layouts too', () => {
    const file = installRuntime('Electron.app/Contents/MacOS/Electron');
    expect(electronRuntimePath(root, {})).toBe(file);
  });

  it('is null when path.txt is there but dist/ was removed (electron would download again)', () => {
    installRuntime();
    rmSync(join(pkg(), 'dist'), { recursive: true });
    expect(electronRuntimePath(root, {})).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH, as electron itself does', () => {
    const override = join(root, 'custom-electron');
    mkdirSync(override);
    expect(electronRuntimePath(root, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBeNull();
    writeFileSync(join(override, 'electron'), '');
    expect(electronRuntimePath(root, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(join(override, 'electron'));
    // The override wins over an installed dist/.
    installRuntime();
    expect(electronRuntimePath(root, { ELECTRON_OVERRIDE_DIST_PATH: override })).toBe(join(override, 'electron'));
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('is cached per Electron version, platform and CPU under .cache/electron-native', () => {
    expect(electronVersion(root)).toBe('45.4.1');
    const dir = electronNativeDir(root, '45.4.1', 'linux', 'arm64');
    expect(dir).toBe(join(root, '.cache', 'electron-native', 'electron-45.4.1-linux-arm64'));
    expect(sqliteBindingPath(dir)).toBe(join(dir, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  });
});
