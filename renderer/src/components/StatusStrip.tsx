import type { DialogueState } from '../../../common/contract.js';
import type { ConnectionStatus } from '../transport/types.js';
import type { Store } from '../state/store.js';
import { vehicleStatus } from '../state/ui.js';

const DIALOGUE_LABELS: Record<DialogueState, string> = {
  idle: 'Ready',
  listening: 'Listening',
  understanding: 'Thinking',
  clarifying: 'Asking back',
  confirming: 'Waiting for yes or no',
  acting: 'Working',
  speaking: 'Speaking',
};

const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  open: 'Simulator',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

const LLM_LABELS = { off: 'No language model', loading: 'Loading model…', ready: 'Language model', failed: 'Model failed' } as const;

export function StatusStrip({ store }: { store: Store }) {
  const state = store.ui.value.state;
  const connection = store.connection.value;
  const llm = store.ui.value.llm;
  return (
    <header class="status">
      <span class="brand">Kemudi</span>
      <ul class="status-items" aria-label="Vehicle status" data-testid="status">
        {state ? (
          vehicleStatus(state.vehicle).map((item) => (
            <li key={item.id} class={item.active ? 'chip chip-on' : 'chip'} data-testid={`status-${item.id}`}>
              {item.text}
            </li>
          ))
        ) : (
          <li class="chip">Waiting for the car…</li>
        )}
      </ul>
      {state && (
        <span class={`dialogue dialogue-${state.dialogue}`} data-testid="status-dialogue" data-state={state.dialogue}>
          {DIALOGUE_LABELS[state.dialogue]}
        </span>
      )}
      {llm && (
        // The detail says how to get a model, or which one runs: a tooltip, and read out by screen readers.
        <span class={`llm llm-${llm.state}`} data-testid="status-llm" data-state={llm.state} title={llm.detail} aria-label={`${LLM_LABELS[llm.state]}: ${llm.detail}`}>
          {LLM_LABELS[llm.state]}
        </span>
      )}
      {store.kind === 'websocket' && (
        <span class={`connection connection-${connection}`} data-testid="status-connection" data-state={connection}>
          {CONNECTION_LABELS[connection]}
        </span>
      )}
    </header>
  );
}
