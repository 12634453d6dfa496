// The ordered list of migrations. Add a file NNN-name.ts with its own test, then list it here.
import type Database from 'better-sqlite3';
import { migration001 } from './001-settings-history.js';
import { migration002 } from './002-contacts.js';
import { migration003 } from './003-messages-outbox.js';
import { migration004 } from './004-call-log.js';
import { migration005 } from './005-media.js';
import { migration006 } from './006-maps.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006];
