// The renderer's size budget, checked at every build: a head unit's CPU parses the page's JavaScript before
// anything shows, so what the first screen loads is kept small (gzip, as served), and the workers and the
// wasm, loaded later off the page's thread, have ceilings of their own. A build over budget fails, naming the
// file; raise a budget only on purpose, in this table.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** [what, pattern under dist/renderer, measure, limit in bytes] */
export const BUDGETS = [
  ['page JavaScript', /^assets\/index-[\w-]+\.js$/, 'gzip', 160 * 1024],
  ['page CSS', /^assets\/index-[\w-]+\.css$/, 'gzip', 24 * 1024],
  ['capture worklet', /^workers\/capture-worklet-[\w-]+\.js$/, 'gzip', 8 * 1024],
  ['wake-word worker', /^workers\/wakeword-worker-[\w-]+\.js$/, 'gzip', 48 * 1024],
  ['recognizer worker (vosk-browser)', /^workers\/recognizer-worker-[\w-]+\.js$/, 'gzip', 2.5 * 1024 * 1024],
  ['onnxruntime wasm', /^assets\/ort-[\w-]+\.wasm$/, 'gzip', 4 * 1024 * 1024],
];

function files(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** Each budgeted file's size and whether it fits; `missing` lists budgets no file matched. */
export function measure(rendererDir, budgets = BUDGETS) {
  const all = files(rendererDir);
  const rows = [];
  const missing = [];
  for (const [what, pattern, how, limit] of budgets) {
    const matched = all.filter((file) => pattern.test(file));
    if (matched.length === 0) missing.push(what);
    for (const file of matched) {
      const path = join(rendererDir, file);
      const bytes = how === 'gzip' ? gzipSync(readFileSync(path), { level: 9 }).length : statSync(path).size;
      rows.push({ what, file, how, bytes, limit, ok: bytes <= limit });
    }
  }
  return { rows, missing };
}

export function report({ rows, missing }) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const lines = rows.map((r) => `  ${r.ok ? 'ok  ' : 'OVER'} ${r.what}: ${kb(r.bytes)} ${r.how} of ${kb(r.limit)} (${r.file})`);
  for (const what of missing) lines.push(`  MISSING ${what}: no file matched`);
  return lines.join('\n');
}
