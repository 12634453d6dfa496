// The OpenStreetMap extracts in ../shared/data/osm (KEMUDI_SHARED), imported once per test file into an
// in-memory database. Tests that need them skip, saying why, where the shared data is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../main/storage/db.js';
import { MapStore } from '../../main/storage/maps.js';
import { importOsm, type ImportResult } from '../../main/services/navigation/osm-import.js';
import { sharedDir } from '../support/tiny-gguf.js';

export const OSM_DIR = join(sharedDir(), 'data/osm');

/** The path of a shared extract, or null when it is not there. */
export function extract(name: string): string | null {
  const path = join(OSM_DIR, name);
  return existsSync(path) ? path : null;
}

/** A test title that says why it is skipped when some extracts are missing. */
export function titled(title: string, names: readonly string[]): string {
  const missing = names.filter((name) => extract(name) === null);
  return missing.length === 0 ? title : `${title} (skipped: ${missing.join(', ')} not in ${OSM_DIR}; set KEMUDI_SHARED)`;
}

export const hasExtracts = (names: readonly string[]): boolean => names.every((name) => extract(name) !== null);

/** A fresh store with these extracts imported (each must be there). */
export async function storeWith(names: readonly string[]): Promise<{ store: MapStore; results: Map<string, ImportResult> }> {
  const store = new MapStore(openDatabase(':memory:'));
  const results = new Map<string, ImportResult>();
  for (const name of names) {
    const path = extract(name);
    if (path === null) throw new Error(`${name} is missing from ${OSM_DIR}`);
    const imported = await importOsm(store, path);
    if (!imported.ok) throw new Error(`${name}: ${imported.error.message}`);
    results.set(name, imported.value);
  }
  return { store, results };
}
