// Builds everything that runs outside the TypeScript test runner:
//   dist/cli.js            the `kemudi` command (esbuild, ESM, dependencies left in node_modules)
//   dist/llm-worker.js     the LLM worker process (node-llama-cpp), forked by main/llm/local.ts
//   dist/nlu/models.json   the intent classifier and language models, trained from intents/
//   dist/app/main.js       Electron's main process (ESM)      dist/app/preload.cjs  its sandboxed preload (CJS)
//   dist/renderer/         the Preact UI (Vite)
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path) => `${root}${path}`;
const started = Date.now();
// --node-only: just the esbuild bundles (the test runner's global setup uses it).
const nodeOnly = process.argv.includes('--node-only');

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', packages: 'external', logLevel: 'warning' };

await esbuild({ ...node, entryPoints: [at('main/cli/index.ts')], outfile: at('dist/cli.js'), format: 'esm' });
// The intent classifier is trained from the sentence files at build time (skipped when they are unchanged).
await esbuild({ ...node, entryPoints: [at('main/nlu/train-cli.ts')], outfile: at('dist/train.js'), format: 'esm' });
const trained = spawnSync(process.execPath, [at('dist/train.js')], { stdio: 'inherit' });
if (trained.status !== 0) process.exit(trained.status ?? 1);
// The LLM runs in a child process of its own; local.ts forks this bundle.
await esbuild({ ...node, entryPoints: [at('main/llm/worker.ts')], outfile: at('dist/llm-worker.js'), format: 'esm' });
if (existsSync(at('main/app/main.ts'))) {
  await esbuild({ ...node, entryPoints: [at('main/app/main.ts')], outfile: at('dist/app/main.js'), format: 'esm', external: ['electron'] });
}
if (existsSync(at('main/preload/index.ts'))) {
  // A sandboxed preload cannot load modules from disk: bundle everything except electron into one CommonJS file.
  await esbuild({ ...node, packages: undefined, entryPoints: [at('main/preload/index.ts')], outfile: at('dist/app/preload.cjs'), format: 'cjs', external: ['electron'], target: 'chrome130' });
}
if (!nodeOnly && existsSync(at('renderer/index.html'))) {
  const { build: vite } = await import('vite');
  rmSync(at('dist/renderer'), { recursive: true, force: true });
  await vite({ configFile: at('renderer/vite.config.ts'), logLevel: 'warn' });
  // The wake word's wasm and models, served from our origin (scripts/wakeword-assets.mjs).
  const { copyWakewordAssets } = await import('./wakeword-assets.mjs');
  copyWakewordAssets(root);
  // The size budget (scripts/bundle-budget.mjs): over it, the build fails.
  const { measure, report } = await import('./bundle-budget.mjs');
  const sizes = measure(at('dist/renderer'));
  if (sizes.missing.length > 0 || sizes.rows.some((row) => !row.ok)) {
    console.error(`kemudi: the renderer is over its size budget:\n${report(sizes)}`);
    process.exit(1);
  }
  if (process.env.KEMUDI_BUILD_SIZES === '1') console.log(report(sizes));
}
console.log(`kemudi: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
