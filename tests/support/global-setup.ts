// Tests that spawn `kemudi` run the bundled CLI: rebuild the Node bundles (esbuild, well under a second)
// so they never run yesterday's code. The renderer is built by `npm test` before Vitest starts.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--node-only'], { stdio: 'inherit' });
}
