// The core restores its state from SQLite after a restart (a crash, the engine off and on): the route
// being driven is taken up again from where the car is, and the music comes back paused at the same
// track and volume. What was finished (a cancelled route) stays finished.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';

const knowledge = loadKnowledge();

function boot(database: string) {
  return createSimulatedAssistant({ database, knowledge, onlineWeather: null });
}
const say = (sim: ReturnType<typeof boot>, text: string) => sim.assistant.handle({ type: 'utterance', text, lang: 'en', source: 'text' });

describe('after a restart', () => {
  it('takes up the route being driven and the music where they were', async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'kemudi-restart-')), 'kemudi.db');
    const first = boot(database);
    await say(first, 'navigate to Hill Street');
    await say(first, 'play some jazz');
    await say(first, 'set the volume to 30');
    const track = first.player.current()?.id;
    expect(track).toBeDefined();
    first.close();

    const second = boot(database);
    const said: string[] = [];
    second.assistant.on((e) => e.type === 'response' && said.push(e.text));
    await second.resumed;
    await second.assistant.spoken();
    expect(said).toContain('Continuing the route to Hill Street.');
    expect(second.navigation.status()?.place.name).toBe('Hill Street');
    expect(second.assistant.initialEvents().find((e) => e.type === 'nav')).toMatchObject({ route: { destination: 'Hill Street' } });
    expect(second.player.snapshot()).toMatchObject({ status: 'paused', volume: 30, track: { id: track } });
    await say(second, 'resume the music');
    expect(second.player.snapshot()).toMatchObject({ status: 'playing', track: { id: track } });
    await say(second, 'cancel the route');
    second.close();

    const third = boot(database);
    await third.resumed;
    expect(third.navigation.status()).toBeNull();
    third.close();
  });
});
