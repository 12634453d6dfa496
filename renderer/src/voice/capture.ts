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

/** Starts capturing; rejects when there is no microphone or it is refused. */
export async function startCapture({ onEvent, vad: vadOptions }: CaptureOptions): Promise<Capture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'kemudi-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    const vad = new VoiceActivityDetector(vadOptions);
    node.port.onmessage = (message: MessageEvent<Float32Array>) => {
      for (const event of vad.push(message.data)) onEvent(event);
    };
    source.connect(node);
    if (context.state === 'suspended') await context.resume();
    return {
      finish() {
        for (const event of vad.flush()) onEvent(event);
      },
      async stop() {
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

export type { SpeechSegment };
