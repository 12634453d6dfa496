// The dialogue machine's actors, wired to the real NLU and intent handlers: `understand` runs the NLU
// route (templates, classifier, and the LLM when one is loaded), `act` runs the intent's handler against
// the vehicle. Each answers the machine with a plain event; a failure becomes FAILED, never a throw.
import { fromCallback } from 'xstate';
import type { Lang, Slots } from '../../../common/contract.js';
import type { IntentHandler, Nlu, Understanding, VehicleBus } from '../ports.js';
import { dialogueMachine, type DialogueEvent } from './machine.js';

export interface DialogueServices {
  nlu: Nlu;
  handlers: Readonly<Record<string, IntentHandler>>;
  vehicle: VehicleBus;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function provideDialogue(services: DialogueServices) {
  return dialogueMachine.provide({
    actors: {
      understand: fromCallback<DialogueEvent, { text: string; lang?: Lang }>(({ input, sendBack }) => {
        let live = true;
        const stop = new AbortController();
        services.nlu
          .understand(input.text, input.lang, { signal: stop.signal })
          .then((result) => live && sendBack({ type: 'UNDERSTOOD', lang: result.lang, understandings: result.understandings }))
          .catch((error: unknown) => live && sendBack({ type: 'FAILED', message: message(error) }));
        // Barge-in or cancel stops the actor: a late answer must not land in another state, and a model
        // still thinking about the old sentence is told to stop.
        return () => {
          live = false;
          stop.abort();
        };
      }),
      act: fromCallback<DialogueEvent, { understanding: Understanding; lang: Lang; heard?: string }>(({ input, sendBack }) => {
        let live = true;
        const stop = new AbortController();
        const handler = services.handlers[input.understanding.intent];
        if (!handler) {
          sendBack({ type: 'UNAVAILABLE' });
          return undefined;
        }
        Promise.resolve()
          .then(() => handler(input.understanding.slots as Slots, { vehicle: services.vehicle, lang: input.lang, signal: stop.signal, ...(input.heard ? { heard: input.heard } : {}) }))
          .then((outcome) => live && sendBack({ type: 'ACTED', outcome }))
          .catch((error: unknown) => live && sendBack({ type: 'FAILED', message: message(error) }));
        return () => {
          live = false;
          stop.abort();
        };
      }),
    },
  });
}
