// The LLM inside the dialogue: a sentence nothing else placed goes to the model; what it proposes to do
// to the car is said back and waits for a yes; a barge-in while it thinks stops it. Only the model is
// scripted (it is the boundary: a separate process with weights); tool checking, the NLU route, the
// policy and the dialogue machine are the real ones.
import { describe, expect, it } from 'vitest';
import type { Event, ResponseEvent } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import type { CallOptions, Completion, LlmEngine } from '../../main/llm/engine.js';
import { ToolCaller } from '../../main/llm/tools.js';

const knowledge = loadKnowledge();
/** Words no template or classifier knows (checked below), so only the model can place them. */
const MUMBLE = 'blorp zibble wug';

function answering(value: unknown): LlmEngine & { calls: number } {
  const engine = {
    calls: 0,
    complete: (): Promise<Result<Completion>> => {
      engine.calls++;
      return Promise.resolve(ok({ value, usage: { promptTokens: 1, evaluatedTokens: 1, completionTokens: 1 }, ms: 1 }));
    },
    info: () => ({ kind: 'local' as const, model: 'scripted' }),
    close: () => Promise.resolve(),
  };
  return engine;
}

/** A model that thinks until it is told to stop. */
function thinking(): LlmEngine & { stopped: Promise<void> } {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  return {
    stopped,
    complete: (_request, options: CallOptions = {}): Promise<Result<Completion>> =>
      new Promise((resolve) => {
        options.signal?.addEventListener('abort', () => {
          stop();
          resolve(err('cancelled', 'stopped'));
        });
      }),
    info: () => ({ kind: 'local', model: 'thinking' }),
    close: () => Promise.resolve(),
  };
}

function assistantWith(engine: LlmEngine) {
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, fallback: new ToolCaller(knowledge.catalog, engine) });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const said = () => events.filter((e): e is ResponseEvent => e.type === 'response').map((e) => e.text);
  return { sim, events, said };
}

describe('the LLM in the dialogue', () => {
  it('is asked only for what nothing else understood', async () => {
    expect(knowledge.nlu.understandSync(MUMBLE, 'en').understandings).toEqual([]);
    const engine = answering({ intent: 'vehicle.lights', slots: { state: 'on' } });
    const { sim } = assistantWith(engine);
    await sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    expect(engine.calls).toBe(0);
    await sim.assistant.handle({ type: 'utterance', text: MUMBLE, lang: 'en', source: 'text' });
    expect(engine.calls).toBe(1);
    sim.close();
  });

  it("says its guess back and acts on the car only after the driver's yes", async () => {
    const { sim, events, said } = assistantWith(answering({ intent: 'vehicle.climate_set', slots: { temperature: 19 } }));
    await sim.assistant.handle({ type: 'utterance', text: MUMBLE, lang: 'en', source: 'text' });
    expect(sim.assistant.dialogueSnapshot().value).toBe('confirming');
    expect(said().at(-1)).toBe('I think you want the temperature at 19 degrees. Should I go ahead?');
    expect(sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature')).not.toBe(19);
    await sim.assistant.handle({ type: 'utterance', text: 'yes', lang: 'en', source: 'text' });
    expect(sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature')).toBe(19);
    const acted = events.filter((e): e is ResponseEvent => e.type === 'response').at(-1);
    expect(acted?.trace).toMatchObject({ intent: 'vehicle.climate_set', source: 'llm', policy: 'confirm' });
    sim.close();
  });

  it('a no leaves the car as it was', async () => {
    const { sim } = assistantWith(answering({ intent: 'vehicle.window', slots: { action: 'open', window: 'all' } }));
    await sim.assistant.handle({ type: 'utterance', text: MUMBLE, lang: 'en', source: 'text' });
    await sim.assistant.handle({ type: 'utterance', text: 'no', lang: 'en', source: 'text' });
    expect(sim.vehicle.get('Vehicle.Cabin.Door.Row1.DriverSide.Window.Position')).toBe(0);
    sim.close();
  });

  it('answers questions and other harmless requests without asking', async () => {
    const { sim, said } = assistantWith(answering({ intent: 'vehicle.status', slots: { item: 'fuel' } }));
    await sim.assistant.handle({ type: 'utterance', text: MUMBLE, lang: 'en', source: 'text' });
    expect(sim.assistant.dialogueSnapshot().value).not.toBe('confirming');
    expect(said().at(-1)).not.toMatch(/Should I go ahead/);
    sim.close();
  });

  it('a barge-in while the model thinks stops it, and the dialogue is free at once', async () => {
    const engine = thinking();
    const { sim } = assistantWith(engine);
    const turn = sim.assistant.handle({ type: 'utterance', text: MUMBLE, lang: 'en', source: 'text' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sim.assistant.dialogueSnapshot().value).toBe('understanding');
    await sim.assistant.handle({ type: 'cancel' });
    await engine.stopped;
    await turn;
    expect(sim.assistant.dialogueSnapshot().value).toBe('idle');
    // And the next request is handled normally.
    await sim.assistant.handle({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(true);
    sim.close();
  });
});
