// Where Kemudi finds its own files (intents, renderer build) and where it keeps its state.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';

let cachedRoot: string | undefined;

/** The package root: the nearest folder above this module whose package.json is named kemudi.
 *  Works from the TypeScript sources, the esbuild bundles in dist/ and an asar archive alike. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'kemudi') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('kemudi: cannot find the package root (package.json named kemudi)');
    dir = parent;
  }
}

/** Everything Kemudi stores (database, maps, models) lives under this one folder:
 *  KEMUDI_DATA_DIR, or the platform's usual application-data folder. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.KEMUDI_DATA_DIR ? resolve(env.KEMUDI_DATA_DIR) : envPaths('kemudi', { suffix: '' }).data;
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const intentsDir = (): string => join(projectRoot(), 'intents');
export const rendererDir = (): string => join(projectRoot(), 'dist', 'renderer');
/** The classifier and language models trained from the sentence files at build time. */
export const nluModelsFile = (): string => join(projectRoot(), 'dist', 'nlu', 'models.json');
/** The example scenarios the simulator panel offers (`kemudi sim --scenario` takes any file). */
export const scenariosDir = (): string => join(projectRoot(), 'scenarios');

/** The simulator's sample address book (names in en, id and zh), loaded into an empty one. */
export function addressBookFile(): string {
  return join(scenariosDir(), 'address-book.vcf');
}
