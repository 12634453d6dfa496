// The renderer's speech fallback (renderer/src/voice/espeak-speech.ts) in plain Node: espeak-ng's WAV through a
// fake audio element, and the combinator that uses it only where Web Speech has no voice.
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../common/contract.js';
import { createAudioSpeechOutput, fallbackSpeechUrl, RETRY_AFTER_MS, withFallback, type AudioLike } from '../../renderer/src/voice/espeak-speech.js';
import { createSpeaker } from '../../renderer/src/voice/speaker.js';
import type { SpeechOutput, SpeechResult } from '../../renderer/src/voice/speech.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An audio element that plays only when the test says a source ended or failed. */
class FakeAudio implements AudioLike {
  src = '';
  readonly sources: string[] = [];
  paused = true;
  loads = 0;
  refuse: Error | null = null;
  onended: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  play(): Promise<void> {
    this.sources.push(this.src);
    if (this.refuse) return Promise.reject(this.refuse);
    this.paused = false;
    return Promise.resolve();
  }
  pause(): void {
    this.paused = true;
  }
  load(): void {
    this.loads++;
  }
  removeAttribute(name: string): void {
    if (name === 'src') this.src = '';
  }
  end(): void {
    this.paused = true;
    (this.onended as (() => void) | null)?.();
  }
  fail(): void {
    (this.onerror as (() => void) | null)?.();
  }
}

const url = (text: string, lang: Lang) => `/speech?lang=${lang}&text=${encodeURIComponent(text)}`;

/** A fake clock: timers run only when the test calls `fire`. */
function fakeClock() {
  const timers = new Set<{ fn: () => void; ms: number }>();
  return {
    schedule: (fn: () => void, ms: number) => {
      const timer = { fn, ms };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    fire: () => {
      for (const timer of [...timers]) {
        timers.delete(timer);
        timer.fn();
      }
    },
    get pending() {
      return timers.size;
    },
  };
}

describe('fallbackSpeechUrl', () => {
  it('is the simulator route with the page token, or the Electron protocol', () => {
    const sim = fallbackSpeechUrl('websocket', { search: '?token=a%2Bb' });
    expect(sim('Halo, apa kabar?', 'id')).toBe('/speech?lang=id&text=Halo%2C+apa+kabar%3F&token=a%2Bb');
    expect(fallbackSpeechUrl('websocket', { search: '' })('Hi', 'en')).toBe('/speech?lang=en&text=Hi');
    const app = fallbackSpeechUrl('electron', { search: '?token=ignored' });
    expect(app('已关闭大灯。', 'zh')).toBe(`kemudi-media://speech?lang=zh&text=${encodeURIComponent('已关闭大灯。')}`);
    expect(new URL(app('a&b=c', 'en')).searchParams.get('text')).toBe('a&b=c');
  });
});

describe('createAudioSpeechOutput', () => {
  it('plays the WAV for the text and resolves done when it ends', async () => {
    const audio = new FakeAudio();
    const output = createAudioSpeechOutput({ audio, url });
    const said = output.speak('Headlights on.', 'en');
    await tick();
    expect(audio.sources).toEqual([url('Headlights on.', 'en')]);
    expect(audio.paused).toBe(false);
    audio.end();
    expect(await said).toBe('done');
    expect(output.available('en')).toBe(true);
  });

  it('says a long text piece by piece, in order', async () => {
    const audio = new FakeAudio();
    const output = createAudioSpeechOutput({ audio, url });
    const sentence = 'This is one sentence that goes on for quite a while, as messages do. ';
    const said = output.speak(sentence.repeat(10), 'en');
    for (let i = 0; i < 10; i++) {
      await tick();
      if (audio.paused) break;
      audio.end();
    }
    expect(await said).toBe('done');
    expect(audio.sources.length).toBeGreaterThan(1);
    for (const source of audio.sources) expect(decodeURIComponent(source).length).toBeLessThan(400);
  });

  it('stop() pauses at once and resolves stopped; later events change nothing', async () => {
    const audio = new FakeAudio();
    const output = createAudioSpeechOutput({ audio, url });
    const said = output.speak('High beams on.', 'en');
    await tick();
    output.stop();
    expect(audio.paused).toBe(true);
    expect(audio.src).toBe('');
    expect(audio.loads).toBe(1);
    expect(await said).toBe('stopped');
    audio.end();
    audio.fail();
    expect(output.available('en')).toBe(true);
  });

  it('a new text replaces the one being said', async () => {
    const audio = new FakeAudio();
    const output = createAudioSpeechOutput({ audio, url });
    const first = output.speak('One.', 'en');
    await tick();
    const second = output.speak('Dua.', 'id');
    expect(await first).toBe('stopped');
    await tick();
    expect(audio.sources.at(-1)).toBe(url('Dua.', 'id'));
    audio.end();
    expect(await second).toBe('done');
  });

  it('an error (no espeak-ng: a 503) fails, and marks the language unavailable for a while, until a text succeeds', async () => {
    const audio = new FakeAudio();
    let time = 1000;
    const output = createAudioSpeechOutput({ audio, url, now: () => time });
    const said = output.speak('Lampu jauh dinyalakan.', 'id');
    await tick();
    audio.fail();
    expect(await said).toBe('failed');
    expect(output.available('id')).toBe(false);
    expect(output.available('en')).toBe(true);
    // Not asked again at once: the next text fails without a request.
    expect(await output.speak('Belok kiri.', 'id')).toBe('failed');
    expect(audio.sources).toHaveLength(1);
    time += RETRY_AFTER_MS;
    const again = output.speak('Lampu dimatikan.', 'id');
    await tick();
    audio.end();
    expect(await again).toBe('done');
    expect(output.available('id')).toBe(true);
  });

  it('a refused play() (autoplay rules) fails', async () => {
    const audio = new FakeAudio();
    audio.refuse = new Error('NotAllowedError');
    const output = createAudioSpeechOutput({ audio, url });
    expect(await output.speak('Hi.', 'en')).toBe('failed');
  });

  it('a piece that never ends is given up as failed', async () => {
    const audio = new FakeAudio();
    const clock = fakeClock();
    const output = createAudioSpeechOutput({ audio, url, schedule: clock.schedule });
    const said = output.speak('Stuck.', 'en');
    await tick();
    expect(clock.pending).toBe(1);
    clock.fire();
    expect(await said).toBe('failed');
    expect(audio.paused).toBe(true);
  });
});

/** A Web Speech stand-in: voices for some languages; what it says ends when the test says so. */
class FakeWebSpeech implements SpeechOutput {
  readonly said: string[] = [];
  stops = 0;
  private resolve: ((result: SpeechResult) => void) | null = null;
  constructor(private readonly voices: ReadonlySet<Lang>) {}
  speak(text: string, lang: Lang): Promise<SpeechResult> {
    this.end('stopped');
    if (!this.voices.has(lang)) return Promise.resolve('failed');
    this.said.push(text);
    return new Promise((resolve) => (this.resolve = resolve));
  }
  stop(): void {
    this.stops++;
    this.end('stopped');
  }
  available(lang: Lang): boolean {
    return this.voices.has(lang);
  }
  end(result: SpeechResult): void {
    const resolve = this.resolve;
    this.resolve = null;
    resolve?.(result);
  }
}

describe('withFallback', () => {
  it('uses Web Speech where it has a voice, and espeak-ng where it has none', async () => {
    const web = new FakeWebSpeech(new Set<Lang>(['en']));
    const audio = new FakeAudio();
    const output = withFallback(web, createAudioSpeechOutput({ audio, url }));

    const english = output.speak('Headlights on.', 'en');
    await tick();
    expect(web.said).toEqual(['Headlights on.']);
    expect(audio.sources).toEqual([]);
    web.end('done');
    expect(await english).toBe('done');

    const indonesian = output.speak('Lampu jauh dinyalakan.', 'id');
    await tick();
    expect(audio.sources).toEqual([url('Lampu jauh dinyalakan.', 'id')]);
    audio.end();
    expect(await indonesian).toBe('done');
    expect(output.available('id')).toBe(true);
  });

  it('stop() stops whichever is speaking; a stop during the voice wait never reaches the fallback', async () => {
    const web = new FakeWebSpeech(new Set<Lang>());
    const audio = new FakeAudio();
    const output = withFallback(web, createAudioSpeechOutput({ audio, url }));
    const said = output.speak('Belok kiri.', 'id');
    await tick();
    output.stop();
    expect(audio.paused).toBe(true);
    expect(await said).toBe('stopped');

    // Web Speech still waiting for its voice list when stopped: it resolves stopped, nothing is played.
    let resolveWait: (result: SpeechResult) => void = () => undefined;
    const waiting: SpeechOutput = { speak: () => new Promise((resolve) => (resolveWait = resolve)), stop: () => resolveWait('stopped'), available: () => false };
    const audio2 = new FakeAudio();
    const output2 = withFallback(waiting, createAudioSpeechOutput({ audio: audio2, url }));
    const cut = output2.speak('Belok kanan.', 'id');
    output2.stop();
    expect(await cut).toBe('stopped');
    await tick();
    expect(audio2.sources).toEqual([]);
  });

  it('with the speaker: the answer is said through the fallback, `spoken` follows, and barge-in stops it at once', async () => {
    const web = new FakeWebSpeech(new Set<Lang>());
    const audio = new FakeAudio();
    const sent: string[] = [];
    const speaker = createSpeaker(withFallback(web, createAudioSpeechOutput({ audio, url })), { send: (command) => sent.push(command.type) });
    const restrictions = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
    speaker.receive({ type: 'state', dialogue: 'speaking', vehicle: {}, restrictions });
    speaker.receive({ type: 'response', text: 'Lampu jauh dinyalakan.', lang: 'id' });
    await tick();
    audio.end();
    await tick();
    expect(sent).toEqual(['spoken']);

    speaker.receive({ type: 'response', text: 'Lampu dimatikan.', lang: 'id' });
    await tick();
    expect(audio.paused).toBe(false);
    speaker.sending({ type: 'wake' });
    expect(audio.paused).toBe(true);
    await tick();
    expect(sent).toEqual(['spoken']);
  });

  it('with the speaker: no espeak-ng either, the driver is told once there is no voice', async () => {
    const web = new FakeWebSpeech(new Set<Lang>());
    const audio = new FakeAudio();
    const noVoice: Lang[] = [];
    const speaker = createSpeaker(withFallback(web, createAudioSpeechOutput({ audio, url })), { send: () => undefined, onNoVoice: (lang) => noVoice.push(lang) });
    speaker.receive({ type: 'response', text: 'Headlights on.', lang: 'en' });
    await tick();
    audio.fail();
    await tick();
    await tick();
    expect(noVoice).toEqual(['en']);
  });
});
