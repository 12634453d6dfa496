// The remote engine: an opt-in second LlmEngine that asks an OpenAI-compatible server (llama.cpp's
// llama-server or vLLM serving a bigger Qwen on a fleet or home server) instead of the local model.
// It is used only when KEMUDI_LLM_URL is set AND the server answers `reachable()`; otherwise the local
// engine (or the templates alone) carry on, so nothing depends on the network.
//
// It is never used for safety decisions. The policy is local and pure; an engine, local or remote,
// only proposes an intent, which is then validated and checked by the policy like any other. A remote
// answer is untrusted data: the HTTP body is checked with zod, the model's JSON is returned as
// `unknown` for the caller to validate again, and every failure comes back as a Result, never a throw.
//
// The schema is forced with the OpenAI `response_format` both servers accept:
//   { type: 'json_schema', json_schema: { name, strict: true, schema } }
// llama-server turns `json_schema.schema` into a grammar (older builds only when `strict` is true, hence
// `strict: true`); vLLM hands it to its structured-outputs backend (xgrammar / guidance).
import PQueue from 'p-queue';
import * as z from 'zod';
import { err, ok, type ErrorCode, type Result } from '../../common/result.js';
import type { CallOptions, Completion, CompletionRequest, EngineInfo, LlmEngine, Priority } from './engine.js';

export const DEFAULT_REMOTE_MODEL = 'qwen';
export const DEFAULT_REMOTE_TIMEOUT_MS = 8_000;
export const DEFAULT_REMOTE_CONCURRENCY = 2;
export const DEFAULT_REACHABLE_TIMEOUT_MS = 1_500;
export const DEFAULT_REACHABLE_CACHE_MS = 5_000;

/** Queue priorities: the driver's request starts before waiting background work. */
const PRIORITY: Record<Priority, number> = { driver: 1, background: 0 };

export interface RemoteEngineOptions {
  /** http(s) base URL of the server, without `/v1` (a trailing `/v1` is accepted and dropped). */
  baseUrl: string;
  /** The server's model id (vLLM: `--served-model-name`; llama-server ignores it outside router mode). */
  model?: string;
  /** Sent as `Authorization: Bearer …` (llama-server `--api-key`, vLLM `--api-key`). */
  apiKey?: string;
  /** Deadline of a call, queueing included, when the call gives none. */
  timeoutMs?: number;
  /** Requests sent at once; more wait in a queue where driver requests go first. */
  concurrency?: number;
  /** How long a `reachable()` answer is reused. */
  reachableCacheMs?: number;
}

/** A bad remote-engine configuration (KEMUDI_LLM_URL and friends). Thrown at start-up, never later. */
export class RemoteConfigError extends Error {
  override readonly name = 'RemoteConfigError';
  constructor(
    /** The setting at fault, e.g. `KEMUDI_LLM_URL`. */
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The remote engine from the environment, or null when KEMUDI_LLM_URL is unset (or empty).
 * - KEMUDI_LLM_URL: http or https base URL of the server, e.g. `http://10.0.0.5:8080`.
 * - KEMUDI_LLM_MODEL: the server's model id (default `qwen`).
 * - KEMUDI_LLM_API_KEY: optional, sent as a Bearer token.
 *
 * A set but unusable KEMUDI_LLM_URL throws a RemoteConfigError naming the variable and the reason:
 * a configuration mistake is reported once, at start-up, where a person can fix it, rather than
 * silently falling back to the local engine forever. The caller decides whether to stop or carry on
 * without the remote engine. Being configured does not mean being used: see `reachable()`.
 */
export function remoteEngineFromEnv(env: NodeJS.ProcessEnv = process.env): RemoteEngine | null {
  const url = env.KEMUDI_LLM_URL?.trim();
  if (!url) return null;
  const model = env.KEMUDI_LLM_MODEL?.trim() || DEFAULT_REMOTE_MODEL;
  const apiKey = env.KEMUDI_LLM_API_KEY?.trim() || undefined;
  return new RemoteEngine({ baseUrl: parseBaseUrl(url, 'KEMUDI_LLM_URL'), model, ...(apiKey ? { apiKey } : {}) });
}

/** Checks an http(s) base URL and returns it normalized: no trailing slash, no trailing `/v1`. */
export function parseBaseUrl(raw: string, setting = 'baseUrl'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new RemoteConfigError(setting, `${setting} is not a URL: ${JSON.stringify(raw)} (expected e.g. http://192.168.1.20:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RemoteConfigError(setting, `${setting} must be an http:// or https:// URL, not ${url.protocol}// (${JSON.stringify(raw)})`);
  }
  if (url.username || url.password) {
    throw new RemoteConfigError(setting, `${setting} must not carry credentials; put the key in KEMUDI_LLM_API_KEY instead`);
  }
  if (url.search || url.hash) {
    throw new RemoteConfigError(setting, `${setting} must be a base URL without ?query or #fragment (${JSON.stringify(raw)})`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

// ---- What the server sends back (checked, never trusted) ----

const Count = z.number().int().nonnegative();

const ChatCompletionResponse = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string() }) }))
    .min(1),
  usage: z.object({
    prompt_tokens: Count,
    completion_tokens: Count,
    // llama-server always sends it; vLLM sends null unless --enable-prompt-tokens-details.
    prompt_tokens_details: z.object({ cached_tokens: Count.nullish() }).nullish(),
  }),
});

// llama-server and newer vLLM: { error: { message } }; older vLLM: { object: 'error', message }.
const ServerError = z.union([
  z.object({ error: z.union([z.string(), z.object({ message: z.string() })]) }),
  z.object({ message: z.string() }),
]);

type Halt = (code: ErrorCode, message: string) => void;

export class RemoteEngine implements LlmEngine {
  readonly baseUrl: string;
  readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly reachableCacheMs: number;
  private readonly queue: PQueue;
  /** Every call between its start and its end, queued or sent, so close() can stop them. */
  private readonly calls = new Set<Halt>();
  private probe: { at: number; value: boolean } | undefined;
  private probing: Promise<boolean> | undefined;
  private closed = false;

  constructor(options: RemoteEngineOptions) {
    this.baseUrl = parseBaseUrl(options.baseUrl);
    this.model = options.model ?? DEFAULT_REMOTE_MODEL;
    this.apiKey = options.apiKey;
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_REMOTE_TIMEOUT_MS, 'timeoutMs');
    this.reachableCacheMs = options.reachableCacheMs ?? DEFAULT_REACHABLE_CACHE_MS;
    const concurrency = options.concurrency ?? DEFAULT_REMOTE_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RemoteConfigError('concurrency', `concurrency must be a whole number ≥ 1, not ${concurrency}`);
    }
    this.queue = new PQueue({ concurrency });
  }

  info(): EngineInfo {
    return { kind: 'remote', model: this.model };
  }

  /**
   * One schema-constrained completion. The deadline (options.timeoutMs, else the engine's) counts from
   * this call, queueing included; `ms` in the answer counts only the request itself. Never throws.
   */
  async complete(request: CompletionRequest, options: CallOptions = {}): Promise<Result<Completion>> {
    if (this.closed) return err('unavailable', 'the remote LLM engine is closed');
    if (options.signal?.aborted) return err('cancelled', 'the request was cancelled before it started');
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;

    // One controller per call: the caller's signal, the deadline and close() all stop it, and the
    // first to do so names the outcome. Aborting it removes a queued call or aborts the fetch.
    const controller = new AbortController();
    let stopped: { code: ErrorCode; message: string } | undefined;
    const halt: Halt = (code, message) => {
      if (stopped) return;
      stopped = { code, message };
      controller.abort(new Error(message));
    };
    const onAbort = (): void => halt('cancelled', 'the request was cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => halt('timeout', `the remote LLM did not answer within ${timeoutMs} ms`), Math.max(0, timeoutMs));
    this.calls.add(halt);
    try {
      const result = await this.queue.add(() => this.send(request, controller.signal), {
        priority: PRIORITY[options.priority ?? 'driver'],
        signal: controller.signal,
      });
      return stopped ? err(stopped.code, stopped.message) : result;
    } catch (error) {
      // p-queue rejects when the signal aborts (queued or running); anything else is our bug.
      if (stopped) return err(stopped.code, stopped.message);
      return err('internal', `remote LLM engine: ${describe(error)}`);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.calls.delete(halt);
    }
  }

  /**
   * Whether the server answers now: GET /v1/models, or /health where the former does not exist (404).
   * A refused connection, a timeout, a 401 (wrong key) or a 503 (model still loading) is `false`.
   * The answer is reused for `reachableCacheMs`; concurrent callers share one probe. Never throws.
   */
  async reachable(timeoutMs = DEFAULT_REACHABLE_TIMEOUT_MS): Promise<boolean> {
    if (this.closed) return false;
    if (this.probe && Date.now() - this.probe.at < this.reachableCacheMs) return this.probe.value;
    this.probing ??= this.probeServer(timeoutMs)
      .then((value) => {
        this.probe = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        this.probing = undefined;
      });
    return this.probing;
  }

  /** Stops queued and running calls (they answer `cancelled`); later calls answer `unavailable`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const halt of [...this.calls]) halt('cancelled', 'the remote LLM engine was closed');
    this.queue.clear();
  }

  // ---- HTTP ----

  private headers(json: boolean): Record<string, string> {
    return {
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
      ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
    };
  }

  /** The request itself. Returns a Result in every case; an abort shows up as `unavailable` here and
   *  is renamed by complete(), which knows why it aborted. */
  private async send(request: CompletionRequest, signal: AbortSignal): Promise<Result<Completion>> {
    const started = performance.now();
    const body = {
      model: this.model,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      max_tokens: request.maxTokens,
      temperature: 0,
      stream: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: request.schema } },
    };

    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      return err('unavailable', `cannot reach the remote LLM at ${this.baseUrl}: ${networkReason(error)}`);
    }
    try {
      text = await response.text();
    } catch (error) {
      return err('unavailable', `the remote LLM at ${this.baseUrl} broke off its answer: ${networkReason(error)}`);
    }
    if (!response.ok) {
      return err('unavailable', `the remote LLM at ${this.baseUrl} answered HTTP ${response.status}: ${serverMessage(text, response.statusText)}`);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return err('invalid_output', `the remote LLM's answer is not JSON: ${clip(text)}`);
    }
    const parsed = ChatCompletionResponse.safeParse(json);
    if (!parsed.success) {
      return err('invalid_output', `the remote LLM's answer is not a chat completion: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
    }
    const { choices, usage } = parsed.data;
    const content = choices[0]?.message.content ?? '';
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      return err('invalid_output', `the remote model's answer is not JSON: ${clip(content)}`);
    }

    const cached = Math.min(usage.prompt_tokens_details?.cached_tokens ?? 0, usage.prompt_tokens);
    return ok({
      value,
      usage: {
        promptTokens: usage.prompt_tokens,
        evaluatedTokens: usage.prompt_tokens - cached,
        completionTokens: usage.completion_tokens,
      },
      ms: Math.round(performance.now() - started),
    });
  }

  private async probeServer(timeoutMs: number): Promise<boolean> {
    const signal = AbortSignal.timeout(Math.max(1, timeoutMs));
    for (const path of ['/v1/models', '/health']) {
      try {
        const response = await fetch(`${this.baseUrl}${path}`, { headers: this.headers(false), signal });
        await response.arrayBuffer(); // read to the end so the connection is reused, not left dangling
        if (response.ok) return true;
        if (response.status !== 404 && response.status !== 405) return false;
      } catch {
        return false;
      }
    }
    return false;
  }
}

// ---- Helpers ----

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RemoteConfigError(name, `${name} must be a positive number of milliseconds, not ${value}`);
  return value;
}

/** Undici's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, ECONNRESET…). */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return describe(error);
}

function serverMessage(text: string, statusText: string): string {
  try {
    const parsed = ServerError.safeParse(JSON.parse(text));
    if (parsed.success) {
      const data = parsed.data;
      if ('error' in data) return clip(typeof data.error === 'string' ? data.error : data.error.message);
      return clip(data.message);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return clip(text.trim()) || statusText || 'no message';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
