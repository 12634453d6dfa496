// The model registry: which models Kemudi knows (models/manifest.json), where they live
// (<data dir>/models/), which one to use, and a quick check that a file is a GGUF at all.
// Two kinds: language models (GGUF, `kind: "llm"`, the default when an entry has no kind) and speech
// recognition models (Vosk, `kind: "voice"`): published as a .zip, installed as <models>/voice/<id>.tar.gz,
// the form vosk-browser loads in the renderer.
//
//   KEMUDI_MODEL              a path to a GGUF: wins over everything installed
//   KEMUDI_MODELS_MANIFEST    another manifest (tests, a mirror); the real one keeps the official URLs
//
// Sizes and checksums the manifest does not know (null) are recorded on the first verified download
// in <data dir>/models/verified.json and enforced on every later download and `kemudi models verify`.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../common/result.js';
import { dataDir, projectRoot } from '../core/paths.js';

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a sha256) or null');
const FileName = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a plain file name (letters, digits, . _ -), no folders')
  .refine((name) => !name.endsWith('.part'), 'must not end in .part (the downloader uses that suffix)');

const commonFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, . _ - (it is typed on the command line)'),
  name: z.string().min(1),
  publisher: z.string().min(1).optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  file: FileName,
  bytes: z.number().int().positive().nullable(),
  sha256: Sha256.nullable(),
  license: z.string().min(1),
};

const LlmEntrySchema = z.strictObject({
  // Optional in the type too, so code and tests that build an entry by hand need not name it.
  kind: z.literal('llm').optional(),
  ...commonFields,
  parameters: z.string().min(1),
  quantization: z.string().min(1),
  contextLength: z.number().int().positive(),
  minMemoryBytes: z.number().int().positive(),
});

/** The languages a speech recognizer can be installed for (the renderer's RecognizerLang). */
export const VOICE_LANGS = ['en', 'zh', 'id'] as const;
export type VoiceLang = (typeof VOICE_LANGS)[number];

const VoiceEntrySchema = z.strictObject({
  kind: z.literal('voice'),
  ...commonFields,
  lang: z.enum(VOICE_LANGS),
});

// An entry without `kind` is a language model (the manifests before voice models had none). Filled in
// before the discriminated union, so its errors still name the field (`models[2].lang: …`).
const ModelEntrySchema = z.preprocess(
  (value) => (value !== null && typeof value === 'object' && !('kind' in value) ? { ...value, kind: 'llm' } : value),
  z.discriminatedUnion('kind', [LlmEntrySchema, VoiceEntrySchema]),
);

const ManifestSchema = z
  .strictObject({
    schema: z.literal(1),
    notes: z.array(z.string()).optional(),
    default: z.strictObject({
      policy: z.literal('largest-that-fits'),
      /** The share of total memory a model may take; the rest is for the OS, UI, maps and speech. */
      budgetFraction: z.number().gt(0).max(1),
    }),
    models: z.array(ModelEntrySchema).min(1, 'must list at least one model'),
  })
  .superRefine((manifest, ctx) => {
    const seen = { id: new Set<string>(), file: new Set<string>() };
    manifest.models.forEach((model, index) => {
      for (const key of ['id', 'file'] as const) {
        if (seen[key].has(model[key])) ctx.addIssue({ code: 'custom', path: ['models', index, key], message: `"${model[key]}" is listed twice` });
        seen[key].add(model[key]);
      }
    });
  });

export type LlmEntry = z.infer<typeof LlmEntrySchema>;
export type VoiceEntry = z.infer<typeof VoiceEntrySchema>;
export type ModelEntry = LlmEntry | VoiceEntry;
export type ModelKind = 'llm' | 'voice';

export const isVoice = (entry: ModelEntry): entry is VoiceEntry => entry.kind === 'voice';
export const isLlm = (entry: ModelEntry): entry is LlmEntry => entry.kind !== 'voice';
export const kindOf = (entry: ModelEntry): ModelKind => entry.kind ?? 'llm';
export type Manifest = z.infer<typeof ManifestSchema>;

/** A manifest that does not check: a packaging bug or a bad KEMUDI_MODELS_MANIFEST, never a user state. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEMUDI_MODELS_MANIFEST ? resolve(env.KEMUDI_MODELS_MANIFEST) : join(projectRoot(), 'models', 'manifest.json');
}

/** Reads and checks a manifest; the error names the file and the field, e.g. `models[2].sha256: …`. */
export function loadManifest(file: string = manifestPath()): Result<Manifest> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return err('internal', `cannot read the model manifest ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return err('internal', `the model manifest ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const lines = parsed.error.issues.map((issue) => `${file}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  return err('internal', `the model manifest does not check:\n${lines.join('\n')}`);
}

/** loadManifest for callers that cannot go on without one: throws a ManifestError. */
export function requireManifest(env: NodeJS.ProcessEnv = process.env): Manifest {
  const loaded = loadManifest(manifestPath(env));
  if (!loaded.ok) throw new ManifestError(loaded.error.message);
  return loaded.value;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Where downloaded models live: <data dir>/models/. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(dataDir(env), 'models');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The installed file: the GGUF itself, or a voice model's converted archive (voiceArchivePath). */
export function modelPath(entry: ModelEntry, env: NodeJS.ProcessEnv = process.env): string {
  return isVoice(entry) ? voiceArchivePath(entry, env) : downloadPath(entry, env);
}

/** Where the publisher's file is downloaded to (for a voice model: the .zip, removed once converted). */
export function downloadPath(entry: ModelEntry, env: NodeJS.ProcessEnv = process.env): string {
  return join(modelsDir(env), entry.file);
}

/** <models>/voice/<id>.tar.gz: the model folder as vosk-browser loads it. */
export function voiceArchivePath(entry: VoiceEntry, env: NodeJS.ProcessEnv = process.env): string {
  const dir = join(modelsDir(env), 'voice');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${entry.id}.tar.gz`);
}

/** The installed archive of the voice model `id`, or null: unknown id, not a voice model, not installed.
 *  The servers answer `/models/voice/<id>` with this, so nothing but a manifest id ever names a file. */
export function installedVoiceArchive(id: string, manifest: Manifest, env: NodeJS.ProcessEnv = process.env): string | null {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry || !isVoice(entry)) return null;
  const path = voiceArchivePath(entry, env);
  return existsSync(path) ? path : null;
}

/** Whether the model's file is in place. The downloader renames a file there only once it verified it. */
export function isInstalled(entry: ModelEntry, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(modelPath(entry, env));
}

/** installedVoiceArchive over the manifest as it is now (a pull while the simulator runs is seen at once);
 *  a manifest that does not check serves nothing. */
export function voiceModelFiles(env: NodeJS.ProcessEnv = process.env): (id: string) => string | null {
  return (id) => {
    const loaded = loadManifest(manifestPath(env));
    return loaded.ok ? installedVoiceArchive(id, loaded.value, env) : null;
  };
}

/** The speech-recognition models installed now, by id and language (the `voice` event's list); none when the
 *  manifest does not check. */
export function installedVoiceModels(env: NodeJS.ProcessEnv = process.env): { id: string; lang: VoiceLang }[] {
  const loaded = loadManifest(manifestPath(env));
  if (!loaded.ok) return [];
  return loaded.value.models.filter(isVoice).flatMap((entry) => (installedVoiceArchive(entry.id, loaded.value, env) ? [{ id: entry.id, lang: entry.lang }] : []));
}

export function installedModels(manifest: Manifest, env?: NodeJS.ProcessEnv): ModelEntry[];
export function installedModels(manifest: Manifest, env: NodeJS.ProcessEnv | undefined, kind: 'llm'): LlmEntry[];
export function installedModels(manifest: Manifest, env: NodeJS.ProcessEnv | undefined, kind: 'voice'): VoiceEntry[];
export function installedModels(manifest: Manifest = requireManifest(), env: NodeJS.ProcessEnv = process.env, kind?: ModelKind): ModelEntry[] {
  return manifest.models.filter((entry) => (kind === undefined || kindOf(entry) === kind) && isInstalled(entry, env));
}

export function findEntry(manifest: Manifest, id: string): ModelEntry | undefined {
  return manifest.models.find((entry) => entry.id === id);
}

/** The default policy over `candidates` (all manifest entries unless given; voice models never count): the
 *  largest language model whose minimum memory fits the budget (a share of total memory), else the smallest.
 *  Null only for no candidates. */
export function chooseDefault(totalMemBytes: number, manifest: Manifest = requireManifest(), candidates: readonly ModelEntry[] = manifest.models): LlmEntry | null {
  const bySize = candidates.filter(isLlm).sort((a, b) => a.minMemoryBytes - b.minMemoryBytes || (a.bytes ?? 0) - (b.bytes ?? 0));
  const budget = totalMemBytes * manifest.default.budgetFraction;
  const fitting = bySize.filter((entry) => entry.minMemoryBytes <= budget);
  return fitting.at(-1) ?? bySize[0] ?? null;
}

export interface FoundModel {
  path: string;
  /** The manifest entry, when the file is one of ours (by file name for KEMUDI_MODEL). */
  id: string | null;
  source: 'env' | 'installed';
}

/** The model to load: KEMUDI_MODEL (a path to a GGUF) wins, else the best installed model by the default
 *  policy, else null (a normal state: templates still work; see noModelMessage()).
 *  Throws a ManifestError only when the manifest itself does not check. */
export function findModel(env: NodeJS.ProcessEnv = process.env): FoundModel | null {
  if (env.KEMUDI_MODEL) {
    const path = resolve(env.KEMUDI_MODEL);
    const loaded = loadManifest(manifestPath(env));
    const entry = loaded.ok ? loaded.value.models.find((m) => isLlm(m) && m.file === basename(path)) : undefined;
    return { path, id: entry?.id ?? null, source: 'env' };
  }
  const manifest = requireManifest(env);
  const best = chooseDefault(totalmem(), manifest, installedModels(manifest, env, 'llm'));
  return best ? { path: modelPath(best, env), id: best.id, source: 'installed' } : null;
}

/** The manifest model this machine should pull (by memory), or null when the manifest cannot be read. */
export function suggestedModel(env: NodeJS.ProcessEnv = process.env): string | null {
  const loaded = loadManifest(manifestPath(env));
  return loaded.ok ? (chooseDefault(totalmem(), loaded.value)?.id ?? null) : null;
}

/** What to tell someone who has no model: the command that gets the default one for this machine. */
export function noModelMessage(env: NodeJS.ProcessEnv = process.env): string {
  const loaded = loadManifest(manifestPath(env));
  const suggestion = loaded.ok ? chooseDefault(totalmem(), loaded.value) : null;
  const how = suggestion ? `run \`kemudi models pull ${suggestion.id}\` (or set KEMUDI_MODEL=/path/to/model.gguf)` : 'set KEMUDI_MODEL=/path/to/model.gguf';
  return `no language model is installed: ${how}; templates still work without one`;
}

// ---------------------------------------------------------------------------------------------
// verified.json: the size and sha256 of files whose manifest entry did not know them, recorded on
// the first verified download (trust on first use) and checked on every download after it.

const VerifiedRecord = z.strictObject({
  file: FileName,
  url: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
  verifiedAt: z.string(),
});
export type VerifiedRecord = z.infer<typeof VerifiedRecord>;
const VerifiedFile = z.strictObject({ schema: z.literal(1), models: z.record(z.string(), VerifiedRecord) });

export function verifiedFile(dir: string): string {
  return join(dir, 'verified.json');
}

/** The records in `dir`/verified.json by model id; a missing file is an empty record. */
export function readVerified(dir: string): Result<Record<string, VerifiedRecord>> {
  const file = verifiedFile(dir);
  if (!existsSync(file)) return ok({});
  try {
    const parsed = VerifiedFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return ok(parsed.data.models);
    const first = parsed.error.issues[0];
    return err('internal', `${file} does not check: ${first ? `${formatPath(first.path) || '(top level)'}: ${first.message}` : 'unknown'}; delete it to record sizes and checksums anew`);
  } catch (error) {
    return err('internal', `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Adds or replaces one record, atomically (temp file + rename). */
export function recordVerified(dir: string, id: string, record: VerifiedRecord): Result<void> {
  const current = readVerified(dir);
  if (!current.ok) return current;
  const file = verifiedFile(dir);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify({ schema: 1, models: { ...current.value, [id]: record } }, null, 2)}\n`);
    renameSync(temp, file);
    return ok(undefined);
  } catch (error) {
    return err('internal', `cannot write ${file}: ${(error as Error).message}`);
  }
}

/** What a download of `entry` must match: the manifest's values, else the recorded ones, else nothing yet. */
export function expectedFor(entry: ModelEntry, records: Record<string, VerifiedRecord>): { bytes: number | null; sha256: string | null; source: 'manifest' | 'recorded' | 'none' } {
  const record = records[entry.id];
  const recorded = record && record.file === entry.file ? record : undefined;
  if (entry.sha256 !== null) return { bytes: entry.bytes ?? recorded?.bytes ?? null, sha256: entry.sha256, source: 'manifest' };
  if (recorded) return { bytes: entry.bytes ?? recorded.bytes, sha256: recorded.sha256, source: 'recorded' };
  return { bytes: entry.bytes, sha256: null, source: 'none' };
}

// ---------------------------------------------------------------------------------------------
// A quick GGUF check: the magic bytes, a version llama.cpp reads and plausible counts. It reads 24
// bytes, so the engine can run it before every load; `kemudi models verify` adds the full checksum.

export interface GgufHeader {
  version: number;
  tensorCount: number;
  metadataCount: number;
  bytes: number;
}

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const HEADER_BYTES = 24; // magic, uint32 version, uint64 tensor count, uint64 metadata key/value count

export function checkGgufHeader(path: string): Result<GgufHeader> {
  let bytes: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return err('bad_model', `${path} is not a file`);
    bytes = stat.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? err('no_model', `no model file at ${path}`) : err('bad_model', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes < HEADER_BYTES) return err('bad_model', `${path} is ${bytes} bytes: too short to be a GGUF model (truncated?)`);
  const header = Buffer.alloc(HEADER_BYTES);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, header, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return err('bad_model', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (header.readUInt32LE(0) !== GGUF_MAGIC) return err('bad_model', `${path} is not a GGUF model (its first bytes are not "GGUF")`);
  const version = header.readUInt32LE(4);
  if (version !== 2 && version !== 3) return err('bad_model', `${path} is GGUF version ${version}; only versions 2 and 3 can be loaded`);
  const tensorCount = header.readBigUInt64LE(8);
  const metadataCount = header.readBigUInt64LE(16);
  // Every tensor needs at least a name, its dimensions, a type and an offset in the file.
  if (tensorCount === 0n || tensorCount > BigInt(Math.floor(bytes / 32))) return err('bad_model', `${path} claims ${tensorCount} tensors in ${bytes} bytes: corrupt or truncated`);
  if (metadataCount > BigInt(Math.floor(bytes / 8))) return err('bad_model', `${path} claims ${metadataCount} metadata entries in ${bytes} bytes: corrupt or truncated`);
  return ok({ version, tensorCount: Number(tensorCount), metadataCount: Number(metadataCount), bytes });
}
