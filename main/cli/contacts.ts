// `kemudi contacts`: the address book in the data-dir database, as JSON lines.
//   import FILE.vcf   one line: {"file","imported","updated","skipped","errors":[{"card","line","code","message"}]}
//   list              one line per contact, by name
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../core/paths.js';
import { ContactStore } from '../storage/contacts.js';
import { openDatabase } from '../storage/db.js';
import { importVcardFile } from '../storage/vcard.js';
import { InputError, UsageError } from './usage.js';

const write = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};

export function runContacts(args: string[]): number {
  const [action, ...rest] = args;
  if (action === 'import') {
    const [file, ...extra] = rest;
    if (file === undefined || extra.length > 0) throw new UsageError('contacts import takes one .vcf file');
    if (!existsSync(file)) throw new InputError(`cannot read ${file}: no such file`);
    return withStore((store) => {
      const result = importVcardFile(store, file);
      // A file with no BEGIN:VCARD at all is the wrong file, not an empty address book.
      if (result.imported + result.updated + result.skipped === 0) throw new InputError(`${file} holds no vCard`);
      write({ file, ...result });
      return 0;
    });
  }
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError('contacts list takes no arguments');
    return withStore((store) => {
      for (const contact of store.all()) write(contact);
      return 0;
    });
  }
  throw new UsageError(action === undefined ? 'contacts needs an action: import or list' : `unknown contacts action "${action}"`);
}

function withStore(fn: (store: ContactStore) => number): number {
  const db = openDatabase(join(dataDir(), 'kemudi.db'));
  try {
    return fn(new ContactStore(db));
  } finally {
    db.close();
  }
}
