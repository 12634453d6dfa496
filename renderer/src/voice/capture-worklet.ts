// The capture AudioWorkletProcessor: takes the microphone's 128-sample blocks at the context's rate (48 or
// 44.1 kHz), mixes to mono, resamples to 16 kHz with the streaming polyphase filter (resample.ts) and posts
// 20 ms Float32 frames to the page. Bundled on its own by Vite (imported from capture.ts with `?worker&url`),
// so it loads from 'self' under the CSP, with no eval and no blob.
import { Resampler } from './resample.js';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

const FRAME = 320;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler = new Resampler(Math.round(sampleRate), 16_000);
  private frame = new Float32Array(FRAME);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0 || !channels[0]) return true;
    const length = channels[0].length;
    let mono: Float32Array = channels[0];
    if (channels.length > 1) {
      mono = new Float32Array(length);
      for (const channel of channels) for (let i = 0; i < length; i++) mono[i] = mono[i]! + channel[i]! / channels.length;
    }
    const out = this.resampler.process(mono);
    for (let i = 0; i < out.length; i++) {
      this.frame[this.filled++] = out[i]!;
      if (this.filled === FRAME) {
        this.port.postMessage(this.frame, [this.frame.buffer]);
        this.frame = new Float32Array(FRAME);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('kemudi-capture', CaptureProcessor);
