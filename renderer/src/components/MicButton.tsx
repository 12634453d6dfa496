import { useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

export function MicButton({ store }: { store: Store }) {
  const t = useT();
  const listening = store.ui.value.state?.dialogue === 'listening';
  return (
    <button
      type="button"
      class={listening ? 'mic mic-listening' : 'mic'}
      aria-label={t('home:mic.label')}
      aria-pressed={listening}
      data-testid="mic"
      onClick={() => void store.send({ type: 'wake' })}
    >
      <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"
        />
      </svg>
      <span class="mic-label">{t(listening ? 'home:mic.listening' : 'home:mic.talk')}</span>
    </button>
  );
}
