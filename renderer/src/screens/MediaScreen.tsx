import { useT } from '../i18n/index.js';
import { clipText } from '../state/ui.js';
import type { Store } from '../state/store.js';
import { TouchReply, useTouch } from './touch.js';
import './media-screen.css';

/** Drawn, not font glyphs (as in the music bar): a head unit's fonts may lack the media symbols. */
const ICONS = {
  previous: 'M6 5h2v14H6zM20 5v14L9 12z',
  next: 'M16 5h2v14h-2zM4 5l11 7-11 7z',
  play: 'M7 4l13 8-13 8z',
  pause: 'M6 4h4v16H6zM14 4h4v16h-4z',
  speaker: 'M3 9h4l5-4v14l-5-4H3z',
  minus: 'M14 11h7v2h-7z',
  plus: 'M14 11h7v2h-7zM16.5 8.5h2v7h-2z',
  mute: 'M15 9l6 6-1.4 1.4-6-6zM19.6 9L21 10.4l-6 6-1.4-1.4z',
} as const;

function Icon({ name, size = 40 }: { name: keyof typeof ICONS; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false">
      <path d={name === 'minus' || name === 'plus' || name === 'mute' ? `${ICONS.speaker}${ICONS[name]}` : ICONS[name]} fill="currentColor" />
    </svg>
  );
}

/** Genres to start with one touch: `media.play` with the genre as its query, as "play some jazz" would.
 *  The library finds a genre under any of its names (main/storage/media.ts GENRES). */
const GENRES = ['jazz', 'pop', 'rock', 'classical', 'dangdut', 'keroncong'] as const;

/** The media screen: the track the core's player has, large controls, and genres to play. The player's
 *  state is the core's (`store.ui.value.media`) and the music bar's audio element plays it; this screen
 *  only sends the media intents, as the bar and voice do. */
export function MediaScreen({ store }: { store: Store }) {
  const t = useT();
  const touch = useTouch(store);
  const media = store.ui.value.media;
  const restrictions = store.ui.value.state?.restrictions;
  const maxChars = restrictions?.moving ? restrictions.maxChars : Number.POSITIVE_INFINITY;
  const clip = (text: string): string => clipText(text, maxChars);
  const track = media?.status === 'stopped' ? null : (media?.track ?? null);
  const playing = media?.status === 'playing';
  const muted = media?.muted === true;
  const genres = restrictions?.moving ? GENRES.slice(0, restrictions.maxListItems) : GENRES;

  return (
    <section class="screen media-screen" data-testid="screen-media" aria-labelledby="screen-title">
      <div class="touch-head">
        <h1 id="screen-title" class="screen-title">
          {t('common:nav.media')}
        </h1>
        <TouchReply reply={touch.reply} />
      </div>

      <div class="media-screen-body">
        <div class="media-screen-player">
          <div class="media-screen-now" data-testid="media-screen-now" data-status={media?.status ?? 'stopped'}>
            {track ? (
              <>
                <p class="media-screen-title" data-testid="media-screen-title">
                  {clip(track.title)}
                </p>
                <p class="media-screen-artist">{clip([track.artist, track.album].filter((part) => part !== '').join(' · '))}</p>
                <p class="media-screen-meta">
                  {media && media.count > 1 ? t('media:position', { index: media.index + 1, count: media.count }) : ''}
                  {media?.status === 'paused' ? ` ${t('media:paused')}` : ''}
                </p>
              </>
            ) : (
              <p class="media-screen-title media-screen-idle">{t('media:nothing')}</p>
            )}
          </div>

          <div class="media-screen-controls">
            <button type="button" class="media-screen-button" aria-label={t('media:previous')} data-testid="media-screen-previous" disabled={!track} onClick={() => touch.send('media.next', { direction: 'previous' })}>
              <Icon name="previous" />
            </button>
            {playing ? (
              <button type="button" class="media-screen-button media-screen-main" aria-label={t('media:pause')} data-testid="media-screen-pause" onClick={() => touch.send('media.pause')}>
                <Icon name="pause" size={56} />
              </button>
            ) : (
              <button type="button" class="media-screen-button media-screen-main" aria-label={t('media:play')} data-testid="media-screen-play" onClick={() => touch.send('media.play')}>
                <Icon name="play" size={56} />
              </button>
            )}
            <button type="button" class="media-screen-button" aria-label={t('media:next')} data-testid="media-screen-next" disabled={!track} onClick={() => touch.send('media.next', { direction: 'next' })}>
              <Icon name="next" />
            </button>
          </div>

          <div class="media-screen-volume" role="group" aria-label={t('media:volume')}>
            <button type="button" class="media-screen-button" aria-label={t('media:quieter')} data-testid="media-screen-quieter" onClick={() => touch.send('media.volume', { action: 'down' })}>
              <Icon name="minus" />
            </button>
            <span class="media-screen-level" data-testid="media-screen-volume">
              <span class="media-screen-level-name">{t('media:volume')}</span> {muted ? t('media:muted') : String(media?.volume ?? 0)}
            </span>
            <button type="button" class="media-screen-button" aria-label={t('media:louder')} data-testid="media-screen-louder" onClick={() => touch.send('media.volume', { action: 'up' })}>
              <Icon name="plus" />
            </button>
            <button type="button" class="media-screen-button media-screen-toggle" aria-label={t('media:mute')} aria-pressed={muted} data-testid="media-screen-mute" onClick={() => touch.send('media.volume', { action: muted ? 'unmute' : 'mute' })}>
              <Icon name="mute" />
            </button>
          </div>
        </div>
        <div class="media-screen-library">
          <h2 class="media-screen-browse">{t('media:browse')}</h2>
          <ul class="media-screen-genres" data-testid="media-screen-genres">
            {genres.map((genre) => (
              <li key={genre}>
                <button type="button" class="media-screen-genre" data-testid={`media-genre-${genre}`} onClick={() => touch.send('media.play', { query: genre })}>
                  {clip(t(`media:genre.${genre}`))}
                </button>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
