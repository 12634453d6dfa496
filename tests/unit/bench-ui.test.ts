// The UI bench's frame statistics (bench/ui.ts): percentiles, fps and the shares of missed frames, from
// requestAnimationFrame intervals. Arithmetic only: no timing is measured or asserted here.
import { describe, expect, it } from 'vitest';
import { frameStats } from '../../bench/ui.js';

describe('frameStats', () => {
  it('reads steady 60 Hz frames as 60 fps with none missed', () => {
    const stats = frameStats(Array.from({ length: 300 }, () => 1000 / 60));
    expect(stats.frames).toBe(300);
    expect(stats.fps).toBeCloseTo(60, 6);
    expect(stats.p50).toBeCloseTo(16.667, 2);
    expect(stats.p99).toBeCloseTo(16.667, 2);
    expect(stats.over16).toBe(0);
    expect(stats.over33).toBe(0);
  });

  it('counts frames that took one and two vsyncs or more, and fps from the mean interval', () => {
    // 16 frames on time, 3 that took two vsyncs, 1 that took six.
    const intervals = [...Array.from({ length: 16 }, () => 16.7), 33.4, 33.4, 33.4, 100];
    const stats = frameStats(intervals);
    expect(stats.over16).toBeCloseTo(4 / 20, 9);
    expect(stats.over33).toBeCloseTo(1 / 20, 9);
    expect(stats.fps).toBeCloseTo((1000 * 20) / intervals.reduce((a, b) => a + b, 0), 9);
    expect(stats.p50).toBe(16.7);
    expect(stats.p95).toBe(100);
  });

  it('gives NaN percentiles and 0 fps without frames', () => {
    const stats = frameStats([]);
    expect(stats.frames).toBe(0);
    expect(stats.fps).toBe(0);
    expect(Number.isNaN(stats.p95)).toBe(true);
  });
});
