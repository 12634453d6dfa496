// The renderer's music view, pure: where tracks are fetched from in each shell, and ducking.
import { describe, expect, it } from 'vitest';
import { DUCK_FACTOR, effectiveVolume, isDucked, trackUrl } from '../../renderer/src/state/media.js';
import { initialUi, reduce } from '../../renderer/src/state/ui.js';

describe('the music view', () => {
  it('fetches tracks by id: over HTTP in the simulator, through kemudi-media in the car', () => {
    expect(trackUrl('websocket', 7)).toBe('/media/tracks/7');
    expect(trackUrl('electron', 7)).toBe('kemudi-media://tracks/7');
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
