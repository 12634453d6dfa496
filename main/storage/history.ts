// The turn history: what was heard, understood, decided and answered.
import type { Trace } from '../../common/contract.js';
import type { Db } from './db.js';

export interface HistoryEntry extends Trace {
  at: number;
  response: string;
}

export class HistoryStore {
  private readonly insert;
  private readonly recentStmt;

  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO history (at, lang, heard, intent, slots, source, policy, response) VALUES (@at, @lang, @heard, @intent, @slots, @source, @policy, @response)',
    );
    this.recentStmt = db.prepare('SELECT at, lang, heard, intent, slots, source, policy, response FROM history ORDER BY id DESC LIMIT ?');
  }

  record(trace: Trace, response: string, at: number): void {
    this.insert.run({ at, lang: trace.lang, heard: trace.heard, intent: trace.intent, slots: JSON.stringify(trace.slots), source: trace.source, policy: trace.policy, response });
  }

  recent(limit: number): { at: number; lang: string; heard: string; intent: string | null; source: string; policy: string | null; response: string; slots: Record<string, unknown> }[] {
    return (this.recentStmt.all(limit) as { at: number; lang: string; heard: string; intent: string | null; slots: string; source: string; policy: string | null; response: string }[]).map((row) => ({
      ...row,
      slots: JSON.parse(row.slots) as Record<string, unknown>,
    }));
  }
}
