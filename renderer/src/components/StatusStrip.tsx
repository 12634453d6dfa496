import { uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { vehicleStatus } from '../state/ui.js';

export function StatusStrip({ store }: { store: Store }) {
  const t = useT();
  const state = store.ui.value.state;
  const connection = store.connection.value;
  const llm = store.ui.value.llm;
  const llmLabel = llm ? t(`home:status.llm.${llm.state}`) : '';
  return (
    <header class="status">
      <span class="brand">{t('home:status.brand')}</span>
      <ul class="status-items" aria-label={t('home:status.label')} data-testid="status">
        {state ? (
          vehicleStatus(state.vehicle, uiLang.value).map((item) => (
            <li key={item.id} class={item.active ? 'chip chip-on' : 'chip'} data-testid={`status-${item.id}`}>
              {item.text}
            </li>
          ))
        ) : (
          <li class="chip">{t('home:status.waiting')}</li>
        )}
      </ul>
      {state && (
        <span class={`dialogue dialogue-${state.dialogue}`} data-testid="status-dialogue" data-state={state.dialogue}>
          {t(`home:status.dialogue.${state.dialogue}`)}
        </span>
      )}
      {llm && (
        // The detail says how to get a model, or which one runs: a tooltip, and read out by screen readers.
        <span
          class={`llm llm-${llm.state}`}
          data-testid="status-llm"
          data-state={llm.state}
          title={llm.detail}
          aria-label={t('home:status.llmDetail', { state: llmLabel, detail: llm.detail })}
        >
          {llmLabel}
        </span>
      )}
      {store.kind === 'websocket' && (
        <span class={`connection connection-${connection}`} data-testid="status-connection" data-state={connection}>
          {t(`home:status.connection.${connection}`)}
        </span>
      )}
    </header>
  );
}
