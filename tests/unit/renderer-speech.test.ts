// Speech output in the renderer, in plain Node: the speaker (renderer/src/voice/speaker.ts) against a fake
// SpeechOutput, and the Web Speech adapter (renderer/src/voice/speech.ts) against a fake speechSynthesis.
import { describe, expect, it } from 'vitest';
import type { Command, DialogueState, Event, Lang } from '../../common/contract.js';
import { createSpeaker, initialSpeaker, isBargeIn, step } from '../../renderer/src/voice/speaker.js';
import {
  createWebSpeechOutput,
  MAX_CHUNK_CHARS,
  pickVoice,
  silentSpeech,
  splitSentences,
  type SpeechOutput,
  type SpeechResult,
  type SynthesisLike,
  type UtteranceLike,
  type VoiceLike,
} from '../../renderer/src/voice/speech.js';

/** Lets promise callbacks (the output resolving, the speaker reacting) run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const restrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
const state = (dialogue: DialogueState): Event => ({ type: 'state', dialogue, vehicle: {}, restrictions });
const response = (text: string, lang: Lang = 'en', extra: { spokenOnly?: boolean; replayed?: boolean } = {}): Event => ({ type: 'response', text, lang, ...extra });

/** A speech output that says nothing until the test ends each utterance. */
class FakeOutput implements SpeechOutput {
  readonly said: { text: string; lang: Lang; result: SpeechResult | null }[] = [];
  stops = 0;
  private active: { index: number; resolve: (result: SpeechResult) => void } | null = null;
  constructor(private readonly voices: ReadonlySet<Lang> = new Set(['en', 'id', 'zh'])) {}

  speak(text: string, lang: Lang): Promise<SpeechResult> {
    this.stop();
    this.stops--; // a new text replacing the old is not a stop asked for
    const index = this.said.push({ text, lang, result: null }) - 1;
    if (!this.voices.has(lang)) {
      this.said[index]!.result = 'failed';
      return Promise.resolve('failed');
    }
    return new Promise((resolve) => (this.active = { index, resolve }));
  }

  stop(): void {
    this.stops++;
    this.end('stopped');
  }

  available(lang: Lang): boolean {
    return this.voices.has(lang);
  }

  /** The utterance being said comes to its end. */
  finish(): void {
    this.end('done');
  }

  get speaking(): string | null {
    return this.active ? (this.said[this.active.index]?.text ?? null) : null;
  }

  private end(result: SpeechResult): void {
    const active = this.active;
    this.active = null;
    if (!active) return;
    this.said[active.index]!.result = result;
    active.resolve(result);
  }
}

function speakerWith(output = new FakeOutput(), muted = false) {
  const sent: Command[] = [];
  const noVoice: Lang[] = [];
  const speaker = createSpeaker(output, { send: (command) => sent.push(command), onNoVoice: (lang) => noVoice.push(lang), muted });
  const spokenCount = () => sent.filter((c) => c.type === 'spoken').length;
  return { output, speaker, sent, noVoice, spokenCount };
}

describe('the speaker', () => {
  it('says each answer in its language, and tells the core when it is done', async () => {
    const s = speakerWith();
    for (const [text, lang] of [
      ['Headlights on.', 'en'],
      ['Lampu jauh dinyalakan.', 'id'],
      ['已打开远光灯。', 'zh'],
    ] as const) {
      s.speaker.receive(state('understanding'));
      s.speaker.receive(response(text, lang));
      s.speaker.receive(state('speaking'));
      expect(s.output.speaking).toBe(text);
      expect(s.output.said.at(-1)).toMatchObject({ text, lang });
      const before = s.spokenCount();
      s.output.finish();
      await tick();
      expect(s.spokenCount()).toBe(before + 1);
      s.speaker.receive(state('listening'));
    }
    expect(s.sent).toEqual([{ type: 'spoken' }, { type: 'spoken' }, { type: 'spoken' }]);
  });

  it('says the answers of a multi-request turn in order, and `spoken` only after the last', async () => {
    const s = speakerWith();
    s.speaker.receive(state('acting'));
    s.speaker.receive(response('Headlights on.'));
    s.speaker.receive(response('Temperature set to 22 degrees.'));
    s.speaker.receive(state('speaking'));
    expect(s.output.speaking).toBe('Headlights on.');
    s.output.finish();
    await tick();
    expect(s.output.speaking).toBe('Temperature set to 22 degrees.');
    expect(s.spokenCount()).toBe(0);
    s.output.finish();
    await tick();
    expect(s.spokenCount()).toBe(1);
  });

  it('sends `spoken` once the dialogue is speaking when the voice finished before the state said so', async () => {
    const s = speakerWith();
    s.speaker.receive(state('acting'));
    s.speaker.receive(response('Headlights on.'));
    s.output.finish();
    await tick();
    expect(s.spokenCount()).toBe(0);
    s.speaker.receive(state('speaking'));
    expect(s.spokenCount()).toBe(1);
  });

  it('says spoken-only answers (messages read while driving)', async () => {
    const s = speakerWith();
    s.speaker.receive(response('Message from Sari: where are you?', 'en', { spokenOnly: true }));
    s.speaker.receive(state('speaking'));
    expect(s.output.speaking).toBe('Message from Sari: where are you?');
    s.output.finish();
    await tick();
    expect(s.spokenCount()).toBe(1);
  });

  it('does not say again what a reloaded page is replayed', () => {
    const s = speakerWith();
    s.speaker.receive(state('idle'));
    s.speaker.receive(response('Headlights on.', 'en', { replayed: true }));
    expect(s.output.said).toEqual([]);
  });

  it('stops at once when the dialogue leaves "speaking" for a new turn, and sends no `spoken` for it', async () => {
    for (const next of ['understanding', 'acting', 'clarifying'] as const) {
      const s = speakerWith();
      s.speaker.receive(response('It is 24 degrees and sunny in Jakarta today, with rain later.'));
      s.speaker.receive(state('speaking'));
      s.speaker.receive(state(next));
      expect(s.output.stops).toBe(1);
      expect(s.output.speaking).toBeNull();
      expect(s.output.said[0]?.result).toBe('stopped');
      await tick();
      s.speaker.receive(state('speaking'));
      expect(s.spokenCount()).toBe(0);
    }
  });

  it('stops at once when the driver takes the word on this screen: the mic, a cancel, a request, a touch', async () => {
    const takes: Command[] = [
      { type: 'wake' },
      { type: 'cancel' },
      { type: 'confirm' },
      { type: 'utterance', text: 'turn off the radio', source: 'text' },
      { type: 'intent', name: 'media.pause', slots: {}, source: 'touch' },
    ];
    for (const command of takes) {
      const s = speakerWith();
      s.speaker.receive(response('Starting the route to Hill Street: 900 metres, about 2 minutes.'));
      s.speaker.receive(response('Then turn left.'));
      s.speaker.receive(state('speaking'));
      s.speaker.sending(command);
      expect(s.output.stops, command.type).toBe(1);
      expect(s.output.speaking).toBeNull();
      await tick();
      // What was queued is dropped with it, and the core is not told it was said.
      expect(s.output.said).toHaveLength(1);
      expect(s.sent).toEqual([]);
      // The core goes on: here, to listening after the mic.
      s.speaker.receive(state('listening'));
      expect(s.sent).toEqual([]);
    }
    for (const command of [{ type: 'spoken' }, { type: 'media.ended', trackId: 1 }, { type: 'hangup' }, { type: 'sim.drive', speed: 50 }] as Command[]) expect(isBargeIn(command)).toBe(false);
  });

  it('says the answer to a spoken "cancel" after cutting off what it was saying', async () => {
    const s = speakerWith();
    s.speaker.receive(response('Your next appointment is at ten, at the office on Jalan Sudirman.'));
    s.speaker.receive(state('speaking'));
    s.speaker.sending({ type: 'utterance', text: 'cancel', source: 'voice' });
    s.speaker.receive({ type: 'transcript', text: 'cancel', lang: 'en', final: true });
    s.speaker.receive(response('Cancelled.'));
    s.speaker.receive(state('idle'));
    expect(s.output.speaking).toBe('Cancelled.');
    s.output.finish();
    await tick();
    expect(s.output.said.map((u) => [u.text, u.result])).toEqual([
      ['Your next appointment is at ten, at the office on Jalan Sudirman.', 'stopped'],
      ['Cancelled.', 'done'],
    ]);
  });

  it('keeps saying an answer when the core only ran out its estimate (listening, idle): that is no barge-in', async () => {
    const s = speakerWith();
    s.speaker.receive(response('已为您导航到北京南站，全程十二公里，大约需要二十五分钟。', 'zh'));
    s.speaker.receive(state('speaking'));
    s.speaker.receive(state('listening'));
    s.speaker.receive(state('idle'));
    expect(s.output.stops).toBe(0);
    expect(s.output.speaking).toMatch(/^已为您导航/);
    s.output.finish();
    await tick();
    // The core has long left "speaking": nothing to tell it.
    expect(s.sent).toEqual([]);
  });

  it('keeps the question a new turn asks while cutting off the answer before it (a touch that needs a yes)', async () => {
    const s = speakerWith();
    s.speaker.receive(response('Headlights on.'));
    s.speaker.receive(state('speaking'));
    // The touch went through another screen: only the core's events say what happened.
    s.speaker.receive(response('Open the window fully while driving at 90 km/h?'));
    s.speaker.receive(state('clarifying'));
    expect(s.output.said[0]).toMatchObject({ text: 'Headlights on.', result: 'stopped' });
    expect(s.output.speaking).toBe('Open the window fully while driving at 90 km/h?');
  });

  it('lets guidance cut in while an answer is being said, then says what the core repeats after it', async () => {
    const s = speakerWith();
    s.speaker.receive(response('It is 24 degrees and sunny.'));
    s.speaker.receive(state('speaking'));
    s.speaker.receive(response('In 100 metres, turn left onto Hill Street.'));
    expect(s.output.said[0]).toMatchObject({ result: 'stopped' });
    expect(s.output.speaking).toBe('In 100 metres, turn left onto Hill Street.');
    s.speaker.receive(response('It is 24 degrees and sunny.'));
    s.output.finish();
    await tick();
    expect(s.output.speaking).toBe('It is 24 degrees and sunny.');
    s.output.finish();
    await tick();
    expect(s.spokenCount()).toBe(1);
  });

  it('reports a language without a voice once, and leaves the end of "speaking" to the core', async () => {
    const s = speakerWith(new FakeOutput(new Set(['en'])));
    s.speaker.receive(response('Lampu jauh dinyalakan.', 'id'));
    s.speaker.receive(state('speaking'));
    await tick();
    expect(s.noVoice).toEqual(['id']);
    expect(s.sent).toEqual([]);
    s.speaker.receive(state('listening'));
    s.speaker.receive(response('Lampu utama dinyalakan.', 'id'));
    s.speaker.receive(state('speaking'));
    await tick();
    expect(s.noVoice).toEqual(['id']);
    expect(s.sent).toEqual([]);
    // English still speaks.
    s.speaker.receive(state('listening'));
    s.speaker.receive(response('Headlights on.'));
    s.speaker.receive(state('speaking'));
    s.output.finish();
    await tick();
    expect(s.sent).toEqual([{ type: 'spoken' }]);
  });

  it('when muted says nothing and lets the core move on at once; muting mid-answer stops it', async () => {
    const s = speakerWith(new FakeOutput(), true);
    s.speaker.receive(response('Headlights on.'));
    s.speaker.receive(state('speaking'));
    expect(s.output.said).toEqual([]);
    expect(s.spokenCount()).toBe(1);

    s.speaker.setMuted(false);
    s.speaker.receive(state('listening'));
    s.speaker.receive(response('Message from Sari: where are you?', 'en', { spokenOnly: true }));
    s.speaker.receive(state('speaking'));
    expect(s.output.speaking).toBe('Message from Sari: where are you?');
    s.speaker.setMuted(true);
    expect(s.output.stops).toBe(1);
    expect(s.output.speaking).toBeNull();
    expect(s.spokenCount()).toBe(2);
    expect(s.speaker.state.muted).toBe(true);
  });

  it('ignores the end of an utterance it already stopped', async () => {
    const output = new FakeOutput();
    const s = speakerWith(output);
    s.speaker.receive(response('Headlights on.'));
    s.speaker.receive(state('speaking'));
    const id = s.speaker.state.current?.id as number;
    s.speaker.sending({ type: 'wake' });
    const after = step(s.speaker.state, { type: 'finished', id, result: 'done' });
    expect(after.effects).toEqual([]);
    expect(after.state).toBe(s.speaker.state);
    expect(initialSpeaker().current).toBeNull();
  });

  it('stops speech when disposed', () => {
    const s = speakerWith();
    s.speaker.receive(response('Headlights on.'));
    s.speaker.dispose();
    expect(s.output.stops).toBe(1);
    s.speaker.receive(response('Not said.'));
    expect(s.output.said).toHaveLength(1);
  });
});

// ---- the Web Speech adapter ----

const voice = (name: string, lang: string, localService: boolean, isDefault = false): VoiceLike => ({ name, lang, localService, default: isDefault });

class FakeUtterance implements UtteranceLike {
  lang = '';
  voice: VoiceLike | null = null;
  onend: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  constructor(public text: string) {}
}

class FakeSynth implements SynthesisLike {
  readonly queue: FakeUtterance[] = [];
  readonly spoken: FakeUtterance[] = [];
  cancels = 0;
  private readonly listeners: (() => void)[] = [];
  constructor(public voices: VoiceLike[]) {}
  speak(utterance: UtteranceLike): void {
    this.spoken.push(utterance as FakeUtterance);
  }
  cancel(): void {
    this.cancels++;
    const last = this.spoken.at(-1);
    (last?.onerror as ((event: { error: string }) => void) | null)?.({ error: 'interrupted' });
  }
  getVoices(): readonly VoiceLike[] {
    return this.voices;
  }
  addEventListener(_type: 'voiceschanged', listener: () => void): void {
    this.listeners.push(listener);
  }
  voicesChanged(voices: VoiceLike[]): void {
    this.voices = voices;
    for (const listener of this.listeners) listener();
  }
  /** The newest utterance comes to its end. */
  end(): void {
    (this.spoken.at(-1)?.onend as (() => void) | null)?.();
  }
}

/** A clock the test moves by hand. */
function manualClock() {
  const timers = new Set<{ fn: () => void; ms: number }>();
  return {
    schedule(fn: () => void, ms: number) {
      const timer = { fn, ms };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    /** Fires every timer due within `ms`. */
    run(ms: number) {
      for (const timer of [...timers]) {
        if (timer.ms <= ms) {
          timers.delete(timer);
          timer.fn();
        }
      }
    },
    get pending() {
      return timers.size;
    },
  };
}

const VOICES = [
  voice('Google US English', 'en-US', false),
  voice('English (Great Britain)', 'en-GB', true),
  voice('English (America)', 'en-US', true),
  voice('Indonesian', 'in_ID', true),
  voice('Chinese (Cantonese)', 'zh-HK', true),
  voice('Chinese (Mandarin)', 'cmn-Hans-CN', true),
  voice('Google 普通话', 'zh-CN', false, true),
];

describe('the Web Speech adapter', () => {
  it('picks a local voice for the language, never a network one when a local one exists', () => {
    expect(pickVoice(VOICES, 'en')?.name).toBe('English (America)');
    expect(pickVoice(VOICES, 'id')?.name).toBe('Indonesian');
    expect(pickVoice(VOICES, 'zh')?.name).toBe('Chinese (Mandarin)');
    expect(pickVoice(VOICES.filter((v) => v.lang !== 'cmn-Hans-CN'), 'zh')?.name).toBe('Chinese (Cantonese)');
    // Only a network voice: better than silence.
    expect(pickVoice([voice('Google Bahasa Indonesia', 'id-ID', false)], 'id')?.name).toBe('Google Bahasa Indonesia');
    expect(pickVoice([voice('Cantonese', 'yue-HK', true), voice('English', 'en-US', true)], 'zh')).toBeNull();
    expect(pickVoice([], 'en')).toBeNull();
  });

  it('cuts long texts at sentence ends, so stop() never waits on a long utterance', () => {
    expect(splitSentences('Headlights on. Temperature set to 22.5 degrees! Anything else?')).toEqual(['Headlights on.', 'Temperature set to 22.5 degrees!', 'Anything else?']);
    expect(splitSentences('已打开远光灯。温度已设为二十二度！还有别的吗？')).toEqual(['已打开远光灯。', '温度已设为二十二度！', '还有别的吗？']);
    expect(splitSentences('Sari said: "I am late." Reply?')).toEqual(['Sari said: "I am late."', 'Reply?']);
    expect(splitSentences('  \n ')).toEqual([]);
    const long = `${'word '.repeat(120)}end.`;
    const pieces = splitSentences(long);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
    expect(pieces.join(' ')).toBe(long.trim());
    const chinese = '字'.repeat(450);
    expect(splitSentences(chinese).join('')).toBe(chinese);
    expect(splitSentences(chinese).every((p) => Array.from(p).length <= MAX_CHUNK_CHARS)).toBe(true);
  });

  it('says a text piece by piece with the language tag and the chosen voice, then resolves done', async () => {
    const synth = new FakeSynth(VOICES);
    const clock = manualClock();
    const output = createWebSpeechOutput({ scope: { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance }, schedule: clock.schedule });
    expect(output.available('id')).toBe(true);
    const said = output.speak('Lampu jauh dinyalakan. Ada lagi?', 'id');
    await tick();
    expect(synth.spoken.map((u) => [u.text, u.lang, u.voice?.name])).toEqual([['Lampu jauh dinyalakan.', 'id-ID', 'Indonesian']]);
    synth.end();
    await tick();
    expect(synth.spoken.map((u) => u.text)).toEqual(['Lampu jauh dinyalakan.', 'Ada lagi?']);
    synth.end();
    await expect(said).resolves.toBe('done');
    expect(clock.pending).toBe(0);
  });

  it('stops at once: the text resolves stopped, the engine is cancelled, and no further piece is said', async () => {
    const synth = new FakeSynth(VOICES);
    const output = createWebSpeechOutput({ scope: { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance }, schedule: manualClock().schedule });
    const said = output.speak('First sentence. Second sentence. Third sentence.', 'en');
    await tick();
    output.stop();
    await expect(said).resolves.toBe('stopped');
    expect(synth.cancels).toBe(1);
    await tick();
    expect(synth.spoken).toHaveLength(1);
  });

  it('fails at once for a language without a voice, and a stuck utterance fails after a while', async () => {
    const synth = new FakeSynth([voice('English (America)', 'en-US', true)]);
    const clock = manualClock();
    const output = createWebSpeechOutput({ scope: { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance }, schedule: clock.schedule });
    expect(output.available('zh')).toBe(false);
    await expect(output.speak('已打开远光灯。', 'zh')).resolves.toBe('failed');
    expect(synth.spoken).toEqual([]);

    const stuck = output.speak('Headlights on.', 'en');
    await tick();
    clock.run(60_000);
    await expect(stuck).resolves.toBe('failed');
    expect(synth.cancels).toBe(1);
  });

  it('waits for the voice list a browser fills late, and gives up on one that never comes', async () => {
    const synth = new FakeSynth([]);
    const clock = manualClock();
    const output = createWebSpeechOutput({ scope: { speechSynthesis: synth, SpeechSynthesisUtterance: FakeUtterance }, schedule: clock.schedule });
    const said = output.speak('Headlights on.', 'en');
    await tick();
    expect(synth.spoken).toEqual([]);
    synth.voicesChanged(VOICES);
    await tick();
    expect(synth.spoken.map((u) => u.voice?.name)).toEqual(['English (America)']);
    synth.end();
    await expect(said).resolves.toBe('done');

    const none = new FakeSynth([]);
    const later = manualClock();
    const silent = createWebSpeechOutput({ scope: { speechSynthesis: none, SpeechSynthesisUtterance: FakeUtterance }, schedule: later.schedule });
    const attempt = silent.speak('Headlights on.', 'en');
    later.run(5000);
    await expect(attempt).resolves.toBe('failed');
    expect(silent.available('en')).toBe(false);
  });

  it('is silent where the page has no Web Speech API', async () => {
    expect(createWebSpeechOutput({ scope: {} })).toBe(silentSpeech);
    await expect(silentSpeech.speak('Headlights on.', 'en')).resolves.toBe('failed');
    expect(silentSpeech.available('en')).toBe(false);
  });
});
