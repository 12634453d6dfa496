// `npm start` where Electron's runtime is not installed (an offline install, as on this machine): one clear
// line, then the simulator, which stops cleanly on SIGTERM or Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { electronRuntimePath } from '../../scripts/electron-runtime.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env: NodeJS.ProcessEnv = { ...process.env };
for (const name of ['ELECTRON_OVERRIDE_DIST_PATH', 'KEMUDI_FETCH_ELECTRON', 'KEMUDI_SQLITE_BINDING', 'KEMUDI_PORT', 'KEMUDI_KIOSK']) delete env[name];
const hasRuntime = electronRuntimePath(root, env) !== null;

interface Started {
  child: ChildProcess;
  url: string;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[]): Promise<Started> {
  const data = mkdtempSync(join(tmpdir(), 'kemudi-start-'));
  dirs.push(data);
  // Node bundles only: the renderer is built before Vitest starts, and e2e tests may be serving it right now.
  const child = spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
    cwd: root,
    env: { ...env, KEMUDI_DATA_DIR: data, KEMUDI_BUILD_NODE_ONLY: '1' },
  });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Kemudi simulator: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited (${child.exitCode}) before the simulator came up:\n${out}\n${err}`));
      }
    }, 50);
  });
  return { child, url, out: () => out, err: () => err, exited };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);
}

describe.skipIf(hasRuntime)('npm start without Electron runtime', () => {
  it('says so in one line, serves the simulator, and exits 0 on SIGTERM', async () => {
    const app = await start(['--port', '0']);
    const notice = app.err().split('\n').filter((line) => line.includes("Electron's runtime is not installed"));
    expect(notice).toEqual([
      "kemudi: Electron's runtime is not installed (offline install) — starting the simulator instead; with internet, run `npx install-electron --no` to get it.",
    ]);
    const health = await fetch(new URL('/healthz', app.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    app.child.kill('SIGTERM');
    await expect(within(app.exited, 5000)).resolves.toBe(0);
    expect(app.out()).toContain('Kemudi simulator stopped.');
  }, 120_000);

  it('passes options through (dropping --kiosk, which only Electron uses) and stops on Ctrl-C', async () => {
    const app = await start(['--kiosk', '--port', '0']);
    expect((await fetch(new URL('/healthz', app.url))).status).toBe(200);
    app.child.kill('SIGINT');
    await expect(within(app.exited, 5000)).resolves.toBe(0);
  }, 120_000);
});
