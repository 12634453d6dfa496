// The voice settings through the core: the `voice` event on connect and on change, a `voice.settings` command
// taking effect at once (even mid-turn), kept in SQLite across a restart, and bad settings refused by the
// contract with a typed error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCommand, type Event, type VoiceEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import { DEFAULT_VOICE_SETTINGS } from '../../main/services/voice/settings.js';

const knowledge = loadKnowledge();
const dir = mkdtempSync(join(tmpdir(), 'kemudi-voice-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const voiceOf = (events: Event[]): VoiceEvent | undefined => events.filter((e): e is VoiceEvent => e.type === 'voice').at(-1);

describe('voice settings', () => {
  it('reports the defaults and the installed models to a screen that connects', () => {
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, voiceModels: () => [{ id: 'vosk-model-small-en-us-0.15', lang: 'en' }] });
    expect(voiceOf(sim.assistant.initialEvents())).toEqual({ type: 'voice', settings: DEFAULT_VOICE_SETTINGS, models: [{ id: 'vosk-model-small-en-us-0.15', lang: 'en' }] });
    sim.close();
  });

  it('applies a change at once, tells every screen, and keeps it across a restart', async () => {
    const database = join(dir, 'kemudi.db');
    const first = createSimulatedAssistant({ database, knowledge, sampleMap: false });
    const seen: Event[] = [];
    first.assistant.on((event) => seen.push(event));
    const result = await first.assistant.handle({ type: 'voice.settings', settings: { wakeEngine: 'openwakeword', wakeKeyword: 'alexa', sensitivity: 0.8, wakePhrases: { id: 'halo kemudi' } } });
    expect(result.ok).toBe(true);
    const expected = { ...DEFAULT_VOICE_SETTINGS, wakeEngine: 'openwakeword', wakeKeyword: 'alexa', sensitivity: 0.8, wakePhrases: { ...DEFAULT_VOICE_SETTINGS.wakePhrases, id: 'halo kemudi' } };
    expect(voiceOf(seen)?.settings).toEqual(expected);
    first.close();

    const second = createSimulatedAssistant({ database, knowledge, sampleMap: false });
    expect(voiceOf(second.assistant.initialEvents())?.settings).toEqual(expected);
    second.close();
  });

  it('tells the screens when a model is installed while the app runs', () => {
    let installed: { id: string; lang: 'en' | 'zh' }[] = [];
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, voiceModels: () => installed });
    const seen: Event[] = [];
    sim.assistant.on((event) => seen.push(event));
    sim.voice.refresh();
    expect(voiceOf(seen)).toBeUndefined(); // nothing changed, nothing said
    installed = [{ id: 'vosk-model-small-cn-0.22', lang: 'zh' }];
    sim.voice.refresh();
    expect(voiceOf(seen)?.models).toEqual(installed);
    sim.close();
  });

  it('refuses settings out of range or of the wrong kind with a typed error', () => {
    for (const settings of [{ sensitivity: 1.5 }, { sensitivity: Number.NaN }, { wakeEngine: 'siri' }, { wakeKeyword: '../models/x' }, { wakePhrases: { en: '' } }, { wakePhrases: { en: 'hey <script>' } }, { wakePhrases: { fr: 'salut' } }, { volume: 3 }]) {
      const decoded = decodeCommand({ type: 'voice.settings', settings });
      expect(decoded.ok, JSON.stringify(settings)).toBe(false);
      if (!decoded.ok) expect(decoded.error.code).toBe('invalid_message');
    }
    expect(decodeCommand({ type: 'voice.settings', settings: { wakePhrases: { zh: '你好 kemudi' } } }).ok).toBe(true);
  });
});
