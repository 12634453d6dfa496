// Settings and small pieces of state that must outlive a restart (the route being driven, the music
// player), as JSON under a key. Read back through a zod schema: a value written by an older version,
// or damaged, is ignored rather than trusted.
import type { z } from 'zod';
import type { Db } from './db.js';

export class SettingsStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.deleteStmt = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  }

  /** The value under `key` when it parses and fits `schema`; undefined otherwise. */
  get<T>(key: string, schema: z.ZodType<T>): T | undefined {
    const row = this.getStmt.get(key);
    if (!row) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      return undefined;
    }
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }
}
