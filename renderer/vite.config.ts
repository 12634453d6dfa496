// Builds the renderer into dist/renderer. base './' so the same files load over http (simulator)
// and from file:// inside Electron; no CDN, nothing remote.
import { defineConfig } from 'vite';

export default defineConfig({
  // Vite substitutes import.meta.dirname with this file's folder when it bundles the config.
  root: import.meta.dirname,
  base: './',
  publicDir: false,
  // No @preact/preset-vite: Oxc's automatic runtime pointed at preact does the JSX.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // Electron 45's Chromium and the Debian Chromium the tests drive.
    target: 'chrome130',
    sourcemap: true,
    // The polyfill would be an inline script, which the CSP forbids.
    modulePreload: { polyfill: false },
  },
  // Workers are ES modules under workers/, where the servers send them a policy of their own (WORKER_CSP,
  // APP_WORKER_CSP): vosk-browser's glue needs 'unsafe-eval', which the page's policy never gets.
  worker: {
    format: 'es',
    rollupOptions: { output: { entryFileNames: 'workers/[name]-[hash].js', chunkFileNames: 'workers/[name]-[hash].js' } },
  },
  server: { host: '127.0.0.1', strictPort: false },
});
