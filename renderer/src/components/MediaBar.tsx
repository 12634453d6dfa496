import { useEffect, useRef } from 'preact/hooks';
import type { Command } from '../../../common/contract.js';
import { effectiveVolume, isDucked } from '../state/media.js';
import { translate, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

/** Drawn, not font glyphs: a head unit's fonts may lack the media symbols. */
const ICONS = {
  previous: 'M6 5h2v14H6zM20 5v14L9 12z',
  next: 'M16 5h2v14h-2zM4 5l11 7-11 7z',
  play: 'M7 4l13 8-13 8z',
  pause: 'M6 4h4v16H6zM14 4h4v16h-4z',
} as const;

function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path d={ICONS[name]} fill="currentColor" />
    </svg>
  );
}

const touch = (name: string, slots: Record<string, string | number> = {}): Command => ({ type: 'intent', name, slots, source: 'touch' });

/** Now playing, with large touch targets, and the one audio element that follows the core's player. */
export function MediaBar({ store }: { store: Store }) {
  const t = useT();
  const media = store.ui.value.media;
  const dialogue = store.ui.value.state?.dialogue;
  const audio = useRef<HTMLAudioElement>(null);
  const trackId = media?.status === 'stopped' ? null : (media?.track?.id ?? null);

  // The source follows the track; a new track starts from its beginning.
  useEffect(() => {
    const element = audio.current;
    if (!element) return;
    if (trackId === null) {
      element.pause();
      element.removeAttribute('src');
      element.load();
      return;
    }
    element.src = store.mediaUrl(trackId);
  }, [trackId, store]);

  // Playing or paused as the core says; the browser may refuse to play (autoplay rules): say so.
  useEffect(() => {
    const element = audio.current;
    if (!element || trackId === null) return;
    if (media?.status === 'playing') element.play().catch((error: unknown) => store.notify('media', translate('home:media.cannotStart', { reason: error instanceof Error ? error.message : String(error) })));
    else element.pause();
  }, [media?.status, trackId, store]);

  useEffect(() => {
    if (audio.current && media) audio.current.volume = effectiveVolume(media, dialogue);
  }, [media?.volume, media?.muted, dialogue, media]);

  const ended = (): void => {
    if (trackId !== null) void store.send({ type: 'media.ended', trackId });
  };

  const playing = media?.status === 'playing';
  const track = media?.status === 'stopped' ? null : media?.track;
  return (
    <section class="media" aria-label={t('home:media.label')} data-testid="media-bar" data-status={media?.status ?? 'stopped'} data-ducked={String(isDucked(dialogue) && playing)}>
      <audio ref={audio} onEnded={ended} data-testid="media-audio" preload="auto" />
      {track ? (
        <p class="media-now" data-testid="media-now">
          <strong>{track.title}</strong> <span class="media-artist">{track.artist}</span>
        </p>
      ) : (
        <p class="media-now media-idle">{t('home:media.idle')}</p>
      )}
      <div class="media-controls">
        <button type="button" aria-label={t('home:media.previous')} disabled={!track} onClick={() => void store.send(touch('media.next', { direction: 'previous' }))}>
          <Icon name="previous" />
        </button>
        {playing ? (
          <button type="button" aria-label={t('home:media.pause')} data-testid="media-pause" onClick={() => void store.send(touch('media.pause'))}>
            <Icon name="pause" />
          </button>
        ) : (
          <button type="button" aria-label={t('home:media.play')} data-testid="media-play" onClick={() => void store.send(touch('media.play'))}>
            <Icon name="play" />
          </button>
        )}
        <button type="button" aria-label={t('home:media.next')} disabled={!track} onClick={() => void store.send(touch('media.next', { direction: 'next' }))}>
          <Icon name="next" />
        </button>
        <button type="button" aria-label={t('home:media.quieter')} data-testid="media-quieter" onClick={() => void store.send(touch('media.volume', { action: 'down' }))}>
          −
        </button>
        <span class="media-volume" data-testid="media-volume">{media?.muted ? t('home:media.muted') : `${media?.volume ?? 0}`}</span>
        <button type="button" aria-label={t('home:media.louder')} data-testid="media-louder" onClick={() => void store.send(touch('media.volume', { action: 'up' }))}>
          +
        </button>
      </div>
    </section>
  );
}
