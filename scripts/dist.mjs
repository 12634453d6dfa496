// `npm run dist`: packages the head-unit app with electron-builder (electron-builder.yml): AppImage and deb, x64
// and arm64, into release/. electron-builder downloads Electron's runtime and its packaging tools, so this needs
// internet access (or mirrors); on a machine without, it says so at once instead of failing halfway.
//   KEMUDI_LLM_GPU=cuda | vulkan | cuda,vulkan   also ship node-llama-cpp's GPU builds (default: CPU only)
//   KEMUDI_AUTOSTART=1                            kiosk deb: starts Kemudi with --kiosk when the session starts
//   KEMUDI_DIST_SKIP_PROBE=1                      skip the reachability check (caches already filled)
// Arguments go to electron-builder, e.g. `npm run dist -- --linux deb --arm64`.
// The effective configuration is written to .cache/dist/electron-builder.json, and that is what electron-builder reads.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DistConfigError,
  PROBE_TIMEOUT_MS,
  distConfig,
  electronBuilderCli,
  keepNodeBuild,
  offlineMessage,
  probeTargets,
  readBuilderConfig,
  unreachableTargets,
} from './dist-config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line) => process.stderr.write(`kemudi: ${line}\n`);

const cli = electronBuilderCli(root);
if (!cli) {
  say(
    "`npm run dist` needs electron-builder, which is not installed (`npm install` installs it: it is a devDependency), and Electron's downloads (internet access). " +
      '`npm start` runs the app from this checkout.',
  );
  process.exit(1);
}

let config;
try {
  const made = distConfig(readBuilderConfig(root), process.env, root);
  config = made.config;
  for (const note of made.notes) say(note);
} catch (error) {
  if (!(error instanceof DistConfigError)) throw error;
  say(error.message);
  process.exit(1);
}

if (process.env.KEMUDI_DIST_SKIP_PROBE === '1') {
  say('KEMUDI_DIST_SKIP_PROBE=1: not checking that the download hosts can be reached.');
} else {
  const failed = await unreachableTargets(probeTargets(process.env, config), { timeoutMs: PROBE_TIMEOUT_MS });
  if (failed.length > 0) {
    process.stderr.write(offlineMessage(failed));
    process.exit(1);
  }
}

const effective = join(root, '.cache', 'dist', 'electron-builder.json');
mkdirSync(join(root, '.cache', 'dist'), { recursive: true });
writeFileSync(effective, `${JSON.stringify(config, null, 2)}\n`);

const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
if (built.status !== 0) process.exit(built.status ?? 1);

const restore = keepNodeBuild(root);
const child = spawn(process.execPath, [cli, '--config', effective, '--publish', 'never', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal)); // and restore below
const status = await new Promise((resolve) => {
  child.on('error', (error) => {
    say(`could not start electron-builder: ${error.message}`);
    resolve(1);
  });
  child.on('exit', (code) => resolve(code ?? 1));
});
restore(); // better-sqlite3 back to Node's build, for the CLI, the simulator and the tests
if (status === 0) say('the packages are in release/.');
process.exit(status);
