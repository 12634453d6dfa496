import { useEffect, useRef } from 'preact/hooks';
import type { Card, Trace } from '../../../common/contract.js';
import { uiLang, useT } from '../i18n/index.js';
import type { Store } from '../state/store.js';
import { glance, traceSummary } from '../state/ui.js';

function ResponseCard({ card }: { card: Card }) {
  return (
    <div class="card" data-testid="response-card">
      <p class="card-title">{card.title}</p>
      {card.lines.length > 0 && (
        <ul class="card-lines">
          {card.lines.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TraceLine({ trace }: { trace: Trace }) {
  const t = useT();
  return (
    <dl class="trace" data-testid="trace" aria-label={t('home:conversation.trace')}>
      {traceSummary(trace, uiLang.value).map(([label, value]) => (
        <div key={label} class="trace-item">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Conversation({ store }: { store: Store }) {
  const t = useT();
  const { turns: all, interim, state } = store.ui.value;
  // While moving, only the newest few turns, each short enough to take in at a glance.
  const { turns, hidden } = glance(all, state?.restrictions);
  const scroller = useRef<HTMLElement>(null);
  const newest = turns.at(-1)?.id;

  // Newest at the bottom, and kept in view as turns arrive.
  useEffect(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [newest, interim]);

  return (
    <section class="conversation" ref={scroller} role="log" aria-live="polite" aria-label={t('home:conversation.label')}>
      {turns.length === 0 && interim === null ? (
        <p class="hint">{t('home:conversation.hint')}</p>
      ) : (
        <ol class="turns">
          {hidden > 0 && (
            <li class="turns-hidden" data-testid="turns-hidden">
              {t(hidden === 1 ? 'home:conversation.hiddenOne' : 'home:conversation.hiddenMany', { n: hidden })}
            </li>
          )}
          {turns.map((turn) =>
            turn.kind === 'user' ? (
              <li key={turn.id} class="turn turn-user" lang={turn.lang} data-testid="transcript">
                {turn.text}
              </li>
            ) : (
              <li key={turn.id} class="turn turn-kemudi" lang={turn.lang} data-testid="response">
                {turn.spokenOnly ? (
                  // While driving, messages are read aloud and never shown (the safety policy's rule).
                  <p class="response-text response-spoken" data-testid="response-spoken">
                    {t('home:conversation.readAloud')}
                  </p>
                ) : (
                  <p class="response-text" data-testid="response-text">
                    {turn.text}
                  </p>
                )}
                {turn.card && <ResponseCard card={turn.card} />}
                {turn.trace && <TraceLine trace={turn.trace} />}
              </li>
            ),
          )}
          {interim !== null && <li class="turn turn-user turn-interim">{interim}</li>}
        </ol>
      )}
    </section>
  );
}
