// The call log (migration 004), read newest first: the phone screen's recent calls (the phone writes it), and
// how often the driver is in touch with each contact (calls and messages), which ranks the favourites.
import type { Db } from './db.js';

export type CallDirection = 'outgoing' | 'incoming' | 'missed';

export interface CallLogEntry {
  id: number;
  contactId: number | null;
  number: string;
  direction: CallDirection;
  startedAt: number;
  /** Null while the call is not over. */
  endedAt: number | null;
}

interface CallRow {
  id: number;
  contact_id: number | null;
  number: string;
  direction: CallDirection;
  started_at: number;
  ended_at: number | null;
}

export class CallLogStore {
  private readonly recentStmt;
  private readonly countStmt;
  private readonly activityStmt;

  constructor(db: Db) {
    this.recentStmt = db.prepare('SELECT id, contact_id, number, direction, started_at, ended_at FROM calls ORDER BY started_at DESC, id DESC LIMIT ?');
    this.countStmt = db.prepare('SELECT count(*) AS n FROM calls');
    // How often and how lately the driver was in touch with each contact, by calls and messages either way.
    this.activityStmt = db.prepare(
      `SELECT contact_id, count(*) AS n, max(at) AS last FROM (
         SELECT contact_id, started_at AS at FROM calls WHERE contact_id IS NOT NULL
         UNION ALL
         SELECT c.contact_id, m.at FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contact_id IS NOT NULL
       ) GROUP BY contact_id`,
    );
  }

  /** The latest calls, newest first, at most limit. */
  recent(limit: number): CallLogEntry[] {
    return (this.recentStmt.all(Math.max(0, Math.floor(limit))) as CallRow[]).map((row) => ({
      id: row.id,
      contactId: row.contact_id,
      number: row.number,
      direction: row.direction,
      startedAt: row.started_at,
      endedAt: row.ended_at,
    }));
  }

  /** Per contact: how many calls and messages (either way), and the latest one's time. */
  activityByContact(): Map<number, { count: number; last: number }> {
    const rows = this.activityStmt.all() as { contact_id: number; n: number; last: number }[];
    return new Map(rows.map((row) => [row.contact_id, { count: row.n, last: row.last }]));
  }

  count(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
}
