import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../main/storage/db.js';
import { SettingsStore } from '../../main/storage/settings.js';

const Volume = z.object({ volume: z.number().min(0).max(100) });

describe('settings', () => {
  it('keeps JSON values by key, replaces them, and deletes them', () => {
    const settings = new SettingsStore(openDatabase(':memory:'));
    expect(settings.get('media.player', Volume)).toBeUndefined();
    settings.set('media.player', { volume: 40 });
    expect(settings.get('media.player', Volume)).toEqual({ volume: 40 });
    settings.set('media.player', { volume: 70 });
    expect(settings.get('media.player', Volume)).toEqual({ volume: 70 });
    settings.delete('media.player');
    expect(settings.get('media.player', Volume)).toBeUndefined();
  });

  it('ignores a value that does not fit its schema instead of trusting it', () => {
    const db = openDatabase(':memory:');
    const settings = new SettingsStore(db);
    settings.set('media.player', { volume: 'loud' });
    expect(settings.get('media.player', Volume)).toBeUndefined();
    db.prepare("UPDATE settings SET value = '[1,2]' WHERE key = 'media.player'").run();
    expect(settings.get('media.player', Volume)).toBeUndefined();
  });
});
