// Vosk speech recognition models in the registry (models/manifest.json, kind "voice"): the schema, the
// conversion of the published .zip into the .tar.gz vosk-browser loads (on zips built here), `kemudi models`
// pulling, listing, verifying and removing one from a local HTTP server, and the simulator's route that serves
// an installed one to the renderer by manifest id (`/models/voice/<id>.tar.gz?token=…`).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { chooseDefault, findModel, installedModels, installedVoiceArchive, isVoice, loadManifest, manifestPath, voiceArchivePath, type Manifest, type VoiceEntry } from '../../main/llm/models.js';
import { checkVoskArchive, zipToVoskArchive } from '../../main/llm/voice-archive.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { exitCode, spawnKemudi } from '../support/cli.js';
import { FileServer, makeZip, sha256 } from './file-server.js';

const GiB = 1024 ** 3;
const root = mkdtempSync(join(tmpdir(), 'kemudi-voice-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A model folder as small as it gets: the files the check looks for, and one more. */
const modelZip = (top = 'vosk-model-tiny-0.1/') =>
  makeZip({ [top]: '', [`${top}am/`]: '', [`${top}am/final.mdl`]: 'acoustic model '.repeat(200), [`${top}conf/mfcc.conf`]: '--use-energy=false\n', [`${top}graph/words.txt`]: 'hey 1\ncome 2\nmoody 3\n' });

async function tarNames(path: string): Promise<string[]> {
  const names: string[] = [];
  await listTar({ file: path, onReadEntry: (entry) => names.push(entry.path) });
  return names.sort();
}

function realManifest(): Manifest {
  const loaded = loadManifest(manifestPath({}));
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

describe('the manifest: language and voice models', () => {
  it('lists the official Vosk models as voice models, with no invented sizes or checksums', () => {
    const voice = realManifest().models.filter(isVoice);
    expect(voice.map((m) => [m.id, m.lang])).toEqual([
      ['vosk-model-small-en-us-0.15', 'en'],
      ['vosk-model-small-cn-0.22', 'zh'],
    ]);
    for (const model of voice) {
      expect(model.url).toBe(`https://alphacephei.com/vosk/models/${model.id}.zip`);
      expect(model.file).toBe(`${model.id}.zip`);
      expect(model.bytes).toBeNull();
      expect(model.sha256).toBeNull();
    }
    // No Indonesian Vosk model exists.
    expect(voice.some((m) => m.lang === 'id')).toBe(false);
  });

  it('reads an entry without kind as a language model, and rejects a voice entry with LLM fields, no lang or an unknown kind', () => {
    const llm = { id: 'a', name: 'A', url: 'https://example.com/a.gguf', file: 'a.gguf', bytes: null, sha256: null, license: 'MIT', parameters: '1B', quantization: 'Q4', contextLength: 512, minMemoryBytes: GiB };
    const voice = { kind: 'voice', id: 'v', name: 'V', url: 'https://example.com/v.zip', file: 'v.zip', bytes: null, sha256: null, license: 'Apache-2.0', lang: 'en' };
    let n = 0;
    const write = (models: unknown[]): string => {
      const file = join(root, `manifest-${++n}.json`);
      writeFileSync(file, JSON.stringify({ schema: 1, default: { policy: 'largest-that-fits', budgetFraction: 0.5 }, models }));
      return file;
    };
    const good = loadManifest(write([llm, voice, { ...llm, id: 'b', file: 'b.gguf', kind: 'llm' }]));
    expect(good.ok && good.value.models.map((m) => m.kind)).toEqual(['llm', 'voice', 'llm']);

    const withLlmFields = loadManifest(write([llm, { ...voice, minMemoryBytes: GiB }]));
    expect(withLlmFields.ok || withLlmFields.error.message).toContain('models[1]');
    const { lang: _lang, ...noLang } = voice;
    const missingLang = loadManifest(write([noLang]));
    expect(missingLang.ok || missingLang.error.message).toContain('models[0].lang');
    expect(loadManifest(write([{ ...voice, lang: 'fr' }])).ok).toBe(false);
    expect(loadManifest(write([{ ...voice, kind: 'tts' }])).ok).toBe(false);
  });

  it('never picks a voice model as the default or the active language model', () => {
    const manifest = realManifest();
    for (const mem of [0.25 * GiB, 2 * GiB, 64 * GiB]) expect(chooseDefault(mem, manifest)?.kind).toBe('llm');
    expect(chooseDefault(64 * GiB, manifest, manifest.models.filter(isVoice))).toBeNull();
    const env = { KEMUDI_DATA_DIR: join(root, 'voice-only') };
    const en = manifest.models.filter(isVoice).find((m) => m.lang === 'en')!;
    writeFileSync(voiceArchivePath(en, env), 'x');
    expect(installedModels(manifest, env).map((m) => m.id)).toEqual([en.id]);
    expect(installedModels(manifest, env, 'llm')).toEqual([]);
    expect(installedModels(manifest, env, 'voice').map((m) => m.id)).toEqual([en.id]);
    expect(findModel({ ...env, KEMUDI_MODELS_MANIFEST: manifestPath({}) })).toBeNull();
    expect(installedVoiceArchive(en.id, manifest, env)).toBe(voiceArchivePath(en, env));
    // By manifest id only: not installed, an LLM's id, an unknown id, a path.
    expect(installedVoiceArchive('vosk-model-small-cn-0.22', manifest, env)).toBeNull();
    expect(installedVoiceArchive(manifest.models[0]!.id, manifest, env)).toBeNull();
    expect(installedVoiceArchive('../voice/vosk-model-small-en-us-0.15', manifest, env)).toBeNull();
  });
});

describe('the .zip → .tar.gz conversion', () => {
  it('keeps the model folder as the one top-level folder (vosk-browser strips it)', async () => {
    const zip = join(root, 'model.zip');
    writeFileSync(zip, modelZip());
    const dest = join(root, 'model.tar.gz');
    expect(await zipToVoskArchive(zip, dest, 'vosk-model-tiny-0.1')).toMatchObject({ ok: true });
    expect(await tarNames(dest)).toEqual([
      'vosk-model-tiny-0.1/',
      'vosk-model-tiny-0.1/am/',
      'vosk-model-tiny-0.1/am/final.mdl',
      'vosk-model-tiny-0.1/conf/',
      'vosk-model-tiny-0.1/conf/mfcc.conf',
      'vosk-model-tiny-0.1/graph/',
      'vosk-model-tiny-0.1/graph/words.txt',
    ]);
    expect(await checkVoskArchive(dest)).toEqual({ ok: true, value: { files: 7 } });
    // No scratch folder or temp file is left behind.
    expect(existsSync(join(root, '.vosk-model-tiny-0.1.unpack-' + process.pid))).toBe(false);
  });

  it('wraps a zip without one top-level folder in a folder named after the model', async () => {
    const zip = join(root, 'flat.zip');
    writeFileSync(zip, makeZip({ 'am/final.mdl': 'm', 'conf/mfcc.conf': 'c' }));
    const dest = join(root, 'flat.tar.gz');
    expect(await zipToVoskArchive(zip, dest, 'flat-model')).toMatchObject({ ok: true });
    expect((await tarNames(dest)).filter((n) => !n.endsWith('/'))).toEqual(['flat-model/am/final.mdl', 'flat-model/conf/mfcc.conf']);
  });

  it('refuses what is no zip, a zip that is no Vosk model, and names that climb out of the folder', async () => {
    const cases: Record<string, Buffer> = {
      'html.zip': Buffer.from('<html>not found</html>'),
      'other.zip': makeZip({ 'readme.txt': 'hello' }),
      'slip.zip': makeZip({ '../evil/am/final.mdl': 'x', 'conf/mfcc.conf': 'c' }),
    };
    for (const [name, data] of Object.entries(cases)) {
      const zip = join(root, name);
      writeFileSync(zip, data);
      const dest = join(root, `${name}.tar.gz`);
      const result = await zipToVoskArchive(zip, dest, 'bad');
      expect(result, name).toMatchObject({ ok: false, error: { code: 'bad_model' } });
      expect(existsSync(dest), name).toBe(false);
    }
    expect(existsSync(join(root, '..', 'evil'))).toBe(false);
    writeFileSync(join(root, 'plain.tar.gz'), 'garbage');
    expect(await checkVoskArchive(join(root, 'plain.tar.gz'))).toMatchObject({ ok: false, error: { code: 'bad_model' } });
  });
});

describe('kemudi models with a voice model', () => {
  const server = new FileServer();
  const zip = modelZip('vosk-model-test-en-0.1/');
  let manifestFile: string;

  beforeAll(async () => {
    await server.start();
    server.routes.set('/vosk/vosk-model-test-en-0.1.zip', { data: zip });
    server.routes.set('/vosk/broken.zip', { data: Buffer.from('not a zip at all') });
    manifestFile = join(root, 'cli-manifest.json');
    const voice = (id: string, path: string): VoiceEntry => ({ kind: 'voice', id, name: `Test ${id}`, url: server.url(path), file: `${id}.zip`, bytes: null, sha256: null, license: 'Apache-2.0', lang: 'en' });
    writeFileSync(
      manifestFile,
      JSON.stringify({
        schema: 1,
        default: { policy: 'largest-that-fits', budgetFraction: 0.5 },
        models: [
          { id: 'tiny-llm', name: 'Tiny', url: server.url('/none.gguf'), file: 'tiny.gguf', bytes: null, sha256: null, license: 'MIT', parameters: '0B', quantization: 'F32', contextLength: 512, minMemoryBytes: GiB },
          voice('vosk-model-test-en-0.1', '/vosk/vosk-model-test-en-0.1.zip'),
          voice('vosk-broken', '/vosk/broken.zip'),
        ],
      }),
    );
  });
  afterAll(() => server.close());

  async function kemudi(args: string[], dataDir: string): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
    const child = spawnKemudi(args, { KEMUDI_DATA_DIR: dataDir, KEMUDI_MODELS_MANIFEST: manifestFile, KEMUDI_MODEL: '' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end();
    const code = await exitCode(child);
    await new Promise((resolve) => setImmediate(resolve));
    return { code, stderr, lines: stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
  }

  it('pulls (converting the zip), lists, verifies and removes it', async () => {
    const dataDir = join(root, 'cli');
    const archive = join(dataDir, 'models', 'voice', 'vosk-model-test-en-0.1.tar.gz');
    const pulled = await kemudi(['models', 'pull', 'vosk-model-test-en-0.1'], dataDir);
    expect(pulled.code, pulled.stderr).toBe(0);
    // bytes and sha256 are the published zip's (recorded for the next download); path is the converted archive.
    expect(pulled.lines).toEqual([{ id: 'vosk-model-test-en-0.1', path: archive, bytes: zip.length, sha256: sha256(zip), resumedFrom: 0, checkedAgainst: 'first-download', downloaded: true }]);
    expect(await tarNames(archive)).toContain('vosk-model-test-en-0.1/am/final.mdl');
    expect(existsSync(join(dataDir, 'models', 'vosk-model-test-en-0.1.zip'))).toBe(false);
    const verified = JSON.parse(readFileSync(join(dataDir, 'models', 'verified.json'), 'utf8')) as { models: Record<string, { sha256: string }> };
    expect(verified.models['vosk-model-test-en-0.1']?.sha256).toBe(sha256(zip));

    const listed = await kemudi(['models', 'list'], dataDir);
    expect(listed.lines[1]).toEqual({ id: 'vosk-model-test-en-0.1', kind: 'voice', name: 'Test vosk-model-test-en-0.1', lang: 'en', license: 'Apache-2.0', bytes: zip.length, installed: true, path: archive });
    // A voice model is no language model: the hint to pull one is still given.
    expect(listed.lines[0]).toMatchObject({ id: 'tiny-llm', installed: false, default: true });
    expect(listed.stderr).toContain('no language model is installed');

    const checked = await kemudi(['models', 'verify'], dataDir);
    expect(checked.code).toBe(0);
    expect(checked.lines).toEqual([{ id: 'vosk-model-test-en-0.1', path: archive, ok: true, bytes: expect.any(Number) as unknown, files: 7, checkedAgainst: 'structure' }]);

    const again = await kemudi(['models', 'pull', 'vosk-model-test-en-0.1'], dataDir);
    expect(again.lines).toEqual([{ id: 'vosk-model-test-en-0.1', path: archive, bytes: expect.any(Number) as unknown, downloaded: false }]);

    writeFileSync(archive, 'damaged');
    const damaged = await kemudi(['models', 'verify', 'vosk-model-test-en-0.1'], dataDir);
    expect(damaged.code).toBe(1);
    expect(damaged.lines[0]).toMatchObject({ ok: false, error: { code: 'bad_model' } });

    const removed = await kemudi(['models', 'remove', 'vosk-model-test-en-0.1'], dataDir);
    expect(removed.lines).toEqual([{ id: 'vosk-model-test-en-0.1', path: archive, removed: true }]);
    expect(existsSync(archive)).toBe(false);
  }, 30_000);

  it('installs nothing from a download that is no zip', async () => {
    const dataDir = join(root, 'cli-broken');
    const pulled = await kemudi(['models', 'pull', 'vosk-broken'], dataDir);
    expect(pulled.code).toBe(1);
    expect(pulled.lines).toEqual([{ id: 'vosk-broken', error: { code: 'bad_model', message: expect.stringContaining('not a zip') as unknown } }]);
    expect(existsSync(join(dataDir, 'models', 'voice', 'vosk-broken.tar.gz'))).toBe(false);
    expect(existsSync(join(dataDir, 'models', 'vosk-broken.zip'))).toBe(false);
  }, 30_000);
});

describe('the simulator serves installed voice models by id, with the run token', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  const archive = Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]);

  beforeAll(async () => {
    const env = { KEMUDI_DATA_DIR: join(root, 'serve') };
    const manifest = realManifest();
    const en = manifest.models.filter(isVoice).find((m) => m.lang === 'en')!;
    writeFileSync(voiceArchivePath(en, env), archive);
    // A file under a language model's id must never be served.
    writeFileSync(join(root, 'serve', 'models', 'voice', `${manifest.models[0]!.id}.tar.gz`), 'not a voice model');
    sim = createSimulatedAssistant({ database: ':memory:' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, speech: null, voiceModelFile: (id) => installedVoiceArchive(id, manifest, env) });
  });
  afterAll(async () => {
    await server?.close();
    sim?.close();
  });

  const get = (path: string, token: string | null = server.token, method = 'GET') =>
    fetch(`http://127.0.0.1:${server.port}${path}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`, { method });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await get('/models/voice/vosk-model-small-en-us-0.15.tar.gz', null)).status).toBe(401);
    expect((await get('/models/voice/vosk-model-small-en-us-0.15.tar.gz', 'wrong')).status).toBe(401);
  });

  it('answers 404 for an unknown id, one not installed, a language model, a path or another name', async () => {
    const first = realManifest().models[0]!.id;
    for (const path of ['/models/voice/vosk-model-nope.tar.gz', '/models/voice/vosk-model-small-cn-0.22.tar.gz', `/models/voice/${first}.tar.gz`, '/models/voice/..%2F..%2Fetc%2Fpasswd.tar.gz', '/models/voice/vosk-model-small-en-us-0.15.zip', '/models/other']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('serves the archive of an installed voice model, and answers HEAD', async () => {
    const response = await get('/models/voice/vosk-model-small-en-us-0.15.tar.gz');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(archive);
    const head = await get('/models/voice/vosk-model-small-en-us-0.15.tar.gz', server.token, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(archive.length));
  });
});
