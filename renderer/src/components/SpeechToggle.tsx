import type { Lang } from '../../../common/contract.js';
import { useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

/** Drawn, not font glyphs: a loudspeaker with sound waves, or struck through when muted. */
const SPEAKER = 'M4 9v6h4l5 5V4L8 9H4z';
const WAVES = 'M16.5 12a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z';
const CROSS = 'M16.3 8.9l1.4-1.4 2.1 2.1 2.1-2.1 1.4 1.4-2.1 2.1 2.1 2.1-1.4 1.4-2.1-2.1-2.1 2.1-1.4-1.4 2.1-2.1z';

/** Kemudi's voice on or off (kept across restarts), and a short notice when a language has no voice. */
export function SpeechToggle({ store, langNames }: { store: Store; langNames: Readonly<Record<Lang, string>> }) {
  const t = useT();
  const speech = store.speech;
  if (!speech) return null;
  const muted = speech.muted.value;
  const missing = speech.noVoice.value;
  return (
    <div class="speech">
      <button
        type="button"
        class={muted ? 'speech-toggle speech-muted' : 'speech-toggle'}
        aria-label={t('home:speech.mute')}
        aria-pressed={muted}
        data-testid="speech-toggle"
        onClick={() => speech.setMuted(!muted)}
      >
        <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
          <path fill="currentColor" d={SPEAKER} />
          <path fill="currentColor" d={muted ? CROSS : WAVES} />
        </svg>
        <span class="speech-label">{t(muted ? 'home:speech.muted' : 'home:speech.voice')}</span>
      </button>
      {missing && (
        <p class="speech-notice" role="status" data-testid="speech-notice" data-lang={missing}>
          {t('home:speech.noVoice', { lang: langNames[missing] })}
        </p>
      )}
    </div>
  );
}
