// The music player's state, kept in the core: what plays, the queue, the volume. The sound itself comes
// out of the renderer's audio element, which follows the `media` event; so voice, touch, a scenario and
// a test all drive the same player, and the screen can never disagree with what the core believes.
import type { Lang, MediaEvent, MediaTrack } from '../../../common/contract.js';

/** The library as the player sees it (main/storage/media.ts implements it). */
export interface TrackSource {
  search(query: string, lang?: Lang): MediaTrack[];
  all(): MediaTrack[];
  get(id: number): MediaTrack | undefined;
}

/** How much one "louder" or "quieter" moves the volume. */
export const VOLUME_STEP = 10;
export const DEFAULT_VOLUME = 50;

type Listener = (event: MediaEvent) => void;

export class MediaPlayer {
  private status: MediaEvent['status'] = 'stopped';
  private queue: MediaTrack[] = [];
  private index = 0;
  private volume = DEFAULT_VOLUME;
  private muted = false;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly library: TrackSource) {}

  /** After a restart: the track that was playing comes back paused (the driver says "resume"), at the
   *  volume they had. A track no longer in the library is forgotten. */
  restore(saved: { trackId: number | null; volume: number; muted: boolean }): void {
    this.volume = Math.round(Math.min(100, Math.max(0, saved.volume)));
    this.muted = saved.muted;
    const track = saved.trackId === null ? undefined : this.library.get(saved.trackId);
    if (track) {
      this.queue = [track];
      this.index = 0;
      this.status = 'paused';
    }
    this.changed();
  }

  snapshot(): MediaEvent {
    const track = this.current();
    return { type: 'media', status: this.status, track: track ?? null, volume: this.volume, muted: this.muted, index: this.index, count: this.queue.length };
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): MediaTrack | undefined {
    return this.status === 'stopped' ? undefined : this.queue[this.index];
  }

  isPlaying(): boolean {
    return this.status === 'playing';
  }

  /** Plays what `query` finds (null when nothing does), or the whole library when there is no query. */
  play(query: string | undefined, lang?: Lang): MediaTrack | null {
    const tracks = query ? this.library.search(query, lang) : this.library.all();
    if (tracks.length === 0) return null;
    this.queue = tracks;
    this.index = 0;
    this.status = 'playing';
    this.changed();
    return this.queue[0] ?? null;
  }

  /** Resumes a paused track; false when there is nothing to resume. */
  resume(): boolean {
    if (this.status !== 'paused') return false;
    this.status = 'playing';
    this.changed();
    return true;
  }

  /** False when nothing was playing. */
  pause(): boolean {
    if (this.status !== 'playing') return false;
    this.status = 'paused';
    this.changed();
    return true;
  }

  /** The next (or previous) track, wrapping around the queue; null when there is no queue. */
  skip(direction: 'next' | 'previous'): MediaTrack | null {
    if (this.queue.length === 0 || this.status === 'stopped') return null;
    const n = this.queue.length;
    this.index = direction === 'next' ? (this.index + 1) % n : (this.index - 1 + n) % n;
    this.status = 'playing';
    this.changed();
    return this.queue[this.index] ?? null;
  }

  /** The audio element finished `trackId`: the next one plays; after the last, the player stops.
   *  A late report for a track no longer current is ignored. */
  ended(trackId: number): void {
    if (this.current()?.id !== trackId) return;
    if (this.index + 1 < this.queue.length) this.index++;
    else {
      this.status = 'stopped';
      this.index = 0;
    }
    this.changed();
  }

  setVolume(action: 'up' | 'down' | 'set' | 'mute' | 'unmute', level?: number): { volume: number; muted: boolean } {
    switch (action) {
      case 'up':
        this.volume = Math.min(100, this.volume + VOLUME_STEP);
        this.muted = false;
        break;
      case 'down':
        this.volume = Math.max(0, this.volume - VOLUME_STEP);
        break;
      case 'set':
        if (level !== undefined) this.volume = Math.round(Math.min(100, Math.max(0, level)));
        this.muted = false;
        break;
      case 'mute':
        this.muted = true;
        break;
      case 'unmute':
        this.muted = false;
        break;
    }
    this.changed();
    return { volume: this.volume, muted: this.muted };
  }

  private changed(): void {
    const event = this.snapshot();
    for (const listener of this.listeners) listener(event);
  }
}
