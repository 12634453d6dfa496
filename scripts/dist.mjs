// `npm run dist`: packages the head-unit app with electron-builder. That is a later issue: electron-builder
// is not a dependency yet, and packaging downloads Electron's runtimes, so it needs internet access.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgFile = join(root, 'node_modules', 'electron-builder', 'package.json');
if (!existsSync(pkgFile)) {
  process.stderr.write(
    'kemudi: `npm run dist` needs electron-builder, which is not installed, and Electron\'s downloads (internet access). ' +
      'Packaging is not set up yet; `npm start` runs the app from this checkout.\n',
  );
  process.exit(1);
}
const { bin } = JSON.parse(readFileSync(pkgFile, 'utf8'));
const cli = join(root, 'node_modules', 'electron-builder', typeof bin === 'string' ? bin : bin['electron-builder']);
for (const step of [[join(root, 'scripts', 'build.mjs')], [cli, ...process.argv.slice(2)]]) {
  const run = spawnSync(process.execPath, step, { stdio: 'inherit', cwd: root });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
