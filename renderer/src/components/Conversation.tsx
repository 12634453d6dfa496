import { useEffect, useRef } from 'preact/hooks';
import type { Card, Trace } from '../../../common/contract.js';
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
  return (
    <dl class="trace" data-testid="trace" aria-label="Decision trace">
      {traceSummary(trace).map(([label, value]) => (
        <div key={label} class="trace-item">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Conversation({ store }: { store: Store }) {
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
    <section class="conversation" ref={scroller} role="log" aria-live="polite" aria-label="Conversation">
      {turns.length === 0 && interim === null ? (
        <p class="hint">
          Tap the microphone or type a request, for example “turn on the headlights”, “nyalakan lampu jauh” or “打开远光灯”.
        </p>
      ) : (
        <ol class="turns">
          {hidden > 0 && (
            <li class="turns-hidden" data-testid="turns-hidden">
              {hidden} earlier {hidden === 1 ? 'turn' : 'turns'} hidden while driving
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
                    🔊 Read aloud
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
