/// <reference types="vite/client" />
// Microphone capture: getUserMedia → an AudioWorklet (capture-worklet.ts: mono, 16 kHz) → the VAD (vad.ts),
// which reports speech-start and speech-end, the latter with the utterance's audio for the recognizer.
// One capture per listening turn: started when Kemudi listens, stopped when it stops.
import workletUrl from './capture-worklet.ts?worker&url';
import { VoiceActivityDetector, type SpeechSegment, type VadEvent, type VadOptions } from './vad.js';

export interface Capture {
  /** Ends the open utterance now (push-to-talk released). */
  finish(): void;
  /** Stops the microphone. */
  stop(): Promise<void>;
}

export interface CaptureOptions {
  onEvent: (event: VadEvent) => void;
  vad?: VadOptions;
}

/** Opens the microphone: every 20 ms frame of 16 kHz mono PCM goes to onFrame until stop().
 *  Rejects when there is no microphone or it is refused. */
export async function openMicrophone(onFrame: (pcm16k: Float32Array) => void): Promise<{ stop(): Promise<void> }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const context = new AudioContext();
  // A browser may keep an audio context suspended until the page is touched: resume on the first touch or key.
  const resume = () => void context.resume();
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'kemudi-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    node.port.onmessage = (message: MessageEvent<Float32Array>) => onFrame(message.data);
    source.connect(node);
    if (context.state === 'suspended') {
      window.addEventListener('pointerdown', resume, { once: true });
      window.addEventListener('keydown', resume, { once: true });
      void context.resume();
    }
    return {
      async stop() {
        window.removeEventListener('pointerdown', resume);
        window.removeEventListener('keydown', resume);
        node.port.onmessage = null;
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
    throw error;
  }
}

/** Starts capturing with endpointing; rejects when there is no microphone or it is refused. */
export async function startCapture({ onEvent, vad: vadOptions }: CaptureOptions): Promise<Capture> {
  const vad = new VoiceActivityDetector(vadOptions);
  const mic = await openMicrophone((frame) => {
    for (const event of vad.push(frame)) onEvent(event);
  });
  return {
    finish() {
      for (const event of vad.flush()) onEvent(event);
    },
    stop: () => mic.stop(),
  };
}

export type { SpeechSegment };
