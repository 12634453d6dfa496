import { useCallback, useRef, useState } from 'preact/hooks';
import { LANGS, type Lang } from '../../../common/contract.js';
import { useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { typingNotice } from '../state/ui.js';
import { MicButton } from './MicButton.js';
import { SpeechToggle } from './SpeechToggle.js';
import { VoiceStatusLine } from './VoiceStatusLine.js';
import { usePushToTalk } from '../voice/push-to-talk.js';

export const LANG_NAMES: Record<Lang, string> = { en: 'English', id: 'Bahasa Indonesia', zh: '中文' };

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

export function Composer({ store }: { store: Store }) {
  const t = useT();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const allowed = store.typingAllowed.value;
  const notice = typingNotice(store.kind, store.ui.value.state?.restrictions);
  const placeholder = t(allowed ? 'home:composer.type' : 'home:composer.typeLocked');
  const voice = store.voice;
  const inputRef = useRef<HTMLInputElement>(null);

  const press = useCallback(() => {
    if (store.ui.value.state?.dialogue !== 'listening') void store.send({ type: 'wake' });
  }, [store]);
  const release = useCallback(() => voice?.finish(), [voice]);
  usePushToTalk(press, release);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const said = text.trim();
    if (!said || !allowed || sending) return;
    setSending(true);
    const result = await store.say(said);
    setSending(false);
    // Keep the words when they did not get through, so nothing has to be typed twice.
    if (result.ok) setText('');
  };

  return (
    <footer class="composer" data-testid="composer" {...(store.kind === 'websocket' && voice ? { 'data-speech-segments': JSON.stringify(voice.segments.value) } : {})}>
      <MicButton store={store} />
      <SpeechToggle store={store} langNames={LANG_NAMES} />
      <div class="composer-main">
        <form class="composer-form" onSubmit={(event) => void submit(event)}>
          <label class="visually-hidden" for="utterance">
            {t('home:composer.type')}
          </label>
          <input
            ref={inputRef}
            id="utterance"
            class="utterance"
            type="text"
            autocomplete="off"
            enterKeyHint="send"
            maxLength={2000}
            placeholder={placeholder}
            disabled={!allowed}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
          <label class="visually-hidden" for="lang">
            {t('home:composer.language')}
          </label>
          <select
            id="lang"
            class="lang"
            value={store.lang.value ?? ''}
            onChange={(event) => {
              const value = event.currentTarget.value;
              store.setLang(isLang(value) ? value : undefined);
            }}
          >
            <option value="">{t('home:composer.autoLanguage')}</option>
            {LANGS.map((lang) => (
              <option key={lang} value={lang}>
                {LANG_NAMES[lang]}
              </option>
            ))}
          </select>
          <button class="send" type="submit" disabled={!allowed || sending}>
            {t('home:composer.send')}
          </button>
        </form>
        {voice && <VoiceStatusLine status={voice.status.value} onType={() => inputRef.current?.focus()} typingAllowed={allowed} />}
        {notice === 'locked' && (
          <p class="typing-disabled" data-testid="typing-disabled" role="status">
            {t('home:composer.typingDisabled')}
          </p>
        )}
        {notice === 'simulated' && (
          // The simulator's text box stands in for the microphone; in the car it would be locked now.
          <p class="moving-badge" data-testid="moving-badge" role="status">
            {t('home:composer.movingBadge')}
          </p>
        )}
      </div>
    </footer>
  );
}
