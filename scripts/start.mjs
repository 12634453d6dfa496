// `npm start`: builds, then opens Kemudi in Electron. Electron's runtime is downloaded lazily (the
// package has no postinstall), so an offline install has none: then the simulator starts instead.
//   KEMUDI_FETCH_ELECTRON=1   try Electron's own download first (bounded), then fall back
//   --kiosk / KEMUDI_KIOSK=1   full-screen kiosk window (Electron only)
//   KEMUDI_BUILD_NODE_ONLY=1   rebuild only the esbuild bundles: the tests set it, because rebuilding the
//                              renderer would pull dist/renderer from under the tests running beside them
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { electronNativeDir, electronRuntimePath, electronVersion, sqliteBindingPath } from './electron-runtime.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const FETCH_TIMEOUT_MS = 5 * 60_000;
const say = (line) => process.stderr.write(`kemudi: ${line}\n`);

const buildArgs = process.env.KEMUDI_BUILD_NODE_ONLY === '1' ? ['--node-only'] : [];
const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...buildArgs], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

let electron = electronRuntimePath(root, process.env);
if (!electron && process.env.KEMUDI_FETCH_ELECTRON === '1') electron = fetchElectron();
if (!electron) {
  say("Electron's runtime is not installed (offline install) — starting the simulator instead; with internet, run `npx install-electron --no` to get it.");
  await runSimulator();
} else {
  const binding = electronSqliteBinding(electronVersion(root) ?? 'unknown');
  if (binding) runElectron(electron, binding);
  else await runSimulator();
}

/** Electron's own download code, bounded in time; null when it did not produce a runtime. */
function fetchElectron() {
  say("downloading Electron's runtime (KEMUDI_FETCH_ELECTRON=1)…");
  const install = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    encoding: 'utf8',
    timeout: FETCH_TIMEOUT_MS,
  });
  const runtime = install.status === 0 ? electronRuntimePath(root, process.env) : null;
  if (!runtime) {
    const why = install.error?.message ?? (install.stderr || install.stdout || '').trim().split('\n')[0] ?? '';
    say(`could not download Electron's runtime${why ? ` (${why})` : ''}.`);
  }
  return runtime;
}

/** better-sqlite3 is compiled for Node's ABI; Electron needs its own build. Made once into .cache/electron-native/
 *  from a copy of the package: a prebuilt binary if one can be fetched, else node-gyp against Electron's headers
 *  (both need internet unless cached). Returns the addon's path, or null after saying why in one line. */
function electronSqliteBinding(version) {
  const given = process.env.KEMUDI_SQLITE_BINDING;
  if (given) return existsSync(given) ? given : (say(`KEMUDI_SQLITE_BINDING names no file (${given}); starting the simulator instead.`), null);
  const dir = electronNativeDir(root, version);
  const binding = sqliteBindingPath(dir);
  if (existsSync(binding)) return binding;

  const source = join(root, 'node_modules', 'better-sqlite3');
  const copy = join(dir, 'better-sqlite3');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(source, copy, { recursive: true, filter: (path) => path !== join(source, 'build') }); // never touch Node's build
  const target = ['--runtime=electron', `--target=${version}`, `--arch=${process.arch}`];
  const tries = [
    [join(root, 'node_modules', 'prebuild-install', 'bin.js'), ...target],
    [nodeGyp(), 'rebuild', '--release', ...target, '--dist-url=https://electronjs.org/headers'],
  ];
  let log = '';
  for (const [script, ...rest] of tries) {
    if (!script || !existsSync(script)) continue;
    const run = spawnSync(process.execPath, [script, ...rest], { cwd: copy, encoding: 'utf8', timeout: 10 * 60_000 });
    log += `$ ${script} ${rest.join(' ')}\n${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `${run.error.message}\n` : ''}\n`;
    if (run.status === 0 && existsSync(binding)) return binding;
  }
  const logFile = join(dir, 'build.log');
  writeFileSync(logFile, log);
  say(`could not build better-sqlite3 for Electron ${version} (offline? it needs a prebuilt binary or Electron's headers; see ${logFile}) — starting the simulator instead.`);
  return null;
}

/** node-gyp as npm ships it: npm names it in npm_config_node_gyp when it runs a script. */
function nodeGyp() {
  const npmDir = process.platform === 'win32' ? join(dirname(process.execPath), 'node_modules', 'npm') : join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  return [process.env.npm_config_node_gyp, join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')].find((p) => p && existsSync(p));
}

function runElectron(executable, binding) {
  const env = { ...process.env, KEMUDI_SQLITE_BINDING: binding };
  delete env.ELECTRON_RUN_AS_NODE; // would make Electron a plain Node
  const child = spawn(executable, [join(root, 'dist', 'app', 'main.js'), ...args], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    say(`could not start Electron: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** The simulator in this very process, as `kemudi sim` would run: Ctrl-C and SIGTERM reach it directly
 *  (no second copy of a terminal's Ctrl-C to forward), and its exit code is ours. */
async function runSimulator() {
  const bin = join(root, 'bin', 'kemudi.js');
  // --kiosk means nothing to the simulator (a browser page), and `kemudi sim` refuses unknown options.
  process.argv = [process.argv[0], bin, 'sim', ...args.filter((a) => a !== '--kiosk')];
  await import(pathToFileURL(bin).href);
}
