import { useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';

/** The phone call in progress: who, whether it is ringing or connected, and a large hang-up button. */
export function CallBanner({ store }: { store: Store }) {
  const t = useT();
  const call = store.ui.value.call;
  if (!call) return null;
  return (
    <div class="call" role="status" aria-live="polite" data-testid="call-banner" data-state={call.state}>
      <p class="call-who">
        <span class="call-state">{t(call.state === 'dialing' ? 'home:call.dialing' : 'home:call.connected')}</span> <strong>{call.name}</strong>
        {call.name !== call.number && <span class="call-number"> {call.number}</span>}
      </p>
      <button type="button" class="call-hangup" aria-label={t('home:call.hangUpWith', { name: call.name })} onClick={() => void store.send({ type: 'hangup' })}>
        {t('home:call.hangUp')}
      </button>
    </div>
  );
}
