import type { Store } from '../state/store.js';

/** Yes/No by touch whenever the core waits for a confirmation (voice can answer too). */
export function ConfirmBar({ store }: { store: Store }) {
  if (store.ui.value.state?.dialogue !== 'confirming') return null;
  return (
    <div class="confirm" role="group" aria-label="Confirm">
      <button type="button" class="confirm-yes" onClick={() => void store.send({ type: 'confirm' })}>
        Yes, go ahead
      </button>
      <button type="button" class="confirm-no" onClick={() => void store.send({ type: 'cancel' })}>
        No
      </button>
    </div>
  );
}
