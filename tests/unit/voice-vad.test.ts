// Voice-activity detection and endpointing (renderer/src/voice/vad.ts) on real synthetic speech: espeak-ng
// phrases in English, Indonesian and Mandarin, laid out with gaps over sox's pink and brown noise at several
// signal-to-noise ratios and over silence. The truth is where each phrase was put; every phrase must come out
// as one segment whose start and end are within 150 ms of it, and noise alone must give nothing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_VAD_OPTIONS, VoiceActivityDetector, detectSegments, type SpeechSegment } from '../../renderer/src/voice/vad.js';
import { assemble, noiseWav, readWav, rms, speechToolsMissing, warnSpeechSkipped, type NoiseColor, type SpeechLang } from '../support/speech-wav.js';

const TOLERANCE_MS = 150;
const PHRASES: { text: string; lang: SpeechLang }[] = [
  { text: 'turn on the headlights', lang: 'en' },
  { text: 'nyalakan lampu jauh', lang: 'id' },
  { text: '关闭大灯', lang: 'zh' },
  { text: 'navigate to the nearest gas station please', lang: 'en' },
  { text: 'kirim pesan ke Sari bahwa saya terlambat', lang: 'id' },
  { text: '导航到最近的加油站', lang: 'zh' },
];
const CONDITIONS: { noise: NoiseColor | null; snrDb: number }[] = [
  { noise: null, snrDb: Infinity },
  { noise: 'pink', snrDb: 20 },
  { noise: 'pink', snrDb: 10 },
  { noise: 'brown', snrDb: 10 },
  { noise: 'brown', snrDb: 0 },
  { noise: 'white', snrDb: 15 },
];

const missing = speechToolsMissing();
if (missing) warnSpeechSkipped('tests/unit/voice-vad.test.ts (speech parts)', missing);
const withSpeech = missing ? describe.skip : describe;

withSpeech('VAD on espeak-ng speech in noise', () => {
  const errors: number[] = [];

  for (const { noise, snrDb } of CONDITIONS) {
    const label = noise ? `${noise} noise at ${snrDb} dB SNR` : 'silence';
    it(`finds each of six phrases (en, id, zh) once, within ${TOLERANCE_MS} ms, over ${label}`, () => {
      const { samples, truth } = assemble(PHRASES, noise ? { noise, snrDb } : {});
      const segments = detectSegments(samples);
      const report = segments.map((s) => `${s.startMs}–${s.endMs}`).join(', ');
      expect(segments.length, `segments: ${report}; truth: ${truth.map((t) => `${t.startMs}–${t.endMs}`).join(', ')}`).toBe(truth.length);
      const worst: number[] = [];
      truth.forEach((phrase, i) => {
        const segment = segments[i]!;
        const startError = segment.startMs - phrase.startMs;
        const endError = segment.endMs - phrase.endMs;
        errors.push(Math.abs(startError), Math.abs(endError));
        worst.push(Math.abs(startError), Math.abs(endError));
        expect(Math.abs(startError), `start of "${phrase.text}"`).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(Math.abs(endError), `end of "${phrase.text}"`).toBeLessThanOrEqual(TOLERANCE_MS);
        expect(segment.reason).toBe('silence');
        // The audio handed on covers the pre-roll before the start and the speech itself.
        expect(segment.audioStartMs).toBeCloseTo(segment.startMs - DEFAULT_VAD_OPTIONS.preRollMs, 0);
        expect(segment.audio.length).toBe(((segment.endMs + DEFAULT_VAD_OPTIONS.tailMs - segment.audioStartMs) * 16_000) / 1000);
      });
      console.info(`vad ${label}: worst boundary error ${Math.max(...worst)} ms, mean ${(worst.reduce((a, b) => a + b, 0) / worst.length).toFixed(0)} ms`);
    });
  }

  it('gives no segment for noise alone (pink, brown, white; 20 s each, steady or getting louder)', () => {
    for (const color of ['pink', 'brown', 'white'] as const) {
      const { samples } = readWav(noiseWav(color, 20));
      const level0 = rms(samples);
      for (const level of [0.02, 0.1, 0.3]) {
        const scaled = samples.map((s) => (s / level0) * level);
        expect(detectSegments(scaled), `${color} at RMS ${level}`).toEqual([]);
      }
      // A cabin getting louder (6 dB over 10 s, as when speeding up) is still not speech.
      const rising = samples.map((s, i) => (s / level0) * 0.05 * 10 ** ((6 * Math.min(1, i / 160_000)) / 20));
      expect(detectSegments(rising), `${color} rising`).toEqual([]);
    }
  });

  it('gives its boundary errors in a summary line', () => {
    expect(errors.length).toBeGreaterThan(0);
    const sorted = [...errors].sort((a, b) => a - b);
    console.info(`vad overall: ${errors.length} boundaries, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`);
  });
});

describe('VAD endpointing rules', () => {
  const RATE = 16_000;
  /** A synthetic "voice": a 200 Hz buzz with harmonics, loud enough to be speech. */
  const voice = (ms: number) => {
    const out = new Float32Array((ms * RATE) / 1000);
    for (let i = 0; i < out.length; i++) {
      const t = i / RATE;
      out[i] = 0.2 * (Math.sin(2 * Math.PI * 200 * t) + 0.5 * Math.sin(2 * Math.PI * 1200 * t) + 0.3 * Math.sin(2 * Math.PI * 2500 * t));
    }
    return out;
  };
  /** Speech-like: 220 ms syllables with 60 ms dips between them (steady tones are not speech: the floor rises to them). */
  const syllables = (ms: number) => {
    const out = voice(ms);
    for (let i = 0; i < out.length; i++) if ((i / RATE) * 1000 % 280 >= 220) out[i] = out[i]! * 0.003;
    return out;
  };
  /** Boundaries rounded down to 20 ms: the band filter rings a frame past the end of a sound. */
  const near = (segments: SpeechSegment[]) => segments.map((s) => [Math.floor(s.startMs / 20) * 20, Math.floor(s.endMs / 20) * 20]);
  const quiet = (ms: number) => {
    const out = new Float32Array((ms * RATE) / 1000);
    let seed = 1;
    for (let i = 0; i < out.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      out[i] = ((seed / 2 ** 31) * 2 - 1) * 0.001;
    }
    return out;
  };
  const join = (...parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };

  it('keeps a pause shorter than the silence timeout inside one segment, and splits at a longer one', () => {
    const short = detectSegments(join(quiet(1000), voice(500), quiet(500), voice(500), quiet(1500)));
    expect(near(short)).toEqual([[1000, 2560]]);
    const long = detectSegments(join(quiet(1000), voice(500), quiet(900), voice(500), quiet(1500)));
    expect(near(long)).toEqual([
      [1000, 1560],
      [2400, 2960],
    ]);
  });

  it('ends an utterance 700 ms after its last voiced frame, not before, with a 60 ms hangover', () => {
    const vad = new VoiceActivityDetector();
    const events = vad.push(join(quiet(1000), voice(500)));
    expect(events).toEqual([{ type: 'speech-start', startMs: 1000 }]);
    expect(vad.push(quiet(680))).toEqual([]);
    expect(vad.inSpeech).toBe(true);
    const ended = vad.push(quiet(40));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ type: 'speech-end', startMs: 1000, reason: 'silence' });
    if (ended[0]?.type !== 'speech-end') throw new Error('no end');
    expect(ended[0].endMs - 1560).toBeGreaterThanOrEqual(0);
    expect(ended[0].endMs - 1560).toBeLessThanOrEqual(10);
  });

  it('cuts an utterance at the maximum length, and a shorter maximum when asked', () => {
    const segments = detectSegments(join(quiet(1000), syllables(12_000), quiet(1000)));
    expect(segments[0]).toMatchObject({ startMs: 1000, endMs: 11_000, reason: 'max-length' });
    expect(segments[0]!.audio.length).toBe(((10_000 + 300) * RATE) / 1000);
    const short = detectSegments(join(quiet(1000), syllables(3000), quiet(1000)), { maxSpeechMs: 2000 });
    expect(short[0]).toMatchObject({ startMs: 1000, endMs: 3000, reason: 'max-length' });
  });

  it('keeps 300 ms of audio before the start (the pre-roll), and ends an open segment on flush', () => {
    const signal = join(quiet(2000), voice(400));
    const vad = new VoiceActivityDetector();
    expect(vad.push(signal)).toEqual([{ type: 'speech-start', startMs: 2000 }]);
    const [end] = vad.flush();
    expect(end).toMatchObject({ type: 'speech-end', startMs: 2000, endMs: 2400, reason: 'flush', audioStartMs: 1700 });
    if (end?.type !== 'speech-end') throw new Error('no end');
    expect(Array.from(end.audio)).toEqual(Array.from(signal.subarray(1700 * 16, 2400 * 16)));
  });

  it('ignores a click or a bump shorter than the minimum speech length, and digital silence', () => {
    expect(detectSegments(join(quiet(1000), voice(30), quiet(1000)))).toEqual([]);
    expect(detectSegments(new Float32Array(RATE * 3))).toEqual([]);
  });

  it('gives the same result in any block size', () => {
    const signal = join(quiet(800), voice(600), quiet(300), voice(200), quiet(1200), voice(900), quiet(900));
    const whole = detectSegments(signal);
    const vad = new VoiceActivityDetector();
    const events = [];
    for (let i = 0; i < signal.length; i += 333) events.push(...vad.push(signal.subarray(i, i + 333)));
    events.push(...vad.flush());
    const streamed = events.filter((e): e is Extract<typeof e, { type: 'speech-end' }> => e.type === 'speech-end').map(({ type: _t, ...s }) => s as SpeechSegment);
    expect(streamed).toEqual(whole);
    expect(whole).toHaveLength(2);
  });
});
