// Model-based tests of the dialogue chart with @xstate/graph. The machine is walked as a pure function
// (its `understand` and `act` actors never answer; every async result is a plain event the test sends),
// then every path is replayed on a real actor: after each step the actor must be where the graph says,
// and what it emitted must be what the spec below expects for that step. Delayed transitions run on a
// SimulatedClock: no real sleeps anywhere.
import { type AdjacencyMap, getAdjacencyMap, getShortestPaths, getSimplePaths, getStateNodes } from '@xstate/graph';
import { describe, expect, it, vi } from 'vitest';
import { type ActorLogic, type AnyTransitionDefinition, createActor, SimulatedClock, type SnapshotFrom } from 'xstate';
import {
  dialogueMachine,
  type DialogueEmitted,
  type DialogueEvent,
  type DialogueInput,
  type DialogueTimings,
} from '../../main/core/dialogue/machine.js';
import type { HandlerOutcome, PolicyDecision, Speech, Understanding } from '../../main/core/ports.js';

type Snap = SnapshotFrom<typeof dialogueMachine>;
type Path = ReturnType<typeof getShortestPaths<typeof dialogueMachine>>[number];

// ---- The model's world: a deterministic policy, a renderer that says the keys, free-text slots ----

const CONFIRM_REASON = 'policy.reason.moving_confirm';
const DENY_REASON = 'policy.reason.moving_deny';

function decide(u: Understanding): PolicyDecision {
  switch (u.intent) {
    case 'vehicle.lock':
      return { kind: 'confirm', reason: CONFIRM_REASON };
    case 'vehicle.window':
      return { kind: 'deny', reason: DENY_REASON };
    case 'messaging.read':
      return { kind: 'allow', spokenOnly: true };
    default:
      return { kind: 'allow' };
  }
}

/** The keys said, joined: a `say` tells exactly which responses were chosen. */
const render = (speech: Speech | Speech[]): string => (Array.isArray(speech) ? speech : [speech]).map((s) => s.key).join('+');

const isFreeText = (intent: string, slot: string): boolean =>
  (intent === 'messaging.send' && (slot === 'body' || slot === 'contact')) || (intent === 'navigation.navigate' && slot === 'destination');

const VOICE: DialogueTimings = { listenMs: 1000, answerMs: 1000, followUpMs: 2000, speechMs: () => 500 };
/** Headless (the CLI, the host's tests): nothing takes time to say and there is no follow-up window. */
const HEADLESS: DialogueTimings = { listenMs: 1000, answerMs: 1000, followUpMs: 0, speechMs: () => 0 };

const inputWith = (timings: DialogueTimings, policy: (u: Understanding) => PolicyDecision = decide): DialogueInput => ({ lang: 'en', decide: policy, render, isFreeText, timings });

// ---- The event alphabet ----

const understood = (intent: string, slots: Understanding['slots'] = {}, missing?: string[]): Understanding => ({
  intent,
  slots,
  source: 'template',
  confidence: 1,
  ...(missing ? { missing } : {}),
});

const SIDE_TEXT = 'and the passenger side too';
/** The replies the alphabet's texts are (everything else is a new request). */
const REPLY: Readonly<Record<string, 'yes' | 'no' | 'cancel'>> = { yes: 'yes', no: 'no', cancel: 'cancel' };
const DONE: HandlerOutcome = { say: { key: 'done' }, actions: ['x=1'] };
const TOUCH_LIGHTS = { intent: 'vehicle.lights', slots: { state: 'on', beam: 'low' } };

const UNDERSTANDINGS: readonly Understanding[][] = [
  [],
  [understood('vehicle.lights', { state: 'on' })],
  [understood('vehicle.lock', { action: 'lock' })],
  [understood('vehicle.window', { action: 'open' })],
  [understood('messaging.send', { contact: 'Sari' }, ['body'])],
  [understood('out_of_scope')],
  [understood('vehicle.lights', { state: 'on' }), understood('vehicle.climate_set', { temperature: 22 })],
  // A slot from a list (not free text): the answer is understood again together with the request.
  [understood('vehicle.lights', {}, ['state'])],
];

const ALPHABET: readonly DialogueEvent[] = [
  { type: 'WAKE' },
  ...['turn on the lights', 'yes', 'no', 'cancel', SIDE_TEXT].map((text): DialogueEvent => ({ type: 'UTTERANCE', text })),
  { type: 'TOUCH', ...TOUCH_LIGHTS },
  { type: 'CONFIRM' },
  { type: 'DENY' },
  { type: 'CANCEL' },
  { type: 'SPOKEN' },
  { type: 'INCOMING', from: 'Sari', text: 'hi', lang: 'en' },
  { type: 'GUIDANCE', speech: { key: 'nav.turn_left' } },
  ...UNDERSTANDINGS.map((understandings): DialogueEvent => ({ type: 'UNDERSTOOD', lang: 'en', understandings })),
  { type: 'ACTED', outcome: DONE },
  { type: 'UNAVAILABLE' },
  { type: 'FAILED', message: 'boom' },
];

// ---- Serialization: the state value and the context the chart's guards read; never the functions ----

const serialized = new WeakMap<object, string>();

/** What decides the machine's future: the state, the request queue, what is being asked, the retries,
 *  the inbox, what the conversation remembers. Not the implementations (decide, render, isFreeText,
 *  timings) nor what only feeds the output (heard text, trace details, the speech-length estimate):
 *  with those the graph never closes (the heard text grows with every answer, the estimate with every
 *  guidance). Each replayed step checks that the real actor lands on the same serialized state, so an
 *  abstraction that dropped something that matters would show up as a failure. */
function serializeState(snapshot: Snap): string {
  const cached = serialized.get(snapshot);
  if (cached !== undefined) return cached;
  const c = snapshot.context;
  const text = JSON.stringify({
    value: snapshot.value,
    lang: c.lang,
    queue: c.turn.queue.map((u) => [u.intent, Object.keys(u.slots).sort(), u.missing ?? []]),
    asking: c.asking,
    reprompts: c.reprompts,
    inbox: c.inbox.length,
    policy: c.turn.trace && [c.turn.trace.policy, c.turn.trace.policyReason ?? null],
    spokenOnly: c.turn.spokenOnly,
    failed: c.turn.failed,
    memory: [c.memory.last?.intent ?? null, c.memory.contact ?? null, c.memory.place ?? null],
    said: c.lastSaid !== null,
  });
  serialized.set(snapshot, text);
  return text;
}

/** Events carry data only. */
const serializeEvent = (event: DialogueEvent): string => JSON.stringify(event);

/** Two messages waiting is as many as matter: the inbox would otherwise grow without end. */
const stopWhen = (snapshot: Snap): boolean => snapshot.context.inbox.length >= 2;

const traversal = (timings: DialogueTimings) => ({ input: inputWith(timings), events: ALPHABET, serializeState, serializeEvent, stopWhen });

/** Every simple path of at most `depth` steps. @xstate/graph has no depth option (`limit` caps the
 *  traversal and throws): the depth goes into the serialized state instead, taken from `prevState`,
 *  so the graph is cut at `depth` by `stopWhen`. A step that changes nothing keeps the depth, so it is
 *  a revisit and no simple path takes it; paths that come back to an earlier state are dropped. */
function simplePaths(timings: DialogueTimings, depth: number): Path[] {
  const depths = new WeakMap<object, number>();
  const depthOf = (snapshot: Snap, previous?: Snap): number => {
    let d = depths.get(snapshot);
    if (d === undefined) {
      d = previous === undefined ? 0 : (depths.get(previous) ?? 0) + (serializeState(previous) === serializeState(snapshot) ? 0 : 1);
      depths.set(snapshot, d);
    }
    return d;
  };
  const paths = getSimplePaths(dialogueMachine, {
    input: inputWith(timings),
    events: ALPHABET,
    serializeState: (snapshot, _event, previous) => `${depthOf(snapshot, previous)}|${serializeState(snapshot)}`,
    serializeEvent,
    stopWhen: (snapshot) => stopWhen(snapshot) || (depths.get(snapshot) ?? 0) >= depth,
  });
  return paths.filter((p) => new Set(p.steps.map((s) => serializeState(s.state))).size === p.steps.length);
}

/** Paths that are a prefix of a longer one add nothing when replayed. */
function maximal(paths: Path[]): Path[] {
  const keys = paths.map((p) => p.steps.slice(1).map((s) => serializeEvent(s.event)).join('\n'));
  const all = new Set(keys);
  const prefixes = new Set<string>();
  for (const key of all) {
    const events = key.split('\n');
    for (let i = 1; i < events.length; i++) prefixes.add(events.slice(0, i).join('\n'));
  }
  return paths.filter((_, i) => !prefixes.has(keys[i] as string) && keys[i] !== '');
}

// ---- The spec of one step: where the machine ends and what it emits, from the state before ----

interface Expected {
  value: string;
  emitted: string[];
}

const SETTLED = ['idle', 'listening', 'understanding', 'clarifying', 'confirming', 'acting', 'speaking', 'followUp'];

function summary(e: DialogueEmitted): string {
  switch (e.type) {
    case 'say':
      return `say:${e.text}`;
    case 'heard':
      return `heard:${e.text}`;
    case 'failed':
      return `failed:${e.message}`;
    case 'stopSpeech':
      return 'stop';
  }
}

function expectedStep(timings: DialogueTimings, before: Snap, event: DialogueEvent): Expected {
  const c = before.context;
  const from = String(before.value);
  const emitted: string[] = [];
  const say = (key: string): void => void emitted.push(`say:${key}`);
  let inbox = c.inbox.length + (event.type === 'INCOMING' ? 1 : 0);
  const head = c.turn.queue[0];

  // Free again (idle, or the follow-up window): a waiting message is offered at once.
  const free = (value: 'idle' | 'followUp'): string => {
    if (inbox === 0) return value;
    inbox -= 1;
    say('message.incoming');
    return 'confirming';
  };
  // Speaking takes speechMs; with none, the turn goes straight on.
  const speaking = (): string => (timings.speechMs('') > 0 ? 'speaking' : free(timings.followUpMs > 0 ? 'followUp' : 'idle'));
  const cancelled = (): string => {
    say('cancel.done');
    return free('idle');
  };
  // The queue runs in order: out-of-scope parts are said and skipped, a missing slot is asked for (twice
  // at most), the first denial ends it, a confirmation waits for the driver, anything else is acted on.
  const run = (queue: readonly Understanding[], reprompts: number): string => {
    for (const u of queue) {
      if (u.intent === 'out_of_scope') {
        say('out_of_scope');
        continue;
      }
      const missing = u.missing?.[0];
      if (missing !== undefined) {
        if (reprompts >= 2) {
          say('dialogue.give_up');
          return speaking();
        }
        say(`ask.${u.intent}.${missing}`);
        return 'clarifying';
      }
      const decision = decide(u);
      if (decision.kind === 'deny') {
        say('policy.denied');
        return speaking();
      }
      if (decision.kind === 'confirm') {
        say('policy.confirm');
        return 'confirming';
      }
      return 'acting';
    }
    return speaking();
  };
  // After a yes the policy is asked again.
  const recheck = (): string => {
    if (head && decide(head).kind === 'deny') {
      say('policy.denied');
      return speaking();
    }
    return 'acting';
  };
  // A new request goes to the NLU, except "and the passenger side too" after a climate request.
  const request = (text: string): string => {
    const last = c.memory.last;
    if (text === SIDE_TEXT && last && last.intent.startsWith('vehicle.climate_')) {
      emitted.push(`heard:${text}`);
      return run([{ intent: last.intent, slots: { ...last.slots, side: 'passenger' }, source: 'template', confidence: 1 }], 0);
    }
    return 'understanding';
  };

  switch (event.type) {
    case 'GUIDANCE':
      if (from === 'speaking') {
        emitted.push('stop');
        say('nav.turn_left');
        // The answer it cut off is said again.
        if (c.lastSaid) say(c.lastSaid.text);
      } else {
        say('nav.turn_left');
      }
      return { value: from, emitted };
    case 'INCOMING':
      return { value: from === 'idle' || from === 'followUp' ? free(from) : from, emitted };
    case 'WAKE':
      switch (from) {
        case 'speaking':
          emitted.push('stop');
          return { value: 'listening', emitted };
        case 'idle':
        case 'listening':
        case 'understanding':
        case 'followUp':
        case 'confirming': // a yes/no question lapses: the driver wants to say something else
          return { value: 'listening', emitted };
        case 'clarifying':
          say(`ask.${head?.intent}.${c.asking}`);
          return { value: 'clarifying', emitted };
        default:
          return { value: from, emitted };
      }
    case 'UTTERANCE': {
      const reply = REPLY[event.text];
      const hear = (): void => void emitted.push(`heard:${event.text}`);
      switch (from) {
        case 'idle':
          return { value: request(event.text), emitted };
        case 'speaking':
        case 'listening':
        case 'followUp':
          if (from === 'speaking') emitted.push('stop');
          if (reply === 'cancel') {
            hear();
            return { value: cancelled(), emitted };
          }
          return { value: request(event.text), emitted };
        case 'clarifying':
          if (reply === 'cancel') {
            hear();
            return { value: cancelled(), emitted };
          }
          if (head && c.asking && isFreeText(head.intent, c.asking)) {
            hear();
            const missing = (head.missing ?? []).filter((m) => m !== c.asking);
            const filled: Understanding = { ...head, slots: { ...head.slots, [c.asking]: event.text }, ...(missing.length ? { missing } : {}) };
            if (!missing.length) delete filled.missing;
            return { value: run([filled, ...c.turn.queue.slice(1)], 0), emitted };
          }
          // The answer is understood again together with the request.
          return { value: 'understanding', emitted };
        case 'confirming':
          if (reply === 'yes') {
            hear();
            return { value: recheck(), emitted };
          }
          if (reply === 'no' || reply === 'cancel') {
            hear();
            return { value: cancelled(), emitted };
          }
          return { value: request(event.text), emitted };
        default:
          return { value: from, emitted };
      }
    }
    case 'TOUCH': {
      if (!['idle', 'listening', 'clarifying', 'confirming', 'speaking', 'followUp'].includes(from)) return { value: from, emitted };
      if (from === 'speaking') emitted.push('stop');
      return { value: run([{ intent: event.intent, slots: event.slots, source: 'touch', confidence: 1 }], 0), emitted };
    }
    case 'CONFIRM':
      if (from === 'idle') {
        say('confirm.nothing');
        return { value: speaking(), emitted };
      }
      return { value: from === 'confirming' ? recheck() : from, emitted };
    case 'DENY':
      return { value: from === 'confirming' ? cancelled() : from, emitted };
    case 'CANCEL':
      switch (from) {
        case 'listening':
        case 'understanding':
        case 'clarifying':
        case 'confirming':
        case 'acting':
          return { value: cancelled(), emitted };
        case 'speaking':
          emitted.push('stop');
          return { value: free('idle'), emitted };
        case 'followUp':
          return { value: free('idle'), emitted };
        default:
          return { value: from, emitted };
      }
    case 'SPOKEN':
      return { value: from === 'speaking' ? free(timings.followUpMs > 0 ? 'followUp' : 'idle') : from, emitted };
    case 'UNDERSTOOD':
      if (from !== 'understanding') return { value: from, emitted };
      emitted.push(`heard:${c.turn.heard}`);
      if (event.understandings.length === 0) {
        say('not_understood');
        return { value: speaking(), emitted };
      }
      return { value: run(event.understandings, c.reprompts), emitted };
    case 'ACTED':
      if (from !== 'acting') return { value: from, emitted };
      say(render(event.outcome.say));
      return { value: run(c.turn.queue.slice(1), c.reprompts), emitted };
    case 'UNAVAILABLE':
      if (from !== 'acting') return { value: from, emitted };
      say('not_available');
      return { value: speaking(), emitted };
    case 'FAILED':
      if (from !== 'understanding' && from !== 'acting') return { value: from, emitted };
      emitted.push(`failed:${event.message}`);
      say('error.internal');
      return { value: speaking(), emitted };
  }
}

/** What each `say` carries besides its text: the decision trace the simulator shows. */
function traceProblems(event: DialogueEvent, emitted: DialogueEmitted[]): string[] {
  const problems: string[] = [];
  for (const e of emitted) {
    if (e.type !== 'say') continue;
    if (e.lang !== 'en') problems.push(`${e.text} said in ${e.lang}`);
    const t = e.trace;
    // Guidance and the answer said again after it are no decisions: nothing goes to the history.
    if (event.type === 'GUIDANCE') {
      if (t !== null) problems.push(`${e.text} after guidance carries a trace`);
      continue;
    }
    const want = (ok: boolean, what: string): void => void (ok || problems.push(`${e.text}: ${what}, trace ${JSON.stringify(t)}`));
    if (e.text === 'policy.confirm') want(t?.intent === 'vehicle.lock' && t.policy === 'confirm' && t.policyReason === CONFIRM_REASON, 'a confirmation with its reason');
    if (e.text === 'policy.denied') want(t?.intent === 'vehicle.window' && t.policy === 'deny' && t.policyReason === DENY_REASON, 'a denial with its reason');
    if (e.text === 'done') want(t !== null && (t.policy === 'allow' || t.policy === 'confirm') && t.actions.join() === 'x=1', 'what ran, allowed');
    if (e.text.startsWith('ask.')) want(t !== null && e.text.startsWith(`ask.${t.intent}.`), 'the request it asks about');
    if (e.text === 'not_understood') want(t?.intent === null && t.source === 'none', 'nothing understood');
  }
  return problems;
}

// ---- Replaying paths on a real actor ----

interface Coverage {
  /** Keys of the state nodes that were active or entered. */
  states: Set<string>;
  /** `state|EVENT`, `state|always`: the transitions taken, by the node that declares them. */
  pairs: Set<string>;
  branches: Set<AnyTransitionDefinition>;
}

interface Replayed {
  /** Paths replayed from the start. */
  replayed: number;
  /** Steps sent along them. */
  steps: number;
  /** Single steps sent from a copy of the actor (every event from every state reached). */
  forks: number;
  failures: string[];
  coverage: Coverage;
}

const describePath = (events: DialogueEvent[]): string =>
  events.map((e) => (e.type === 'UTTERANCE' ? `UTTERANCE(${e.text})` : e.type === 'UNDERSTOOD' ? `UNDERSTOOD(${e.understandings.map((u) => u.intent).join(',') || '∅'})` : e.type)).join(' → ');

const sameValue = (a: Snap, b: Snap): boolean => JSON.stringify(a.value) === JSON.stringify(b.value);

/** A real actor that records what it emits and which transitions it takes. */
function observed(timings: DialogueTimings, snapshot?: ReturnType<ReturnType<typeof createActor<typeof dialogueMachine>>['getPersistedSnapshot']>) {
  const taken: AnyTransitionDefinition[] = [];
  const emitted: DialogueEmitted[] = [];
  const actor = createActor(dialogueMachine, {
    input: inputWith(timings),
    clock: new SimulatedClock(),
    ...(snapshot ? { snapshot } : {}),
    // Only the dialogue machine makes microsteps (its actors are callbacks).
    inspect: (e) => {
      if (e.type === '@xstate.microstep') taken.push(...e._transitions);
    },
  });
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  /** Sends one event; what it emitted and took. */
  const step = (event: DialogueEvent) => {
    taken.length = 0;
    emitted.length = 0;
    const before = actor.getSnapshot();
    actor.send(event);
    return { before, after: actor.getSnapshot(), emitted: [...emitted], taken: [...taken] };
  };
  return { actor, step };
}

/** Replays `paths`; with the graph's adjacency map, also every event from every state reached. */
function replay(timings: DialogueTimings, paths: Path[], adjacency?: AdjacencyMap<Snap, DialogueEvent>): Replayed {
  const coverage: Coverage = { states: new Set(), pairs: new Set(), branches: new Set() };
  const failures: string[] = [];
  const forked = new Set<string>();
  let steps = 0;
  let forks = 0;

  const cover = (taken: AnyTransitionDefinition[]): void => {
    for (const t of taken) {
      coverage.branches.add(t);
      coverage.states.add(t.source.key);
      for (const target of t.target ?? []) coverage.states.add(target.key);
      coverage.pairs.add(`${t.source.key}|${t.eventType === '' ? 'always' : t.eventType}`);
    }
  };
  /** Everything one step must satisfy: the graph's next state, the spec's state and emitted events. */
  const check = (where: string, event: DialogueEvent, before: Snap, after: Snap, emitted: DialogueEmitted[], graph: Snap): void => {
    const fail = (what: string): void => void failures.push(`${where}: ${what}`);
    if (!sameValue(after, graph)) fail(`in ${JSON.stringify(after.value)}, the graph says ${JSON.stringify(graph.value)}`);
    else if (serializeState(after) !== serializeState(graph)) fail(`context ${serializeState(after)}, the graph says ${serializeState(graph)}`);
    if (after.status !== 'active' || !SETTLED.includes(String(after.value))) fail(`rests in ${String(after.value)} (${after.status})`);
    const expected = expectedStep(timings, before, event);
    if (String(after.value) !== expected.value) fail(`in ${String(after.value)}, expected ${expected.value}`);
    const got = emitted.map(summary);
    if (got.join('\n') !== expected.emitted.join('\n')) fail(`emitted ${JSON.stringify(got)}, expected ${JSON.stringify(expected.emitted)}`);
    for (const problem of traceProblems(event, emitted)) fail(problem);
  };
  /** Every event of the alphabet once from this state, each on a copy of the actor. */
  const fork = (events: DialogueEvent[], snapshot: Snap, persisted: Parameters<typeof observed>[1]): void => {
    const key = serializeState(snapshot);
    // States where the traversal stopped (stopWhen) have no edges in the graph.
    if (!adjacency || forked.has(key) || stopWhen(snapshot)) return;
    forked.add(key);
    const edges = adjacency[key as keyof typeof adjacency]?.transitions;
    for (const event of ALPHABET) {
      const where = describePath([...events, event]);
      const edge = edges?.[serializeEvent(event) as keyof typeof edges];
      if (!edge) {
        failures.push(`${where}: not in the graph`);
        continue;
      }
      const copy = observed(timings, persisted);
      const { before, after, emitted, taken } = copy.step(event);
      forks++;
      cover(taken);
      check(where, event, before, after, emitted, edge.state);
      copy.actor.stop();
    }
  };

  for (const path of paths) {
    const { actor, step } = observed(timings);
    coverage.states.add(String(actor.getSnapshot().value));
    const events: DialogueEvent[] = [];
    const first = path.steps[0]?.state;
    if (!first || !sameValue(actor.getSnapshot(), first)) failures.push('the graph starts elsewhere');
    fork(events, actor.getSnapshot(), actor.getPersistedSnapshot());
    for (const recorded of path.steps.slice(1)) {
      events.push(recorded.event);
      const { before, after, emitted, taken } = step(recorded.event);
      steps++;
      cover(taken);
      check(describePath(events), recorded.event, before, after, emitted, recorded.state);
      fork([...events], after, actor.getPersistedSnapshot());
    }
    actor.stop();
    if (failures.length > 20) break;
  }
  return { replayed: paths.length, steps, forks, failures, coverage };
}

// Traversals are shared by the tests below and made once.
const once = <T>(make: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
};
/** The shortest path to every state, replayed, and from every state every event of the alphabet. */
function explore(timings: DialogueTimings) {
  const options = traversal(timings);
  const paths = getShortestPaths(dialogueMachine, options);
  // getAdjacencyMap's signature fixes the emitted events' type to EventObject; the chart is the same.
  const adjacency = getAdjacencyMap(dialogueMachine as unknown as ActorLogic<Snap, DialogueEvent, DialogueInput>, options);
  return { paths, adjacency, ...replay(timings, maximal(paths), adjacency) };
}
const voice = once(() => explore(VOICE));
const headless = once(() => explore(HEADLESS));

// ---- What the chart declares ----

const NODES = [dialogueMachine.root, ...getStateNodes(dialogueMachine.root)];

function declaredPairs(): string[] {
  return NODES.flatMap((node) => [...Object.keys(node.config.on ?? {}).map((type) => `${node.key}|${type}`), ...(node.config.always ? [`${node.key}|always`] : [])]);
}

function guardName(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function' && 'guards' in guard && Array.isArray(guard.guards)) return `and(${guard.guards.map(guardName).join(',')})`;
  return 'inline';
}

const describeBranch = (t: AnyTransitionDefinition): string =>
  `${t.source.key} ${t.eventType || 'always'}${t.guard ? ` [${guardName(t.guard)}]` : ''} → ${(t.target ?? []).map((n) => n.key).join(',') || '(stays)'}`;

function declaredBranches(): AnyTransitionDefinition[] {
  return NODES.flatMap((node) => [...[...node.transitions.entries()].filter(([type]) => !type.startsWith('xstate.after.')).flatMap(([, ts]) => ts), ...node.always ?? []]);
}

// ---- Tests ----

describe('dialogue machine: model-based (@xstate/graph)', () => {
  it('the alphabet holds every event the chart takes', () => {
    const types = new Set(ALPHABET.map((e) => e.type));
    const declared = new Set(declaredPairs().map((p) => p.split('|')[1] as string));
    declared.delete('always');
    expect([...declared].filter((t) => !types.has(t as DialogueEvent['type']))).toEqual([]);
  });

  it('voice timings: every shortest path replays on a real actor, state and emitted events step by step', () => {
    const { paths, adjacency, steps, forks, failures } = voice();
    expect(failures).toEqual([]);
    // From every state the graph explored, every event was sent once more on a copy of the actor.
    const explored = Object.values(adjacency).filter((a) => !stopWhen(a.state)).length;
    expect(explored).toBe(paths.filter((p) => !stopWhen(p.state)).length);
    expect(forks).toBe(explored * ALPHABET.length);
    // Each abstract state gets its own shortest path; hundreds of them, not a handful.
    expect(paths.length).toBeGreaterThan(500);
    expect(steps).toBeGreaterThan(1000);
    const ends = new Set(paths.map((p) => String(p.state.value)));
    expect([...ends].sort()).toEqual([...SETTLED].sort());
  });

  it('headless timings (no speech time, no follow-up window): every shortest path replays the same way', () => {
    const { paths, failures } = headless();
    expect(failures).toEqual([]);
    const ends = new Set(paths.map((p) => String(p.state.value)));
    // Nothing rests in speaking or the follow-up window when neither takes time.
    expect([...ends].sort()).toEqual(['acting', 'clarifying', 'confirming', 'idle', 'listening', 'understanding']);
  });

  it('every simple path of up to 4 steps replays with the expected state and emitted events', () => {
    const paths = simplePaths(VOICE, 4);
    expect(Math.max(...paths.map((p) => p.steps.length - 1))).toBe(4);
    const { failures, replayed } = replay(VOICE, maximal(paths));
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThan(1000);
  });

  it('visits every state node of the chart', () => {
    const visited = new Set([...voice().coverage.states, ...headless().coverage.states]);
    const all = getStateNodes(dialogueMachine.root).map((n) => n.key);
    expect(all.length).toBeGreaterThanOrEqual(13);
    expect(all.filter((key) => !visited.has(key))).toEqual([]);
  });

  it('takes every declared transition (state × event, and every eventless one)', () => {
    const taken = new Set([...voice().coverage.pairs, ...headless().coverage.pairs]);
    const declared = declaredPairs();
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((pair) => !taken.has(pair))).toEqual([]);
  });

  it('takes every guarded branch but those that need the policy or the timings to change (tested below)', () => {
    const taken = new Set([...voice().coverage.branches, ...headless().coverage.branches]);
    const missed = declaredBranches()
      .filter((t) => !taken.has(t))
      .map(describeBranch);
    expect(missed.sort()).toEqual(
      [
        // The policy changing its mind between the question and the yes.
        'rechecking always [policyDenies] → speaking',
        // No follow-up window, but speech that takes time (and SPOKEN ends it).
        'speaking SPOKEN [noFollowUp] → idle',
        // A follow-up window, but speech that takes no time.
        'speaking always [silent] → followUp',
        // Names that need the address book (tested below with a resolver).
        'deciding always [headNeedsChoice] → clarifying',
        'deciding always [headNameUnknown] → speaking',
      ].sort(),
    );
  });
});

// ---- Names resolved against an address book ----

describe('dialogue machine: contact resolution', () => {
  const book: Record<string, string[]> = { sari: ['Sari Wulandari', 'Sari Dewi'], 'sari dewi': ['Sari Dewi'], budi: ['Budi Santoso'] };
  const resolve = (u: Understanding) => {
    const said = typeof u.slots.contact === 'string' ? u.slots.contact.toLowerCase() : null;
    if (said === null) return { kind: 'ok' as const, understanding: u };
    const found = book[said] ?? [];
    if (found.length === 0) return { kind: 'unknown' as const, slot: 'contact', value: said };
    if (found.length > 1) return { kind: 'choose' as const, slot: 'contact', options: found };
    return { kind: 'ok' as const, understanding: { ...u, slots: { ...u.slots, contact: found[0] as string } } };
  };
  const start = () => {
    const actor = createActor(dialogueMachine, { input: { ...inputWith(HEADLESS), resolve }, clock: new SimulatedClock() });
    const emitted: string[] = [];
    actor.on('*', (e) => emitted.push(summary(e)));
    actor.start();
    return { actor, emitted };
  };
  const text = (contact: string): Understanding => ({ intent: 'messaging.send', slots: { contact, body: 'hi' }, source: 'template', confidence: 1 });

  it('asks which one when a name fits several people, then acts on the one chosen', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'UTTERANCE', text: 'call sari' });
    actor.send({ type: 'UNDERSTOOD', lang: 'en', understandings: [text('sari')] });
    expect(String(actor.getSnapshot().value)).toBe('clarifying');
    expect(emitted.at(-1)).toBe('say:ask.choose');
    expect(actor.getSnapshot().context.choices).toEqual(['Sari Wulandari', 'Sari Dewi']);
    actor.send({ type: 'UTTERANCE', text: 'sari dewi' });
    expect(String(actor.getSnapshot().value)).toBe('acting');
    expect(actor.getSnapshot().context.turn.queue[0]?.slots).toEqual({ contact: 'Sari Dewi', body: 'hi' });
    expect(actor.getSnapshot().context.choices).toEqual([]);
  });

  it('says so when nobody has the name, and does not act', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'UTTERANCE', text: 'call bob' });
    actor.send({ type: 'UNDERSTOOD', lang: 'en', understandings: [text('bob')] });
    expect(emitted.filter((e) => e.startsWith('say:'))).toEqual(['say:contact.unknown']);
    expect(String(actor.getSnapshot().value)).toBe('idle');
  });
});

// ---- Time, on a simulated clock ----

function timed(timings: Partial<DialogueTimings> = {}, policy?: (u: Understanding) => PolicyDecision) {
  const clock = new SimulatedClock();
  const actor = createActor(dialogueMachine, { input: inputWith({ ...VOICE, ...timings }, policy), clock });
  const emitted: string[] = [];
  actor.on('*', (e) => emitted.push(summary(e)));
  actor.start();
  const value = (): string => String(actor.getSnapshot().value);
  /** What was emitted since the last call. */
  const take = (): string[] => emitted.splice(0);
  return { clock, actor, value, take, send: (e: DialogueEvent) => actor.send(e) };
}

describe('dialogue machine: delayed transitions (SimulatedClock)', () => {
  it('listening re-prompts once on silence, then gives up and goes idle', () => {
    const m = timed();
    m.send({ type: 'WAKE' });
    m.clock.increment(999);
    expect([m.value(), m.take()]).toEqual(['listening', []]);
    m.clock.increment(1);
    expect([m.value(), m.take()]).toEqual(['listening', ['say:dialogue.listening']]);
    m.clock.increment(999);
    expect([m.value(), m.take()]).toEqual(['listening', []]);
    m.clock.increment(1);
    expect([m.value(), m.take()]).toEqual(['idle', ['say:dialogue.give_up']]);
    m.clock.increment(10_000);
    expect([m.value(), m.take()]).toEqual(['idle', []]);
  });

  it('clarifying asks again once on silence, then gives up and forgets the request', () => {
    const m = timed();
    m.send({ type: 'UTTERANCE', text: 'text Sari' });
    m.send({ type: 'UNDERSTOOD', lang: 'en', understandings: [understood('messaging.send', { contact: 'Sari' }, ['body'])] });
    expect([m.value(), m.take()]).toEqual(['clarifying', ['heard:text Sari', 'say:ask.messaging.send.body']]);
    m.clock.increment(1000);
    expect([m.value(), m.take()]).toEqual(['clarifying', ['say:ask.messaging.send.body']]);
    m.clock.increment(1000);
    expect([m.value(), m.take()]).toEqual(['idle', ['say:dialogue.give_up']]);
    expect(m.actor.getSnapshot().context.turn.queue).toEqual([]);
    expect(m.actor.getSnapshot().context.asking).toBeNull();
  });

  it('confirming asks again once on silence, then drops the request unconfirmed', () => {
    const m = timed();
    m.send({ type: 'TOUCH', intent: 'vehicle.lock', slots: { action: 'lock' } });
    expect([m.value(), m.take()]).toEqual(['confirming', ['say:policy.confirm']]);
    m.clock.increment(1000);
    expect([m.value(), m.take()]).toEqual(['confirming', ['say:dialogue.confirm_again']]);
    m.clock.increment(1000);
    expect([m.value(), m.take()]).toEqual(['idle', ['say:confirm.cancelled']]);
    // A late yes confirms nothing.
    m.send({ type: 'CONFIRM' });
    expect(m.take()).toEqual(['say:confirm.nothing']);
  });

  it('speaking → follow-up after speechMs of the text said → idle after followUpMs', () => {
    const speechMs = vi.fn((_text: string) => 500);
    const m = timed({ speechMs });
    m.send({ type: 'TOUCH', ...TOUCH_LIGHTS });
    m.send({ type: 'ACTED', outcome: { say: [{ key: 'lights.on' }, { key: 'lights.low' }], actions: [] } });
    expect([m.value(), m.take()]).toEqual(['speaking', ['say:lights.on+lights.low']]);
    // The estimate is asked for with what is being said.
    expect(speechMs).toHaveBeenLastCalledWith('x'.repeat('lights.on+lights.low'.length));
    m.clock.increment(499);
    expect(m.value()).toBe('speaking');
    m.clock.increment(1);
    expect(m.value()).toBe('followUp');
    m.clock.increment(1999);
    expect(m.value()).toBe('followUp');
    m.clock.increment(1);
    expect([m.value(), m.take()]).toEqual(['idle', []]);
    expect(m.actor.getSnapshot().context.turn.queue).toEqual([]);
  });

  it('in the follow-up window the driver goes on without the wake word', () => {
    const m = timed();
    m.send({ type: 'CONFIRM' });
    m.clock.increment(500);
    expect(m.value()).toBe('followUp');
    m.send({ type: 'UTTERANCE', text: 'turn on the lights' });
    expect(m.value()).toBe('understanding');
  });

  it('SPOKEN ends speaking before the estimate, and the estimate timer no longer fires', () => {
    const m = timed();
    m.send({ type: 'CONFIRM' });
    m.send({ type: 'SPOKEN' });
    expect(m.value()).toBe('followUp');
    m.clock.increment(1999);
    expect(m.value()).toBe('followUp');
    m.clock.increment(1);
    expect(m.value()).toBe('idle');
  });

  it('with followUpMs 0, speaking → idle directly after speechMs', () => {
    const m = timed({ followUpMs: 0 });
    m.send({ type: 'CONFIRM' });
    m.clock.increment(499);
    expect(m.value()).toBe('speaking');
    m.clock.increment(1);
    expect(m.value()).toBe('idle');
  });

  it('with followUpMs 0, SPOKEN goes straight to idle', () => {
    const m = timed({ followUpMs: 0 });
    m.send({ type: 'CONFIRM' });
    m.send({ type: 'SPOKEN' });
    expect(m.value()).toBe('idle');
  });

  it('speech that takes no time passes through speaking into the follow-up window', () => {
    const m = timed({ speechMs: () => 0 });
    m.send({ type: 'CONFIRM' });
    expect([m.value(), m.take()]).toEqual(['followUp', ['say:confirm.nothing']]);
    m.clock.increment(2000);
    expect(m.value()).toBe('idle');
  });

  it('a message that arrives while speaking is offered in the follow-up window', () => {
    const m = timed();
    m.send({ type: 'CONFIRM' });
    m.take();
    m.send({ type: 'INCOMING', from: 'Sari', text: 'hi', lang: 'en' });
    expect([m.value(), m.take()]).toEqual(['speaking', []]);
    m.clock.increment(500);
    expect([m.value(), m.take()]).toEqual(['confirming', ['say:message.incoming']]);
    expect(m.actor.getSnapshot().context.turn.queue.map((u) => [u.intent, u.slots])).toEqual([['messaging.read', { contact: 'Sari' }]]);
  });

  it('a yes is checked again: a policy that turned to deny meanwhile still wins', () => {
    let moving = false;
    const policy = (u: Understanding): PolicyDecision => (u.intent === 'vehicle.lock' ? (moving ? { kind: 'deny', reason: DENY_REASON } : { kind: 'confirm', reason: CONFIRM_REASON }) : { kind: 'allow' });
    const m = timed({}, policy);
    m.send({ type: 'TOUCH', intent: 'vehicle.lock', slots: { action: 'unlock' } });
    expect([m.value(), m.take()]).toEqual(['confirming', ['say:policy.confirm']]);
    moving = true;
    m.send({ type: 'UTTERANCE', text: 'yes' });
    expect([m.value(), m.take()]).toEqual(['speaking', ['heard:yes', 'say:policy.denied']]);
    expect(m.actor.getSnapshot().context.turn.queue).toEqual([]);
  });
});

// Bugs these tests found in the machine, fixed since: kept as regressions.
describe('dialogue machine: regressions', () => {
  it('an offered message read after a yes is still spoken only (the policy says spokenOnly)', () => {
    const m = timed();
    m.send({ type: 'INCOMING', from: 'Sari', text: 'hi', lang: 'en' });
    m.send({ type: 'CONFIRM' });
    const said: DialogueEmitted[] = [];
    m.actor.on('say', (e) => said.push(e));
    m.send({ type: 'ACTED', outcome: { say: { key: 'message.read' }, actions: [], card: { titleKey: 'card.message', lines: [{ key: 'hi' }] } } });
    // As when messaging.read is touched directly: spoken only, no card, after the offer's yes too.
    expect(said).toMatchObject([{ text: 'message.read', spokenOnly: true }]);
    expect(said[0]).not.toHaveProperty('card');
  });

  it('a new wake gets its re-prompt even after an earlier wait used one', () => {
    const m = timed();
    m.send({ type: 'TOUCH', intent: 'vehicle.lock', slots: { action: 'lock' } });
    m.clock.increment(1000);
    expect(m.take()).toEqual(['say:policy.confirm', 'say:dialogue.confirm_again']);
    m.send({ type: 'CONFIRM' });
    m.send({ type: 'ACTED', outcome: DONE });
    m.send({ type: 'SPOKEN' });
    m.send({ type: 'WAKE' });
    m.take();
    m.clock.increment(1000);
    // The count of re-prompts is carried over from the confirmation: this wake gives up at once.
    expect([m.value(), m.take()]).toEqual(['listening', ['say:dialogue.listening']]);
  });
});
