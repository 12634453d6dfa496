// The LLM worker: a child process of its own (forked by local.ts) that runs node-llama-cpp, so the
// UI and the dialogue never wait on the model and a crash in native code takes down only this process.
// getLlama → loadModel → createContext → sequences → LlamaChatSession, one warm session per system prompt.
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import {
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  type ChatHistoryItem,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from 'node-llama-cpp';
import type { ErrorCode } from '../../common/result.js';
import { HostMessage, type LoadedInfo, type ThreadTrial, type WorkerMessage } from './protocol.js';

/** Sequences kept warm at once: the tool-calling prompt stays, the generation prompts share the other. */
const SEQUENCES = 2;
/** The probe evaluated to choose a thread count: long enough to be measurable, short enough to be quick. */
const PROBE_TEXT = 'Navigate to the nearest fuel station, then text Sari that I am ten minutes late. '.repeat(6);

interface WarmSession {
  system: string;
  session: LlamaChatSession;
  sequence: LlamaContextSequence;
  history: ChatHistoryItem[];
  pinned: boolean;
  used: number;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sessions: WarmSession[];
  free: LlamaContextSequence[];
  grammars: Map<string, LlamaGrammar>;
}

let loaded: Loaded | null = null;
let clock = 0;
/** The call running now (one at a time: the host queues) and its abort switch. */
const running = new Map<number, AbortController>();

function send(message: WorkerMessage): void {
  process.send?.(message);
}

class WorkerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Candidate thread counts: 1, then doubling up to the cores this machine really has. */
function threadCandidates(cores: number): number[] {
  const out = [1];
  for (let n = 2; n < cores; n *= 2) out.push(n);
  if (cores > 1) out.push(cores);
  return out;
}

/** Measures the probe at each candidate and keeps the fastest. On small machines one thread often
 *  beats the library's default by a wide margin (threads fighting the UI for two cores). */
async function chooseThreads(model: LlamaModel, cores: number): Promise<{ threads: number; trials: ThreadTrial[] }> {
  const probe = model.tokenize(PROBE_TEXT).slice(0, 96);
  const trials: ThreadTrial[] = [];
  for (const threads of threadCandidates(cores)) {
    const context = await model.createContext({ contextSize: 256, threads });
    try {
      const sequence = context.getSequence();
      await sequence.evaluateWithoutGeneratingNewTokens(probe.slice(0, 8)); // first-use costs out of the measure
      await sequence.clearHistory();
      const started = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(probe);
      trials.push({ threads, ms: Math.round((performance.now() - started) * 100) / 100 });
    } finally {
      await context.dispose();
    }
  }
  const best = trials.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { threads: best.threads, trials };
}

async function load(request: Extract<HostMessage, { type: 'load' }>): Promise<LoadedInfo> {
  const started = performance.now();
  const llama = await getLlama({ gpu: request.gpu ? 'auto' : false, build: 'never', logLevel: LlamaLogLevel.error });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: request.modelPath });
  } catch (error) {
    throw new WorkerError('bad_model', `cannot load ${basename(request.modelPath)}: ${(error as Error).message}`);
  }
  const cores = availableParallelism();
  const chosen = request.threads === null ? await chooseThreads(model, cores) : { threads: request.threads, trials: [] };
  const contextSize = Math.min(request.contextSize, model.trainContextSize);
  const context = await model.createContext({ contextSize, sequences: SEQUENCES, threads: chosen.threads });
  const free = Array.from({ length: SEQUENCES }, () => context.getSequence());
  loaded = { llama, model, context, sessions: [], free, grammars: new Map() };
  return {
    model: basename(request.modelPath),
    architecture: model.fileInfo.metadata.general.architecture ?? 'unknown',
    contextSize: context.contextSize,
    threads: chosen.threads,
    threadTrials: chosen.trials,
    loadMs: Math.round(performance.now() - started),
    gpu: llama.gpu,
  };
}

/** The warm session for this system prompt: the same one as last time when there is one, so its
 *  evaluated tokens are reused; otherwise a free sequence, or the least recently used unpinned one. */
function sessionFor(state: Loaded, system: string, pin: boolean): WarmSession {
  const existing = state.sessions.find((s) => s.system === system);
  if (existing) {
    existing.used = ++clock;
    existing.pinned ||= pin;
    return existing;
  }
  let sequence = state.free.pop();
  if (!sequence) {
    const victims = state.sessions.filter((s) => !s.pinned);
    const victim = (victims.length > 0 ? victims : state.sessions).reduce((a, b) => (b.used < a.used ? b : a));
    state.sessions.splice(state.sessions.indexOf(victim), 1);
    victim.session.dispose({ disposeSequence: false });
    sequence = victim.sequence;
  }
  const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: system, autoDisposeSequence: false });
  const created: WarmSession = { system, session, sequence, history: session.getChatHistory(), pinned: pin, used: ++clock };
  state.sessions.push(created);
  return created;
}

async function grammarFor(state: Loaded, schema: Record<string, unknown>): Promise<LlamaGrammar> {
  const key = JSON.stringify(schema);
  let grammar = state.grammars.get(key);
  if (!grammar) {
    // The schema was built by our own typed code on the host and checked there; the library compiles it.
    grammar = await state.llama.createGrammarForJsonSchema(schema as never);
    state.grammars.set(key, grammar);
  }
  return grammar;
}

async function complete(state: Loaded, message: Extract<HostMessage, { type: 'complete' }>, signal: AbortSignal): Promise<WorkerMessage> {
  const started = performance.now();
  const warm = sessionFor(state, message.system, false);
  const grammar = await grammarFor(state, message.schema);
  // Every request starts from the bare system prompt: the context keeps those tokens, so only the
  // user's turn is evaluated again.
  warm.session.setChatHistory(warm.history);
  // The prompt as the chat template lays it out, counted the way the model will see it.
  const { contextText } = warm.session.chatWrapper.generateContextState({
    chatHistory: [...warm.history, { type: 'user', text: message.user }, { type: 'model', response: [] }],
  });
  const promptTokens = contextText.tokenize(state.model.tokenizer).length;
  const before = warm.sequence.tokenMeter.getState();
  const answer = await warm.session.promptWithMeta(message.user, { grammar, maxTokens: message.maxTokens, signal, temperature: 0 });
  const used = warm.sequence.tokenMeter.diff(before);
  if (answer.stopReason === 'maxTokens') throw new WorkerError('invalid_output', `the answer ran past ${message.maxTokens} tokens`);
  const completionTokens = used.usedOutputTokens;
  return {
    type: 'completed',
    id: message.id,
    text: answer.responseText,
    usage: { promptTokens, evaluatedTokens: Math.min(used.usedInputTokens, promptTokens), completionTokens },
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

async function warmUp(state: Loaded, message: Extract<HostMessage, { type: 'warm' }>): Promise<WorkerMessage> {
  const started = performance.now();
  const warm = sessionFor(state, message.system, true);
  const before = warm.sequence.tokenMeter.getState();
  warm.session.setChatHistory(warm.history);
  await warm.session.preloadPrompt('');
  const used = warm.sequence.tokenMeter.diff(before);
  return {
    type: 'warmed',
    id: message.id,
    usage: { promptTokens: warm.sequence.nextTokenIndex, evaluatedTokens: used.usedInputTokens, completionTokens: 0 },
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

function failure(id: number, error: unknown, signal?: AbortSignal): WorkerMessage {
  if (signal?.aborted) return { type: 'failed', id, error: { code: 'cancelled', message: 'the request was cancelled' } };
  if (error instanceof WorkerError) return { type: 'failed', id, error: { code: error.code, message: error.message } };
  return { type: 'failed', id, error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
}

async function handle(raw: unknown): Promise<void> {
  const parsed = HostMessage.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' ? raw.id : -1;
    send({ type: 'failed', id, error: { code: 'invalid_message', message: parsed.error.issues.map((i) => i.message).join('; ') } });
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'load':
      try {
        send({ type: 'loaded', info: await load(message) });
      } catch (error) {
        const code = error instanceof WorkerError ? error.code : 'bad_model';
        send({ type: 'load_failed', error: { code, message: error instanceof Error ? error.message : String(error) } });
      }
      return;
    case 'cancel':
      running.get(message.id)?.abort(new Error('cancelled'));
      return;
    case 'complete':
    case 'warm': {
      if (!loaded) {
        send({ type: 'failed', id: message.id, error: { code: 'no_model', message: 'no model is loaded' } });
        return;
      }
      const controller = new AbortController();
      running.set(message.id, controller);
      try {
        send(message.type === 'complete' ? await complete(loaded, message, controller.signal) : await warmUp(loaded, message));
      } catch (error) {
        send(failure(message.id, error, controller.signal));
      } finally {
        running.delete(message.id);
      }
      return;
    }
  }
}

process.on('message', (raw: unknown) => {
  void handle(raw);
});
// The host going away (its IPC channel closing) ends the worker: it must never outlive the app.
process.on('disconnect', () => process.exit(0));
