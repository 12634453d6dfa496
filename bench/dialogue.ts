// The dialogue machine's own cost per utterance, without NLU or services: a whole turn
// (utterance → understood → policy → acted → answered → idle) driven by the events its actors would send.
import { performance } from 'node:perf_hooks';
import { createActor } from 'xstate';
import { dialogueMachine } from '../main/core/dialogue/machine.js';
import { emit, percentile, type Suite } from './lib.js';

export const dialogueSuite: Suite = {
  name: 'dialogue',
  async run() {
    const actor = createActor(dialogueMachine, {
      input: { lang: 'en', decide: () => ({ kind: 'allow' }), render: () => 'ok', isFreeText: () => false, timings: { speechMs: () => 0, followUpMs: 0 } },
    });
    actor.start();
    const lights = { intent: 'vehicle.lights', slots: { state: 'on', beam: 'low' }, source: 'template' as const, confidence: 1 };
    const turn = (): void => {
      actor.send({ type: 'UTTERANCE', text: 'turn on the headlights', lang: 'en' });
      actor.send({ type: 'UNDERSTOOD', lang: 'en', understandings: [lights] });
      actor.send({ type: 'ACTED', outcome: { say: { key: 'vehicle.lights.on' }, actions: ['Vehicle.Body.Lights.Beam.Low.IsOn=true'] } });
    };
    for (let i = 0; i < 500; i++) turn();
    if (!actor.getSnapshot().matches('idle')) throw new Error(`a turn did not end in idle: ${JSON.stringify(actor.getSnapshot().value)}`);
    const samples: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t0 = performance.now();
      turn();
      samples.push(performance.now() - t0);
    }
    emit({ name: 'dialogue.turn_overhead.p50', value: percentile(samples, 50), unit: 'ms' });
    emit({ name: 'dialogue.turn_overhead.p95', value: percentile(samples, 95), unit: 'ms' });
    actor.stop();
  },
};
