#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.js, made by `npm run build`, which `npm install` runs).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('kemudi: not built yet: run `npm run build` (npm install runs it too).\n');
  process.exit(1);
}
await import(cli.href);
