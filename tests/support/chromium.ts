// Debian's Chromium for the end-to-end tests: found once, launched the same way by every e2e file.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** CHROMIUM_PATH, else `chromium` (or `chromium-browser`) on PATH; null when there is none. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** Says loudly that a file's UI tests are skipped, rather than passing quietly. */
export function warnSkipped(file: string): void {
  console.warn(
    `\n!!! ${file} SKIPPED: no Chromium found. Install Debian's \`chromium\` or set CHROMIUM_PATH to run the UI end-to-end tests. !!!\n`,
  );
}

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a throwaway profile and nothing that phones home. */
export async function launchChromium(executablePath: string, viewport = { width: 1280, height: 720 }): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'kemudi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // As in the car (Electron's autoplayPolicy): music started by a typed command plays at once.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
