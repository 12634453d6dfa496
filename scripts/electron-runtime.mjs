// Where Electron's runtime and the Electron build of better-sqlite3 are, found without requiring
// 'electron': its index.js downloads the runtime when it is missing, which an offline machine cannot do.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron executable if its runtime is installed, else null. Reads the files electron's own
 *  index.js reads (node_modules/electron/path.txt, dist/) and honours ELECTRON_OVERRIDE_DIST_PATH as it does. */
export function electronRuntimePath(root, env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  let candidate;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
  else if (executable) candidate = join(pkg, 'dist', executable);
  else return null; // install.js writes path.txt only after a download
  return existsSync(candidate) ? candidate : null;
}

/** The installed electron package's version (what native modules must be built against), or null. */
export function electronVersion(root) {
  try {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8'));
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/** Where `npm start` keeps its copy of better-sqlite3 built for this Electron, platform and CPU. */
export function electronNativeDir(root, version, platform = process.platform, arch = process.arch) {
  return join(root, '.cache', 'electron-native', `electron-${version}-${platform}-${arch}`);
}

/** The compiled addon inside such a copy (the path openDatabase's nativeBinding takes). */
export function sqliteBindingPath(nativeDir) {
  return join(nativeDir, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}
