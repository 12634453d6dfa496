// What the climate, vehicle and media screens share: a touch becomes the same `intent` command voice
// produces, and Kemudi's answer to it (done, already so, refused while moving) stays on the screen under
// the controls, so a refusal is seen even after the conversation overlay has gone.
import { useState } from 'preact/hooks';
import type { Slots } from '../../../common/contract.js';
import { clipText } from '../state/ui.js';
import type { Store } from '../state/store.js';
import './touch.css';

export interface Touch {
  /** Sends the intent, as voice would, marked as a touch. */
  send(name: string, slots?: Slots): void;
  /** Kemudi's newest answer since the last touch on this screen; null before any. */
  reply: string | null;
}

export function useTouch(store: Store): Touch {
  // The id the next turn will get: answers from this id on follow this screen's touch.
  const [since, setSince] = useState<number | null>(null);
  const ui = store.ui.value;
  let reply: string | null = null;
  if (since !== null) {
    for (let i = ui.turns.length - 1; i >= 0; i--) {
      const turn = ui.turns[i];
      if (!turn || turn.id < since) break;
      if (turn.kind === 'kemudi') {
        reply = clipText(turn.text, ui.state?.restrictions.maxChars ?? Number.POSITIVE_INFINITY);
        break;
      }
    }
  }
  return {
    send(name, slots = {}) {
      setSince(store.ui.value.nextId);
      void store.send({ type: 'intent', name, slots, source: 'touch' });
    },
    reply,
  };
}

/** Kemudi's answer to the last touch, announced politely to screen readers. */
export function TouchReply({ reply }: { reply: string | null }) {
  return (
    <p class="touch-reply" role="status" aria-live="polite" data-testid="touch-reply">
      {reply ?? ''}
    </p>
  );
}
