import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { LANGS, type Lang } from '../../../common/contract.js';
import type { Store } from '../state/store.js';
import { typingNotice } from '../state/ui.js';
import { MicButton } from './MicButton.js';
import { SpeechToggle } from './SpeechToggle.js';
import { startCapture, type Capture } from '../voice/capture.js';
import { usePushToTalk } from '../voice/push-to-talk.js';

export const LANG_NAMES: Record<Lang, string> = { en: 'English', id: 'Bahasa Indonesia', zh: '中文' };

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

export function Composer({ store }: { store: Store }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const allowed = store.typingAllowed.value;
  const notice = typingNotice(store.kind, store.ui.value.state?.restrictions);
  const placeholder = allowed ? 'Type what you would say' : 'Tap Talk to speak instead';
  const listening = store.ui.value.state?.dialogue === 'listening';
  // The speech segments the capture found this session: shown to the simulator's tests only (a data attribute).
  const [segments, setSegments] = useState<{ startMs: number; endMs: number; reason: string; samples: number }[]>([]);
  const capture = useRef<Promise<Capture | null> | null>(null);

  // The microphone is open while Kemudi listens (tap-to-talk, push-to-talk or a spoken follow-up).
  useEffect(() => {
    if (!listening || typeof navigator === 'undefined' || !navigator.mediaDevices) return;
    const started = startCapture({
      onEvent: (event) => {
        if (event.type === 'speech-end') setSegments((list) => [...list, { startMs: event.startMs, endMs: event.endMs, reason: event.reason, samples: event.audio.length }]);
      },
    }).catch((error: unknown) => {
      console.warn('kemudi: no microphone', error);
      return null;
    });
    capture.current = started;
    return () => {
      capture.current = null;
      void started.then((c) => c?.stop());
    };
  }, [listening]);

  const press = useCallback(() => {
    if (store.ui.value.state?.dialogue !== 'listening') void store.send({ type: 'wake' });
  }, [store]);
  const release = useCallback(() => {
    void capture.current?.then((c) => c?.finish());
  }, []);
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
    <footer class="composer" data-testid="composer" {...(store.kind === 'websocket' ? { 'data-speech-segments': JSON.stringify(segments) } : {})}>
      <MicButton store={store} />
      <SpeechToggle store={store} langNames={LANG_NAMES} />
      <div class="composer-main">
        <form class="composer-form" onSubmit={(event) => void submit(event)}>
          <label class="visually-hidden" for="utterance">
            Type what you would say
          </label>
          <input
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
            Language
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
            <option value="">Auto language</option>
            {LANGS.map((lang) => (
              <option key={lang} value={lang}>
                {LANG_NAMES[lang]}
              </option>
            ))}
          </select>
          <button class="send" type="submit" disabled={!allowed || sending}>
            Send
          </button>
        </form>
        {notice === 'locked' && (
          <p class="typing-disabled" data-testid="typing-disabled" role="status">
            Typing is disabled while driving
          </p>
        )}
        {notice === 'simulated' && (
          // The simulator's text box stands in for the microphone; in the car it would be locked now.
          <p class="moving-badge" data-testid="moving-badge" role="status">
            Moving — keyboard would be locked in the car
          </p>
        )}
      </div>
    </footer>
  );
}
