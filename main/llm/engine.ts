// The LLM seen from the rest of Kemudi: one primitive, a schema-constrained completion, behind which
// sit the local engine (node-llama-cpp in its own process) and the opt-in remote one (an
// OpenAI-compatible server). Tool calling and generation (tools.ts, generation.ts) are built on it,
// so they work the same on either engine and never see how the answer was forced.
import type { Result } from '../../common/result.js';

/** The JSON-schema subset both engines can force: node-llama-cpp's grammar and the servers'
 *  `response_format: json_schema`. Numbers' ranges are not forced, so callers check them again. */
export type JsonSchema =
  | { type: 'string'; enum?: readonly string[]; minLength?: number; maxLength?: number; description?: string }
  | { type: 'number' | 'integer' | 'boolean' | 'null'; description?: string }
  | { const: string | number | boolean | null; description?: string }
  | { enum: readonly (string | number | boolean | null)[]; description?: string }
  | { oneOf: readonly JsonSchema[]; description?: string }
  | { type: 'array'; items: JsonSchema; minItems?: number; maxItems?: number; description?: string }
  | {
      type: 'object';
      properties: Readonly<Record<string, JsonSchema>>;
      required?: readonly string[];
      additionalProperties?: false;
      description?: string;
    };

export interface CompletionRequest {
  /** The fixed instructions. Requests that share it share the evaluated prefix (the warm KV cache). */
  system: string;
  /** What this request is about: the driver's sentence, the text to translate. */
  user: string;
  /** The answer's shape; the engine forces it and the caller validates it again. */
  schema: JsonSchema;
  /** Hard cap on generated tokens. */
  maxTokens: number;
}

export interface CompletionUsage {
  /** Tokens of the whole prompt (system + user + chat template). */
  promptTokens: number;
  /** Prompt tokens actually evaluated: fewer than promptTokens when a warm prefix was reused. */
  evaluatedTokens: number;
  /** Tokens generated. */
  completionTokens: number;
}

export interface Completion {
  /** The parsed JSON answer: unknown until the caller validates it. */
  value: unknown;
  usage: CompletionUsage;
  /** Wall time of this call in the engine, queueing excluded. */
  ms: number;
}

/** The driver's own request goes before background work (a thread summary, a warm-up). */
export type Priority = 'driver' | 'background';

export interface CallOptions {
  /** Barge-in and newer requests cancel through this. */
  signal?: AbortSignal;
  /** Deadline for this call, queueing included; the engine's default applies when absent. */
  timeoutMs?: number;
  priority?: Priority;
}

export interface EngineInfo {
  kind: 'local' | 'remote';
  /** The model file's name or the server's model id. */
  model: string;
  /** Threads the local engine settled on (absent for a remote one). */
  threads?: number;
}

export interface LlmEngine {
  /** Errors: no_model, bad_model, timeout, cancelled, crashed, unavailable, invalid_output. Never throws. */
  complete(request: CompletionRequest, options?: CallOptions): Promise<Result<Completion>>;
  /** Loads what is needed for `system` ahead of time, so the driver's first request finds it warm. */
  warm?(system: string): Promise<Result<void>>;
  info(): EngineInfo;
  close(): Promise<void>;
}
