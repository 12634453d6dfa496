// `kemudi maps`: offline maps from OpenStreetMap extracts, in the data-dir database, as JSON lines.
//   import FILE                              progress on stderr; one line {"id","name","path","format","replaced",
//                                            "vertices","edges","streets","pois","addresses","restrictions","ms"}
//                                            (again: the same file replaces its earlier import)
//   list                                     one line per source (MapSource: counts, bbox, attribution, …)
//   search "query" [--near LAT,LON] [--lang xx]   one line per place found, best first; none when nothing fits
//   remove ID                                one line {"id","removed"}
// A failed import prints {"file","error":{"code","message"}} and exits 1; a wrong call exits 2.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../core/paths.js';
import { openProcessLog } from '../core/log.js';
import { Geocoder } from '../services/navigation/geocoder.js';
import { importOsm, type ImportProgress } from '../services/navigation/osm-import.js';
import { openDatabase } from '../storage/db.js';
import { MapStore } from '../storage/maps.js';
import { InputError, parseLang, UsageError } from './usage.js';

const write = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

export interface MapsOptions {
  near?: string | undefined;
  lang?: string | undefined;
}

export async function runMaps(args: string[], options: MapsOptions = {}): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'search' && (options.near !== undefined || options.lang !== undefined)) throw new UsageError('--near and --lang go with maps search only');
  switch (action) {
    case 'import': {
      const [file, ...extra] = rest;
      if (file === undefined || extra.length > 0) throw new UsageError('maps import takes one file (.osm.pbf or .osm)');
      let isFile: boolean;
      try {
        isFile = statSync(file).isFile();
      } catch {
        throw new InputError(`cannot read ${file}: no such file`);
      }
      if (!isFile) throw new InputError(`${file} is not a file`);
      return withStore((store) => importFile(store, file));
    }
    case 'list':
      if (rest.length > 0) throw new UsageError('maps list takes no arguments');
      return withStore((store) => {
        for (const source of store.sources()) write(source);
        return 0;
      });
    case 'search': {
      const [query, ...extra] = rest;
      if (query === undefined || extra.length > 0) throw new UsageError('maps search takes one query (quote it)');
      const near = parseNear(options.near);
      const lang = parseLang(options.lang);
      return withStore((store) => {
        for (const place of new Geocoder(store).searchPlaces(query, { ...(near ? { near } : {}), ...(lang ? { lang } : {}) })) write(place);
        return 0;
      });
    }
    case 'remove': {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0 || !/^\d+$/.test(id)) throw new UsageError('maps remove takes one source id (see `kemudi maps list`)');
      return withStore((store) => {
        write({ id: Number(id), removed: store.removeSource(Number(id)) });
        return 0;
      });
    }
    default:
      throw new UsageError(action === undefined ? 'maps needs an action: import, list, search or remove' : `unknown maps action "${action}"`);
  }
}

function parseNear(value: string | undefined): { lat: number; lon: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(value);
  const lat = Number(match?.[1]);
  const lon = Number(match?.[2]);
  if (!match || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new UsageError(`--near takes LAT,LON in degrees (such as 43.7384,7.4246), not "${value}"`);
  return { lat, lon };
}

async function importFile(store: MapStore, file: string): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = new ProgressBar(file, process.stderr);
  const processLog = openProcessLog();
  const log = processLog.child('maps');
  try {
    const result = await importOsm(store, file, { signal: controller.signal, onProgress: (p) => bar.update(p) });
    bar.end();
    if (!result.ok) {
      log.error('map.import_failed', { code: result.error.code, message: result.error.message });
      write({ file, error: result.error });
      return 1;
    }
    const { source, replaced, ms, vertices, edges, streets, pois, addresses, restrictions } = result.value;
    log.info('map.import', { id: source.id, format: source.format, bytes: source.bytes, replaced, vertices, edges, streets, pois, addresses, restrictions, ms });
    write({ id: source.id, name: source.name, path: source.path, format: source.format, replaced, vertices, edges, streets, pois, addresses, restrictions, ms });
    return 0;
  } catch (error) {
    log.error('map.import_failed', { err: error });
    throw error;
  } finally {
    processLog.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function withStore(fn: (store: MapStore) => number | Promise<number>): Promise<number> {
  const db = openDatabase(join(dataDir(), 'kemudi.db'));
  try {
    return await fn(new MapStore(db));
  } finally {
    db.close();
  }
}

const PHASES: Record<ImportProgress['phase'], string> = { hash: 'checking', ways: 'reading ways', nodes: 'reading nodes', graph: 'building roads', commit: 'saving' };

/** As `kemudi models pull` draws it: on a terminal one line redrawn with `\r` (phase, bar, percent);
 *  otherwise a line as each phase starts and one every few seconds. */
class ProgressBar {
  private readonly tty: boolean;
  private lastDraw = 0;
  private phase: ImportProgress['phase'] | null = null;
  private drawn = false;
  private written: ImportProgress['phase'] | null = null;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  update(progress: ImportProgress): void {
    const now = Date.now();
    const changed = progress.phase !== this.phase;
    this.phase = progress.phase;
    if (!changed && now - this.lastDraw < (this.tty ? 100 : 5000)) return;
    this.lastDraw = now;
    this.draw(progress);
  }

  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
  }

  private draw(p: ImportProgress): void {
    const name = PHASES[p.phase];
    let bar = '';
    if (p.total) {
      const fraction = Math.min(p.done / p.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      bar = ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%`;
    }
    if (this.tty) {
      this.stream.write(`\r${this.label}  ${name.padEnd(14)}${bar}\u001b[K`);
      this.drawn = true;
    } else {
      // Not a terminal (a log): a line as each phase starts, then one every few seconds.
      const percent = p.phase !== this.written || !p.total ? '' : ` ${((Math.min(p.done / p.total, 1)) * 100).toFixed(0)}%`;
      this.stream.write(`kemudi: ${this.label}: ${name}${percent}\n`);
      this.written = p.phase;
    }
  }
}
