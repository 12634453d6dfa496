// Opens the LLM Kemudi will use: the remote engine when one is configured and answers, else the local
// model (KEMUDI_MODEL, else the best installed one), else none: a normal state in which templates and
// the classifier do all the understanding, and the UI and CLI say how to get a model.
import type { Lang } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { Understanding } from '../core/ports.js';
import type { IntentCatalog } from '../nlu/catalog.js';
import type { CallOptions, LlmEngine } from './engine.js';
import { Generator } from './generation.js';
import { LocalEngine, type EngineEvent } from './local.js';
import { checkGgufHeader, findModel, ManifestError, noModelMessage } from './models.js';
import { RemoteConfigError, remoteEngineFromEnv } from './remote.js';
import { ToolCaller } from './tools.js';

export interface Llm {
  engine: LlmEngine;
  tools: ToolCaller;
  generator: Generator;
  /** One line for logs and `kemudi` diagnostics: which engine and model. */
  describe: string;
}

export interface OpenLlmOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Deadline of a local call when the caller gives none. */
  timeoutMs?: number;
}

/** Threads from KEMUDI_LLM_THREADS when set to a positive integer; otherwise measured. */
function threadsFrom(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.KEMUDI_LLM_THREADS);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function openLlm(catalog: IntentCatalog, env: NodeJS.ProcessEnv = process.env, options: OpenLlmOptions = {}): Promise<Result<Llm>> {
  let engine: LlmEngine | null = null;
  let describe = '';
  try {
    const remote = remoteEngineFromEnv(env);
    // Opt-in, and only while it answers: a car out of reach of its server uses its own model.
    if (remote && (await remote.reachable())) {
      engine = remote;
      describe = `remote ${remote.info().model} at ${env.KEMUDI_LLM_URL ?? ''}`;
    }
  } catch (error) {
    if (!(error instanceof RemoteConfigError)) throw error;
    return err('invalid_message', `${error.setting}: ${error.message}`);
  }
  if (!engine) {
    let found;
    try {
      found = findModel(env);
    } catch (error) {
      if (error instanceof ManifestError) return err('bad_model', error.message);
      throw error;
    }
    if (!found) return err('no_model', noModelMessage(env));
    const header = checkGgufHeader(found.path);
    if (!header.ok) return header;
    const threads = threadsFrom(env);
    engine = new LocalEngine({
      modelPath: found.path,
      ...(threads ? { threads } : {}),
      gpu: env.KEMUDI_LLM_GPU !== '0',
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    describe = `local ${found.id ?? found.path}`;
  }
  return ok({ engine, tools: new ToolCaller(catalog, engine), generator: new Generator(engine), describe });
}

export type LlmStatusListener = (state: 'off' | 'loading' | 'ready' | 'failed', detail: string) => void;

/** The LLM as the running app holds it: opened in the background after start-up (the car is usable
 *  at once on templates), its state reported for the screen, and a fallback for the NLU that simply
 *  answers `no_model` until a model is ready. */
export class LlmService {
  private llm: Llm | null = null;
  private closed = false;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly catalog: IntentCatalog,
    private readonly onStatus: LlmStatusListener = () => undefined,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Opens the engine, loads the model and evaluates the tool prompt; reports each step. Never throws.
   *  A call while one is under way shares it. */
  start(): Promise<void> {
    return (this.starting ??= this.open().finally(() => {
      this.starting = null;
    }));
  }

  /** After a language model was installed while running (the Settings screen's download): opens it when no
   *  engine is open or opening. An engine already open is kept; the new model is used after a restart. */
  startIfIdle(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // One opening now may have looked before the file was there: look again once it ends.
    if (this.starting) return this.starting.then(() => (this.llm || this.closed ? undefined : this.start()));
    return this.llm ? Promise.resolve() : this.start();
  }

  private async open(): Promise<void> {
    const opened = await openLlm(this.catalog, this.env, {
      onEvent: (event) => {
        if (event.type === 'crashed') this.onStatus('loading', `restarting after a crash: ${event.message}`);
        else if (event.type === 'loaded' && this.llm) this.onStatus('ready', this.llm.describe);
        else if (event.type === 'load_failed') this.onStatus('failed', event.error.message);
      },
    });
    if (!opened.ok) {
      this.onStatus(opened.error.code === 'no_model' ? 'off' : 'failed', opened.error.message);
      return;
    }
    if (this.closed) {
      await opened.value.engine.close();
      return;
    }
    this.llm = opened.value;
    this.onStatus('loading', opened.value.describe);
    const warmed = await opened.value.tools.warm();
    if (warmed.ok) this.onStatus('ready', opened.value.describe);
    else this.onStatus('failed', warmed.error.message);
  }

  call(text: string, lang: Lang, options?: CallOptions): Promise<Result<Understanding>> {
    return this.llm ? this.llm.tools.call(text, lang, options) : Promise.resolve(err('no_model', 'no language model is ready'));
  }

  generator(): Generator | null {
    return this.llm?.generator ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.llm?.engine.close();
    this.llm = null;
  }
}
