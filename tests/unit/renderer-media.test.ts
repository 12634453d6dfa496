// The renderer's music view, pure: where tracks are fetched from in each shell, and ducking.
import { describe, expect, it } from 'vitest';
import { DUCK_FACTOR, effectiveVolume, isDucked } from '../../renderer/src/state/media.js';
import { BridgeTransport } from '../../renderer/src/transport/bridge.js';
import { socketUrl, WebSocketTransport } from '../../renderer/src/transport/websocket.js';
import { initialUi, reduce } from '../../renderer/src/state/ui.js';

describe('the music view', () => {
  it('fetches tracks by id: over HTTP with the run token in the simulator, through kemudi-media in the car', () => {
    const url = socketUrl({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=abc-_1' });
    expect(url).toBe('ws://127.0.0.1:5173/ws?token=abc-_1');
    const socket = { readyState: 0, send: () => undefined, close: () => undefined, onopen: null, onclose: null, onmessage: null, onerror: null };
    const ws = new WebSocketTransport({ url, connect: () => socket, schedule: () => () => undefined });
    expect(ws.mediaUrl(7)).toBe('/media/tracks/7?token=abc-_1');
    ws.close();
    const bridge = new BridgeTransport({ send: () => Promise.resolve({ ok: true, value: undefined }), onEvent: () => () => undefined });
    expect(bridge.mediaUrl(7)).toBe('kemudi-media://tracks/7');
  });

  it('ducks while Kemudi listens, thinks, speaks or waits for an answer, and is silent when muted', () => {
    expect(effectiveVolume({ volume: 50, muted: false }, 'idle')).toBe(0.5);
    for (const state of ['listening', 'understanding', 'speaking', 'confirming', 'clarifying'] as const) {
      expect(effectiveVolume({ volume: 50, muted: false }, state)).toBeCloseTo(0.5 * DUCK_FACTOR);
      expect(isDucked(state)).toBe(true);
    }
    expect(effectiveVolume({ volume: 80, muted: true }, 'idle')).toBe(0);
    expect(isDucked('idle')).toBe(false);
  });

  it('keeps the latest media event in the screen state', () => {
    const event = { type: 'media', status: 'playing', track: null, volume: 30, muted: false, index: 0, count: 0 } as const;
    expect(reduce(initialUi(), event).media).toEqual(event);
  });
});
