// The model registry (manifest, default policy, findModel, the GGUF header check) and `kemudi models`
// through the real binary, with KEMUDI_DATA_DIR in a temp dir and a test manifest (KEMUDI_MODELS_MANIFEST)
// whose URLs point at a local HTTP server.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGgufHeader, chooseDefault, findModel, isLlm, loadManifest, manifestPath, noModelMessage, type Manifest } from '../../main/llm/models.js';
import { exitCode, spawnKemudi } from '../support/cli.js';
import { fakeGguf, FileServer } from './file-server.js';

const GiB = 1024 ** 3;
const root = mkdtempSync(join(tmpdir(), 'kemudi-models-'));
const server = new FileServer();
const small = fakeGguf(2 * 1024 * 1024 + 333);
const large = fakeGguf(1024 * 1024 + 77);

function manifestWith(models: unknown[]): unknown {
  return { schema: 1, default: { policy: 'largest-that-fits', budgetFraction: 0.5 }, models };
}

const entry = (id: string, path: string, data: { data: Buffer; sha256: string } | null, minMemoryBytes: number, known = true) => ({
  id,
  name: `Test ${id}`,
  url: server.url(path),
  file: `${id}.gguf`,
  bytes: known && data ? data.data.byteLength : null,
  sha256: known && data ? data.sha256 : null,
  license: 'Apache-2.0',
  parameters: '0.0B',
  quantization: 'F32',
  contextLength: 512,
  minMemoryBytes,
});

let manifestFile: string;
let testManifest: Manifest;

beforeAll(async () => {
  await server.start();
  server.routes.set('/small.gguf', { data: small.data });
  server.routes.set('/resolve/large.gguf', { redirect: '/cdn/large.gguf' });
  server.routes.set('/cdn/large.gguf', { data: large.data });
  manifestFile = join(root, 'manifest.json');
  writeFileSync(
    manifestFile,
    JSON.stringify(
      manifestWith([
        entry('tiny-small', '/small.gguf', small, 1 * GiB),
        entry('tiny-large', '/resolve/large.gguf', large, 2 * GiB, false),
        entry('tiny-missing', '/missing.gguf', null, 3 * GiB, false),
      ]),
    ),
  );
  const loaded = loadManifest(manifestFile);
  if (!loaded.ok) throw new Error(loaded.error.message);
  testManifest = loaded.value;
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
}

/** Runs `kemudi` without blocking this process: the test server answers in it. */
async function kemudi(args: string[], dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawnKemudi(args, { KEMUDI_DATA_DIR: dataDir, KEMUDI_MODELS_MANIFEST: manifestFile, KEMUDI_MODEL: '', ...env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end();
  const code = await exitCode(child);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout, stderr, lines: stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const newDataDir = (name: string): string => {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('the manifest', () => {
  it('ships the real Qwen GGUFs from their official repositories, and checks', () => {
    const loaded = loadManifest(manifestPath({}));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    // The voice models (kind "voice") are checked in tests/llm/voice-models.test.ts.
    const llms = loaded.value.models.filter(isLlm);
    for (const model of llms) {
      expect(model.url).toMatch(/^https:\/\/huggingface\.co\/(Qwen|ggml-org)\/[^/]+-GGUF\/resolve\/main\//);
      expect(model.url.endsWith(`/${model.file}`)).toBe(true);
    }
    expect(llms.map((m) => m.id)).toEqual(['qwen2.5-0.5b-instruct-q4_k_m', 'qwen2.5-1.5b-instruct-q4_k_m', 'qwen3-0.6b-q8_0', 'qwen3-1.7b-q4_k_m']);
  });

  it('names the file and the field when it does not check', () => {
    const bad = join(root, 'bad-manifest.json');
    const models = [entry('ok', '/small.gguf', small, GiB), { ...entry('broken', '/x', small, GiB), sha256: 'not-a-sha', file: '../escape.gguf' }];
    writeFileSync(bad, JSON.stringify(manifestWith(models)));
    const loaded = loadManifest(bad);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.message).toContain(`${bad}: models[1].sha256: must be 64 lowercase hex digits`);
    expect(loaded.error.message).toContain(`${bad}: models[1].file: must be a plain file name`);

    writeFileSync(bad, JSON.stringify(manifestWith([entry('twice', '/a', small, GiB), entry('twice', '/b', small, GiB)])));
    const twice = loadManifest(bad);
    expect(twice.ok || twice.error.message).toContain('models[1].id: "twice" is listed twice');
    writeFileSync(bad, '{ not json');
    const notJson = loadManifest(bad);
    expect(notJson.ok || notJson.error.message).toContain('is not JSON');
  });

  it('chooses the largest model that fits half the memory, else the smallest', () => {
    const id = (mem: number): string | undefined => chooseDefault(mem, testManifest)?.id;
    expect(id(16 * GiB)).toBe('tiny-missing');
    expect(id(5 * GiB)).toBe('tiny-large');
    expect(id(2 * GiB)).toBe('tiny-small');
    expect(id(1 * GiB)).toBe('tiny-small');
    const real = loadManifest(manifestPath({}));
    if (!real.ok) throw new Error(real.error.message);
    expect(chooseDefault(2 * GiB, real.value)?.id).toBe('qwen2.5-0.5b-instruct-q4_k_m');
    expect(chooseDefault(4 * GiB, real.value)?.id).toBe('qwen2.5-1.5b-instruct-q4_k_m');
    expect(chooseDefault(8 * GiB, real.value)?.id).toBe('qwen3-1.7b-q4_k_m');
    expect(chooseDefault(0.5 * GiB, real.value)?.id).toBe('qwen2.5-0.5b-instruct-q4_k_m');
  });
});

describe('findModel and the GGUF header check', () => {
  it('prefers KEMUDI_MODEL, else the best installed model, else nothing', () => {
    const dataDir = newDataDir('find');
    const env = { KEMUDI_DATA_DIR: dataDir, KEMUDI_MODELS_MANIFEST: manifestFile };
    expect(findModel(env)).toBeNull();
    expect(noModelMessage(env)).toContain(`kemudi models pull ${chooseDefault(totalmem(), testManifest)?.id}`);
    mkdirSync(join(dataDir, 'models'), { recursive: true });
    writeFileSync(join(dataDir, 'models', 'tiny-small.gguf'), small.data);
    expect(findModel(env)).toEqual({ path: join(dataDir, 'models', 'tiny-small.gguf'), id: 'tiny-small', source: 'installed' });
    writeFileSync(join(dataDir, 'models', 'tiny-large.gguf'), large.data);
    // Both installed: the default policy over the installed ones (this machine's memory decides).
    const best = chooseDefault(totalmem(), testManifest, testManifest.models.filter((m) => m.id !== 'tiny-missing'));
    expect(findModel(env)?.id).toBe(best?.id);
    const own = join(root, 'my-model.gguf');
    expect(findModel({ ...env, KEMUDI_MODEL: own })).toEqual({ path: own, id: null, source: 'env' });
    expect(findModel({ ...env, KEMUDI_MODEL: join(root, 'tiny-small.gguf') })?.id).toBe('tiny-small');
  });

  it('accepts a GGUF header and names what is wrong with a corrupt or missing file', () => {
    const good = join(root, 'good.gguf');
    writeFileSync(good, small.data);
    expect(checkGgufHeader(good)).toEqual({ ok: true, value: { version: 3, tensorCount: 1, metadataCount: 0, bytes: small.data.byteLength } });
    const bad = (name: string, bytes: Buffer): { code: string; message: string } => {
      const path = join(root, name);
      writeFileSync(path, bytes);
      const result = checkGgufHeader(path);
      if (result.ok) throw new Error(`${name} passed`);
      return result.error;
    };
    expect(bad('html.gguf', Buffer.from('<html>'.repeat(100)))).toMatchObject({ code: 'bad_model', message: expect.stringContaining('not a GGUF') as unknown });
    const v1 = Buffer.from(small.data);
    v1.writeUInt32LE(1, 4);
    expect(bad('v1.gguf', v1).message).toContain('version 1');
    expect(bad('short.gguf', small.data.subarray(0, 10)).message).toContain('too short');
    const lying = Buffer.from(small.data.subarray(0, 4096));
    lying.writeBigUInt64LE(10n ** 9n, 8);
    expect(bad('lying.gguf', lying).message).toContain('corrupt or truncated');
    expect(checkGgufHeader(join(root, 'absent.gguf'))).toMatchObject({ ok: false, error: { code: 'no_model' } });
  });
});

describe('kemudi models', () => {
  it('lists the manifest, none installed, and says how to get the default', async () => {
    const dataDir = newDataDir('empty');
    const run = await kemudi(['models', 'list'], dataDir);
    expect(run.code).toBe(0);
    const suggested = chooseDefault(totalmem(), testManifest)?.id;
    expect(run.lines.map((l) => [l.id, l.installed, l.default])).toEqual(testManifest.models.map((m) => [m.id, false, m.id === suggested]));
    expect(run.lines[0]).toMatchObject({ bytes: small.data.byteLength, active: false, license: 'Apache-2.0', quantization: 'F32' });
    expect(run.lines[1]).toMatchObject({ bytes: null });
    expect(run.stderr).toContain(`kemudi models pull ${suggested}`);
  });

  it('pulls, lists, verifies and removes a model', async () => {
    const dataDir = newDataDir('lifecycle');
    const pulled = await kemudi(['models', 'pull', 'tiny-small'], dataDir);
    expect(pulled.stderr).toMatch(/tiny-small .*100\.0%/);
    expect(pulled.code).toBe(0);
    const path = join(dataDir, 'models', 'tiny-small.gguf');
    expect(pulled.lines).toEqual([{ id: 'tiny-small', path, bytes: small.data.byteLength, sha256: small.sha256, resumedFrom: 0, checkedAgainst: 'manifest', downloaded: true }]);
    expect(readFileSync(path).equals(small.data)).toBe(true);

    const again = await kemudi(['models', 'pull', 'tiny-small'], dataDir);
    expect(again.code).toBe(0);
    expect(again.lines).toEqual([{ id: 'tiny-small', path, bytes: small.data.byteLength, downloaded: false }]);

    const listed = await kemudi(['models', 'list'], dataDir);
    expect(listed.lines[0]).toMatchObject({ id: 'tiny-small', installed: true, active: true, path });
    expect(listed.lines[1]).toMatchObject({ id: 'tiny-large', installed: false, active: false });
    expect(listed.stderr).toBe('');

    const verified = await kemudi(['models', 'verify'], dataDir);
    expect(verified.code).toBe(0);
    expect(verified.lines).toEqual([{ id: 'tiny-small', path, ok: true, bytes: small.data.byteLength, sha256: small.sha256, checkedAgainst: 'manifest' }]);

    const corrupt = Buffer.from(small.data);
    corrupt[100_000] = (corrupt[100_000] ?? 0) ^ 0x01;
    writeFileSync(path, corrupt);
    const failed = await kemudi(['models', 'verify', 'tiny-small'], dataDir);
    expect(failed.code).toBe(1);
    expect(failed.lines[0]).toMatchObject({ id: 'tiny-small', ok: false, error: { code: 'checksum_mismatch' } });

    const removed = await kemudi(['models', 'remove', 'tiny-small'], dataDir);
    expect(removed.code).toBe(0);
    expect(removed.lines).toEqual([{ id: 'tiny-small', path, removed: true }]);
    expect(existsSync(path)).toBe(false);
    const gone = await kemudi(['models', 'remove', 'tiny-small'], dataDir);
    expect(gone.lines).toEqual([{ id: 'tiny-small', path, removed: false }]);
    const notInstalled = await kemudi(['models', 'verify', 'tiny-small'], dataDir);
    expect(notInstalled.code).toBe(1);
    expect(notInstalled.lines[0]).toMatchObject({ ok: false, error: { code: 'not_installed' } });
  });

  it('resumes a pull that was cut off, asking only for the rest', async () => {
    const dataDir = newDataDir('resume');
    server.routes.set('/small.gguf', { data: small.data, cutAfter: 700_000, cutTimes: 1 });
    const hitsBefore = server.hits.length;
    const first = await kemudi(['models', 'pull', 'tiny-small'], dataDir);
    expect(first.code).toBe(1);
    expect(first.lines).toEqual([{ id: 'tiny-small', error: { code: 'no_network', message: expect.stringContaining('run it again to resume') as unknown } }]);
    const part = join(dataDir, 'models', 'tiny-small.gguf.part');
    const kept = readFileSync(part).byteLength;
    expect(kept).toBeGreaterThan(0);
    expect(existsSync(join(dataDir, 'models', 'tiny-small.gguf'))).toBe(false);

    const second = await kemudi(['models', 'pull', 'tiny-small'], dataDir);
    expect(second.code).toBe(0);
    expect(second.lines[0]).toMatchObject({ id: 'tiny-small', bytes: small.data.byteLength, sha256: small.sha256, resumedFrom: kept });
    expect(second.stderr).toContain(`resumed at`);
    const hits = server.hits.slice(hitsBefore);
    expect(hits).toEqual([
      { path: '/small.gguf', range: undefined, status: 200, sent: 700_000 },
      { path: '/small.gguf', range: `bytes=${kept}-`, status: 206, sent: small.data.byteLength - kept },
    ]);
    expect(existsSync(part)).toBe(false);
    server.routes.set('/small.gguf', { data: small.data });
  });

  it('records the size and sha256 of a model the manifest does not describe, through a redirect', async () => {
    const dataDir = newDataDir('tofu');
    const pulled = await kemudi(['models', 'pull', 'tiny-large'], dataDir);
    expect(pulled.code).toBe(0);
    expect(pulled.lines[0]).toMatchObject({ id: 'tiny-large', bytes: large.data.byteLength, sha256: large.sha256, checkedAgainst: 'first-download' });
    const records = JSON.parse(readFileSync(join(dataDir, 'models', 'verified.json'), 'utf8')) as { models: Record<string, { sha256: string }> };
    expect(records.models['tiny-large']?.sha256).toBe(large.sha256);
    const verified = await kemudi(['models', 'verify', 'tiny-large'], dataDir);
    expect(verified.lines[0]).toMatchObject({ ok: true, checkedAgainst: 'recorded' });
    const listed = await kemudi(['models', 'list'], dataDir);
    expect(listed.lines[1]).toMatchObject({ id: 'tiny-large', bytes: large.data.byteLength, installed: true });
  });

  it('exits 1 with a JSON error for a server error, 2 for an unknown id or a wrong call', async () => {
    const dataDir = newDataDir('errors');
    const missing = await kemudi(['models', 'pull', 'tiny-missing'], dataDir);
    expect(missing.code).toBe(1);
    expect(missing.lines).toEqual([{ id: 'tiny-missing', error: { code: 'http_error', message: expect.stringContaining('HTTP 404') as unknown } }]);

    const unknown = await kemudi(['models', 'pull', 'gpt-9'], dataDir);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('unknown model "gpt-9"; the known ones are tiny-small, tiny-large, tiny-missing');

    for (const args of [['models'], ['models', 'pull'], ['models', 'fetch', 'tiny-small'], ['models', 'list', 'extra'], ['models', 'verify', 'a', 'b']]) {
      const run = await kemudi(args, dataDir);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('usage: kemudi');
    }
  });

  it('exits 1 naming the field when the manifest does not check', async () => {
    const bad = join(root, 'cli-bad-manifest.json');
    writeFileSync(bad, JSON.stringify(manifestWith([{ ...entry('x', '/x', small, GiB), contextLength: -1 }])));
    const run = await kemudi(['models', 'list'], newDataDir('bad'), { KEMUDI_MODELS_MANIFEST: bad });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}: models[0].contextLength:`);
  });
});
