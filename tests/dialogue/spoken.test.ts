// The `spoken` command: the renderer's speech output says it finished the answer, and the core leaves
// "speaking" at once instead of after its estimate. It is not a turn: it takes effect when it arrives,
// never queued behind a turn (where it would end that turn's answer, unsaid).
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { DialogueState, Event, ResponseEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import type { Nlu } from '../../main/core/ports.js';

const knowledge = loadKnowledge();

/** As in the car: answers take a long while to say (30 s), unless the speech output says it is done. */
function car(nlu?: Nlu) {
  const clock = new SimulatedClock();
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, clock, timings: { speechMs: () => 30_000 }, ...(nlu ? { nlu } : {}) });
  const events: Event[] = [];
  sim.assistant.on((event) => events.push(event));
  const dialogue = (): DialogueState => sim.assistant.snapshot().dialogue;
  return { sim, events, dialogue, clock };
}

describe('the spoken command', () => {
  it('ends "speaking" at once, into the follow-up window', async () => {
    const c = car();
    await c.sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    expect(c.dialogue()).toBe('speaking');
    await expect(c.sim.assistant.handle({ type: 'spoken' })).resolves.toEqual({ ok: true, value: undefined });
    expect(c.dialogue()).toBe('listening');
    // Said again, or said when nothing is being said: nothing happens, and nothing is refused.
    await expect(c.sim.assistant.handle({ type: 'spoken', id: 's2' })).resolves.toEqual({ ok: true, value: undefined });
    expect(c.dialogue()).toBe('listening');
    expect(c.events.some((e) => e.type === 'error')).toBe(false);
    c.sim.close();
  });

  it('is not queued behind a turn in progress: a late one does not cut the next answer short', async () => {
    // An NLU that takes its time, as the language model does.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Nlu = {
      async understand(text, lang, options) {
        await gate;
        return knowledge.nlu.understand(text, lang, options);
      },
    };
    const c = car(slow);
    const turn = c.sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.dialogue()).toBe('understanding');
    // The speech output finished some earlier answer just now: the turn in progress ignores it…
    await c.sim.assistant.handle({ type: 'spoken' });
    expect(c.dialogue()).toBe('understanding');
    release();
    await turn;
    // …and its own answer is still being said, until its own `spoken`.
    expect(c.events.filter((e): e is ResponseEvent => e.type === 'response').map((e) => e.text)).toEqual(['Headlights on.']);
    expect(c.dialogue()).toBe('speaking');
    await c.sim.assistant.handle({ type: 'spoken' });
    expect(c.dialogue()).toBe('listening');
    c.sim.close();
  });

  it('marks the answers a reconnecting page is replayed, so they are shown and not said again', async () => {
    const c = car();
    await c.sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    const live = c.events.find((e): e is ResponseEvent => e.type === 'response');
    expect(live?.replayed).toBeUndefined();
    const replayed = c.sim.assistant.initialEvents().filter((e): e is ResponseEvent => e.type === 'response');
    expect(replayed.map((e) => [e.text, e.replayed])).toEqual([['Headlights on.', true]]);
    c.sim.close();
  });
});
