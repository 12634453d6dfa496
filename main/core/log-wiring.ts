// What the running car logs, attached from the outside: the composition root (compose.ts) and the shells
// hand a Logger to these, and the parts they watch (the Assistant, the outbox, the LLM service) never
// import the logger. Content (what was heard, said, sent) goes in content fields, so log.ts redacts it
// unless the user turned content logging on.
import type { Event } from '../../common/contract.js';
import type { LlmStatusListener } from '../llm/index.js';
import type { OutboxItem } from '../services/messaging/outbox.js';
import type { Logger } from './log.js';

/** Dialogue states in which the core is working on a turn (the contract's names). */
const BUSY: ReadonlySet<string> = new Set(['understanding', 'acting']);

/**
 * Each turn's outcome, as one `turn` line: intent, source, confidence, policy and its reason, how many
 * actions the handler took, and the latency from the turn's start (heard, or the dialogue starting to work)
 * to its answer; the sentence heard, the slots and the answer only as content. `error` events: an internal
 * failure at error level, a refused command at warn. Returns the unsubscriber.
 */
export function logAssistant(assistant: { on(listener: (event: Event) => void): () => void }, log: Logger, now: () => number = () => performance.now()): () => void {
  let started: number | null = null;
  return assistant.on((event) => {
    switch (event.type) {
      case 'transcript':
        if (event.final) started = now();
        return;
      case 'state':
        if (BUSY.has(event.dialogue)) started ??= now();
        else if (event.dialogue === 'idle') started = null;
        return;
      case 'response': {
        const { trace } = event;
        if (!trace) {
          log.debug('say', { lang: event.lang, response: event.text });
          return;
        }
        const latencyMs = started === null ? undefined : Math.round(now() - started);
        started = null;
        log.info('turn', {
          lang: trace.lang,
          intent: trace.intent,
          source: trace.source,
          confidence: Math.round(trace.confidence * 1000) / 1000,
          policy: trace.policy,
          ...(trace.policyReason ? { policyReason: trace.policyReason } : {}),
          actions: trace.actions.length,
          slotNames: Object.keys(trace.slots),
          ...(latencyMs === undefined ? {} : { latencyMs }),
          ...(event.spokenOnly ? { spokenOnly: true } : {}),
          heard: trace.heard,
          slots: trace.slots,
          response: event.text,
        });
        return;
      }
      case 'error':
        if (event.code === 'internal') log.error('error', { code: event.code, message: event.message, ...(event.id ? { id: event.id } : {}) });
        else log.warn('refused', { code: event.code, message: event.message, ...(event.id ? { id: event.id } : {}) });
        return;
      default:
        return;
    }
  });
}

/** The outbox's state changes: the idempotency key, the state and the attempts, never the body or the number.
 *  A retry is a warning, a message given up on an error (with the transport's error code). */
export function logOutbox(outbox: { onChange(listener: (item: OutboxItem) => void): () => void }, log: Logger): () => void {
  return outbox.onChange((item) => {
    const errorCode = item.lastError?.split(':')[0];
    const fields = { id: item.id, key: item.idempotencyKey, state: item.state, attempts: item.attempts, ...(errorCode ? { errorCode } : {}) };
    if (item.state === 'failed') log.error('message.state', fields);
    else if (item.state === 'queued' && item.lastError) log.warn('message.state', fields);
    else log.info('message.state', fields);
  });
}

/** The LLM service's status as lines: ready and loading at info, a crash (the worker restarting) and a model
 *  that failed to load at error. Pass it, with the screen's listener, as LlmService's onStatus. */
export function logLlmStatus(log: Logger): LlmStatusListener {
  return (state, detail) => {
    if (state === 'failed') log.error('llm.failed', { detail });
    else if (state === 'loading' && detail.startsWith('restarting after a crash')) log.error('llm.crashed', { detail });
    else log.info(`llm.${state}`, { detail });
  };
}
