// `kemudi media`: the music library in the data-dir database, as JSON lines.
//   import DIR                  one line: {"dir","added","updated","removed","skipped","errors":[{"file","message"}]}
//   list                        one line per track, by artist, album and title
//   search "query" [--lang xx]  one line per track found, best first; none when nothing fits
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../core/paths.js';
import { openDatabase } from '../storage/db.js';
import { MediaLibrary } from '../storage/media.js';
import { InputError, parseLang, UsageError } from './usage.js';

const write = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

export async function runMedia(args: string[], options: { lang?: string | undefined } = {}): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'search' && options.lang !== undefined) throw new UsageError('--lang goes with media search only');
  if (action === 'import') {
    const [dir, ...extra] = rest;
    if (dir === undefined || extra.length > 0) throw new UsageError('media import takes one folder');
    let isFolder: boolean;
    try {
      isFolder = statSync(dir).isDirectory();
    } catch {
      throw new InputError(`cannot read ${dir}: no such folder`);
    }
    if (!isFolder) throw new InputError(`${dir} is not a folder`);
    return withLibrary(async (library) => {
      write({ dir, ...(await library.indexFolder(dir)) });
      return 0;
    });
  }
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError('media list takes no arguments');
    return withLibrary((library) => {
      for (const track of library.all()) write(track);
      return 0;
    });
  }
  if (action === 'search') {
    const [query, ...extra] = rest;
    if (query === undefined || extra.length > 0) throw new UsageError('media search takes one query (quote it)');
    const lang = parseLang(options.lang);
    return withLibrary((library) => {
      for (const track of library.search(query, lang)) write(track);
      return 0;
    });
  }
  throw new UsageError(action === undefined ? 'media needs an action: import, list or search' : `unknown media action "${action}"`);
}

async function withLibrary(fn: (library: MediaLibrary) => number | Promise<number>): Promise<number> {
  const db = openDatabase(join(dataDir(), 'kemudi.db'));
  try {
    return await fn(new MediaLibrary(db));
  } finally {
    db.close();
  }
}
