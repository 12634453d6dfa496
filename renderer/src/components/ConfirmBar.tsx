import { useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

/** Yes/No by touch whenever the core waits for a confirmation (voice can answer too). */
export function ConfirmBar({ store }: { store: Store }) {
  const t = useT();
  if (store.ui.value.state?.dialogue !== 'confirming') return null;
  return (
    <div class="confirm" role="group" aria-label={t('home:confirm.label')}>
      <button type="button" class="confirm-yes" onClick={() => void store.send({ type: 'confirm' })}>
        {t('home:confirm.yes')}
      </button>
      <button type="button" class="confirm-no" onClick={() => void store.send({ type: 'cancel' })}>
        {t('home:confirm.no')}
      </button>
    </div>
  );
}
