// Messages between the LLM host (local.ts, in the main process) and its worker process (worker.ts).
// Both sides validate what they receive: a worker is a separate process that can crash or misbehave,
// and a message that breaks the protocol is reported, never trusted.
import { z } from 'zod';
import { ERROR_CODES } from '../../common/result.js';

const ErrorShape = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

// The schema travels as plain JSON; the host built it from typed code, the worker only compiles it.
const JsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]));

export const LoadRequest = z.strictObject({
  type: z.literal('load'),
  modelPath: z.string().min(1),
  /** Tokens of context per sequence; clipped to what the model was trained for. */
  contextSize: z.number().int().min(256).max(131_072),
  /** A fixed thread count, or null to measure and choose. */
  threads: z.number().int().min(1).max(256).nullable(),
  gpu: z.boolean(),
});

export const HostMessage = z.discriminatedUnion('type', [
  LoadRequest,
  z.strictObject({
    type: z.literal('complete'),
    id: z.number().int(),
    system: z.string(),
    user: z.string(),
    schema: z.record(z.string(), JsonValue),
    maxTokens: z.number().int().min(1).max(8192),
  }),
  z.strictObject({ type: z.literal('warm'), id: z.number().int(), system: z.string() }),
  z.strictObject({ type: z.literal('cancel'), id: z.number().int() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

export const ThreadTrial = z.object({ threads: z.number().int(), ms: z.number() });
export type ThreadTrial = z.infer<typeof ThreadTrial>;

export const LoadedInfo = z.object({
  model: z.string(),
  architecture: z.string(),
  contextSize: z.number().int(),
  threads: z.number().int(),
  /** How each candidate thread count did on the probe; empty when the count was given. */
  threadTrials: z.array(ThreadTrial),
  loadMs: z.number(),
  gpu: z.union([z.string(), z.literal(false)]),
});
export type LoadedInfo = z.infer<typeof LoadedInfo>;

export const Usage = z.object({ promptTokens: z.number().int(), evaluatedTokens: z.number().int(), completionTokens: z.number().int() });

export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('loaded'), info: LoadedInfo }),
  z.object({ type: z.literal('load_failed'), error: ErrorShape }),
  z.object({ type: z.literal('completed'), id: z.number().int(), text: z.string(), usage: Usage, ms: z.number() }),
  z.object({ type: z.literal('warmed'), id: z.number().int(), usage: Usage, ms: z.number() }),
  z.object({ type: z.literal('failed'), id: z.number().int(), error: ErrorShape }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
