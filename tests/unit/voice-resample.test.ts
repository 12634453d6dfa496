// The capture resampler (renderer/src/voice/resample.ts) against a reference: pure tones in, measured out.
import { describe, expect, it } from 'vitest';
import { Resampler, resample, toInt16 } from '../../renderer/src/voice/resample.js';

const tone = (freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array => {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
};

/** Amplitude and phase of `freq` in `signal` (a single-bin DFT over whole periods, edges left out). */
function measure(signal: Float32Array, rate: number, freq: number): { amplitude: number; rms: number } {
  const skip = Math.round(rate * 0.05);
  const length = Math.floor((signal.length - 2 * skip) / (rate / freq)) * (rate / freq);
  let re = 0;
  let im = 0;
  let energy = 0;
  for (let i = 0; i < length; i++) {
    const s = signal[skip + i]!;
    re += s * Math.cos((2 * Math.PI * freq * (skip + i)) / rate);
    im += s * Math.sin((2 * Math.PI * freq * (skip + i)) / rate);
    energy += s * s;
  }
  return { amplitude: (2 * Math.hypot(re, im)) / length, rms: Math.sqrt(energy / length) };
}

/** The strongest frequency, by zero crossings (a clean tone has two per period). */
function zeroCrossingFrequency(signal: Float32Array, rate: number): number {
  const part = signal.subarray(Math.round(rate * 0.05), signal.length - Math.round(rate * 0.05));
  let crossings = 0;
  for (let i = 1; i < part.length; i++) if ((part[i - 1]! < 0) !== (part[i]! < 0)) crossings++;
  return (crossings / 2) * (rate / part.length);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('resampler to 16 kHz', () => {
  for (const rate of [48_000, 44_100]) {
    it(`keeps a 1 kHz tone at 1 kHz and its amplitude (${rate} Hz in)`, () => {
      const out = resample(tone(1000, rate, 1), rate);
      expect(out.length).toBe(16_000);
      expect(zeroCrossingFrequency(out, 16_000)).toBeCloseTo(1000, -1);
      const { amplitude, rms } = measure(out, 16_000, 1000);
      expect(Math.abs(db(amplitude / 0.5))).toBeLessThan(0.1);
      // Nothing but the tone: its RMS is the tone's own (0.5/√2).
      expect(rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    });

    it(`keeps speech-band tones (300 Hz to 6 kHz) within 0.5 dB (${rate} Hz in)`, () => {
      for (const freq of [300, 2000, 4000, 6000]) {
        const { amplitude } = measure(resample(tone(freq, rate, 0.5), rate), 16_000, freq);
        expect(Math.abs(db(amplitude / 0.5)), `${freq} Hz`).toBeLessThan(0.5);
      }
    });

    it(`attenuates a 12 kHz tone (which would alias to 4 kHz) by at least 40 dB (${rate} Hz in)`, () => {
      const out = resample(tone(12_000, rate, 1), rate);
      const { rms } = measure(out, 16_000, 4000);
      const attenuation = db(rms / (0.5 / Math.SQRT2));
      expect(attenuation).toBeLessThan(-40);
      console.info(`resample ${rate} → 16000: 12 kHz tone at ${attenuation.toFixed(1)} dB`);
      // And everything above 9 kHz, where folding would land in the band recognizers use.
      for (const freq of [9000, 10_000, 15_000, 20_000]) {
        const rest = resample(tone(freq, rate, 0.5), rate);
        expect(db(measure(rest, 16_000, 1000).rms / (0.5 / Math.SQRT2)), `${freq} Hz`).toBeLessThan(-40);
      }
    });

    it(`gives in 128-sample blocks exactly what one call gives (${rate} Hz in)`, () => {
      const input = new Float32Array(rate / 2);
      let seed = 7;
      for (let i = 0; i < input.length; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        input[i] = (seed / 2 ** 31) * 2 - 1;
      }
      const whole = resample(input, rate);
      const streaming = new Resampler(rate);
      const parts: number[] = [];
      for (let i = 0; i < input.length; i += 128) parts.push(...streaming.process(input.subarray(i, i + 128)));
      parts.push(...streaming.flush());
      expect(parts.length).toBe(whole.length);
      expect(Float32Array.from(parts)).toEqual(whole);
      // Odd block sizes too.
      const odd = new Resampler(rate);
      const oddParts: number[] = [];
      for (let i = 0, size = 1; i < input.length; i += size, size = (size * 7) % 311 + 1) oddParts.push(...odd.process(input.subarray(i, i + size)));
      oddParts.push(...odd.flush());
      expect(Float32Array.from(oddParts)).toEqual(whole);
    });
  }

  it('passes 16 kHz through unchanged, and rejects nonsense rates', () => {
    const input = tone(440, 16_000, 0.1);
    expect(resample(input, 16_000)).toEqual(input);
    expect(() => new Resampler(0)).toThrow(RangeError);
    expect(() => new Resampler(44_100.5)).toThrow(RangeError);
  });

  it('converts to 16-bit PCM with clipping', () => {
    expect(Array.from(toInt16([0, 1, -1, 2, -2, 0.5]))).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
  });
});
