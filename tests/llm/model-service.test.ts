// The Settings screen's models (issue 11): the `models` event on connect and on every change, `models.pull` and
// `models.cancel` through the Assistant, against a local HTTP server and a manifest of our own in a temp data
// folder: progress to installed, a checksum mismatch, a cancel that a later pull resumes, a voice model reaching
// the `voice` event, unknown ids refused, at most one download per model.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEvent, type Event, type ModelsEvent, type VoiceEvent } from '../../common/contract.js';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant } from '../../main/core/compose.js';
import { LlmService } from '../../main/llm/index.js';
import { ModelService, type InstalledModel } from '../../main/llm/model-service.js';
import { installedVoiceModels } from '../../main/llm/models.js';
import { fakeGguf, FileServer, makeZip } from './file-server.js';

const GiB = 1024 ** 3;
const gguf = fakeGguf(2 * 1024 * 1024 + 777);
const zip = makeZip({ 'vosk-tiny/': '', 'vosk-tiny/am/final.mdl': 'acoustic model '.repeat(200), 'vosk-tiny/conf/mfcc.conf': '--use-energy=false\n', 'vosk-tiny/graph/words.txt': 'hey 1\n' });
const server = new FileServer();
let dir: string;
let env: NodeJS.ProcessEnv;
let sim: SimulatedAssistant | null = null;
let service: ModelService | null = null;

const llm = (id: string, path: string, sha256: string, minMemoryBytes = GiB) => ({
  id,
  name: `Tiny ${id}`,
  url: server.url(path),
  file: `${id}.gguf`,
  bytes: gguf.data.byteLength,
  sha256,
  license: 'MIT',
  parameters: '1M',
  quantization: 'F32',
  contextLength: 512,
  minMemoryBytes,
});

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kemudi-model-service-'));
  server.routes.clear();
  server.hits.length = 0;
  server.routes.set('/tiny.gguf', { data: gguf.data });
  server.routes.set('/vosk.zip', { data: zip });
  const manifest = join(dir, 'manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      schema: 1,
      default: { policy: 'largest-that-fits', budgetFraction: 0.5 },
      models: [
        llm('tiny-llm', '/tiny.gguf', gguf.sha256),
        // Too big for the test's 8 GiB machine: not the recommended one.
        llm('bad-sum', '/tiny.gguf', '0'.repeat(64), 6 * GiB),
        { kind: 'voice', id: 'vosk-tiny', name: 'Vosk tiny', url: server.url('/vosk.zip'), file: 'vosk-tiny.zip', bytes: null, sha256: null, license: 'Apache-2.0', lang: 'en' },
      ],
    }),
  );
  env = { KEMUDI_DATA_DIR: join(dir, 'data'), KEMUDI_MODELS_MANIFEST: manifest };
});
afterEach(async () => {
  await service?.close();
  sim?.close();
  sim = null;
  service = null;
  rmSync(dir, { recursive: true, force: true });
});

function open(options: { progressMs?: number } = {}): { sim: SimulatedAssistant; service: ModelService; events: Event[] } {
  service = new ModelService({ env, totalMemBytes: 8 * GiB, ...options });
  sim = createSimulatedAssistant({ database: ':memory:', addressBook: null, scenariosDir: null, music: null, sampleMap: false, voiceModels: () => installedVoiceModels(env), models: service });
  const events: Event[] = [];
  sim.assistant.on((event) => events.push(event));
  return { sim, service, events };
}

const modelsEvents = (events: Event[]): ModelsEvent[] => events.filter((e): e is ModelsEvent => e.type === 'models');
const modelIn = (event: ModelsEvent | undefined, id: string) => event?.models.find((m) => m.id === id);

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the models event', () => {
  it('lists every manifest model on connect: kind, language, size, installed, the recommended language model', () => {
    const { sim } = open();
    const event = sim.assistant.initialEvents().find((e): e is ModelsEvent => e.type === 'models');
    expect(event).toEqual({
      type: 'models',
      models: [
        { id: 'tiny-llm', name: 'Tiny tiny-llm', kind: 'llm', bytes: gguf.data.byteLength, installed: false, recommended: true, download: null },
        { id: 'bad-sum', name: 'Tiny bad-sum', kind: 'llm', bytes: gguf.data.byteLength, installed: false, recommended: false, download: null },
        { id: 'vosk-tiny', name: 'Vosk tiny', kind: 'voice', lang: 'en', bytes: null, installed: false, download: null },
      ],
    });
    expect(decodeEvent(event).ok).toBe(true);
  });

  it('is absent, and models.* refused, in a core without the service', async () => {
    sim = createSimulatedAssistant({ database: ':memory:', addressBook: null, scenariosDir: null, music: null, sampleMap: false });
    expect(sim.assistant.initialEvents().some((e) => e.type === 'models')).toBe(false);
    const result = await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' });
    expect(result.ok || result.error.code).toBe('not_allowed');
  });
});

describe('models.pull', () => {
  it('downloads with progress events (throttled), then reports it installed and tells who listens', async () => {
    server.routes.set('/tiny.gguf', { data: gguf.data, chunkBytes: 64 * 1024, chunkDelayMs: 5 });
    const { sim, service, events } = open({ progressMs: 100 });
    const installed: InstalledModel[] = [];
    service.onInstalled((model) => installed.push(model));
    const started = Date.now();
    expect(await sim.assistant.handle({ type: 'models.pull', id: 'r1', model: 'tiny-llm' })).toEqual({ ok: true, value: undefined });
    await service.idle();
    const elapsed = Date.now() - started;

    const seen = modelsEvents(events);
    for (const event of seen) expect(decodeEvent(event).ok).toBe(true);
    const downloads = seen.map((e) => modelIn(e, 'tiny-llm')!.download);
    const states = downloads.map((d) => d?.state);
    expect(states[0]).toBe('downloading');
    expect(states.at(-1)).toBe('done');
    expect(states).toContain('verifying');
    // Progress climbs and never goes back.
    const received = downloads.filter((d) => d?.state === 'downloading').map((d) => d!.receivedBytes);
    expect(received.some((b) => b > 0 && b < gguf.data.byteLength)).toBe(true);
    expect([...received].sort((a, b) => a - b)).toEqual(received);
    // About 40 chunks arrived; progress was reported at most every 100 ms (plus the changes of state).
    expect(received.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    const last = seen.at(-1)!;
    expect(modelIn(last, 'tiny-llm')).toMatchObject({ installed: true, download: { state: 'done', receivedBytes: gguf.data.byteLength, totalBytes: gguf.data.byteLength } });
    expect(modelIn(last, 'bad-sum')).toMatchObject({ installed: false, download: null });
    expect(installed).toEqual([{ id: 'tiny-llm', kind: 'llm' }]);
    expect(existsSync(join(env.KEMUDI_DATA_DIR!, 'models', 'tiny-llm.gguf'))).toBe(true);
    // A screen that connects now sees it installed.
    expect(modelIn(sim.assistant.initialEvents().find((e): e is ModelsEvent => e.type === 'models'), 'tiny-llm')?.installed).toBe(true);
  });

  it('installs a voice model (zip → tar.gz) and the voice event lists it', async () => {
    const { sim, service, events } = open();
    expect(sim.assistant.initialEvents().find((e): e is VoiceEvent => e.type === 'voice')?.models).toEqual([]);
    expect((await sim.assistant.handle({ type: 'models.pull', model: 'vosk-tiny' })).ok).toBe(true);
    await service.idle();
    expect(modelIn(modelsEvents(events).at(-1), 'vosk-tiny')).toMatchObject({ installed: true, kind: 'voice', lang: 'en', download: { state: 'done' } });
    expect(events.filter((e): e is VoiceEvent => e.type === 'voice').at(-1)?.models).toEqual([{ id: 'vosk-tiny', lang: 'en' }]);
    // The size is now known (recorded on the first download).
    expect(modelIn(service.snapshot(), 'vosk-tiny')?.bytes).toBe(zip.byteLength);
  });

  it('reports a checksum mismatch as failed with its code, and installs nothing', async () => {
    const { sim, service, events } = open();
    expect((await sim.assistant.handle({ type: 'models.pull', model: 'bad-sum' })).ok).toBe(true);
    await service.idle();
    const model = modelIn(modelsEvents(events).at(-1), 'bad-sum');
    expect(model).toMatchObject({ installed: false, download: { state: 'failed', error: { code: 'checksum_mismatch' } } });
    expect(model?.download?.error?.message.length).toBeGreaterThan(0);
    expect(model?.download?.error?.message.length).toBeLessThanOrEqual(500);
  });

  it('reports no network as failed: no_network', async () => {
    server.routes.set('/tiny.gguf', { data: gguf.data, cutAfter: 1000, cutTimes: 5 });
    const { sim, service, events } = open();
    await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' });
    await service.idle();
    expect(modelIn(modelsEvents(events).at(-1), 'tiny-llm')?.download).toMatchObject({ state: 'failed', error: { code: 'no_network' } });
  });

  it('cancels mid-download (the part is kept), and a later pull resumes from it', async () => {
    server.routes.set('/tiny.gguf', { data: gguf.data, chunkBytes: 64 * 1024, chunkDelayMs: 30 });
    const { sim, service, events } = open({ progressMs: 10 });
    await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' });
    await until(() => (modelIn(modelsEvents(events).at(-1), 'tiny-llm')?.download?.receivedBytes ?? 0) > 100_000);
    expect(await sim.assistant.handle({ type: 'models.cancel', model: 'tiny-llm' })).toEqual({ ok: true, value: undefined });
    await service.idle();
    const cancelled = modelIn(modelsEvents(events).at(-1), 'tiny-llm');
    expect(cancelled).toMatchObject({ installed: false, download: { state: 'cancelled' } });
    expect(cancelled?.download?.error).toBeUndefined();
    const part = join(env.KEMUDI_DATA_DIR!, 'models', 'tiny-llm.gguf.part');
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(gguf.data.byteLength);

    server.routes.set('/tiny.gguf', { data: gguf.data });
    await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' });
    await service.idle();
    expect(modelIn(modelsEvents(events).at(-1), 'tiny-llm')).toMatchObject({ installed: true, download: { state: 'done' } });
    expect(server.hits.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
  });

  it('runs one download per model: a second pull while it runs, or of an installed model, is a no-op', async () => {
    server.routes.set('/tiny.gguf', { data: gguf.data, chunkBytes: 256 * 1024, chunkDelayMs: 10 });
    const { sim, service } = open();
    expect((await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' })).ok).toBe(true);
    expect((await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' })).ok).toBe(true);
    await service.idle();
    expect(server.hits).toHaveLength(1);
    expect((await sim.assistant.handle({ type: 'models.pull', model: 'tiny-llm' })).ok).toBe(true);
    await service.idle();
    expect(server.hits).toHaveLength(1);
    // Cancelling when nothing runs is fine too.
    expect((await sim.assistant.handle({ type: 'models.cancel', model: 'tiny-llm' })).ok).toBe(true);
  });

  it('refuses an id the manifest does not know, with an error event', async () => {
    const { sim, events } = open();
    for (const type of ['models.pull', 'models.cancel'] as const) {
      const result = await sim.assistant.handle({ type, id: 'q1', model: 'no-such-model' });
      expect(result.ok || result.error.code).toBe('not_allowed');
    }
    expect(events.filter((e) => e.type === 'error')).toMatchObject([
      { type: 'error', id: 'q1', code: 'not_allowed' },
      { type: 'error', id: 'q1', code: 'not_allowed' },
    ]);
    expect(server.hits).toHaveLength(0);
  });

  it('sees a model installed or removed behind its back on refresh', async () => {
    const { service, events } = open();
    const before = modelsEvents(events).length;
    service.refresh();
    service.refresh();
    expect(modelsEvents(events).length).toBe(before + 1);
    writeFileSync(join(env.KEMUDI_DATA_DIR!, 'models', 'tiny-llm.gguf'), gguf.data);
    service.refresh();
    expect(modelIn(modelsEvents(events).at(-1), 'tiny-llm')?.installed).toBe(true);
  });
});

describe('LlmService.startIfIdle: a language model installed while running', () => {
  it('looks again when none was found, and tries to open the new one', async () => {
    const statuses: [string, string][] = [];
    const llm = new LlmService(loadKnowledge().catalog, (state, detail) => statuses.push([state, detail]), { ...env, KEMUDI_LLM_GPU: '0', KEMUDI_LLM_THREADS: '1' });
    try {
      await llm.start();
      expect(statuses).toEqual([['off', expect.stringContaining('no language model is installed') as string]]);
      // What the Settings screen's download leaves behind: here a file that passes the header check only.
      writeFileSync(join(env.KEMUDI_DATA_DIR!, 'models', 'tiny-llm.gguf'), gguf.data);
      await llm.startIfIdle();
      expect(statuses[1]).toEqual(['loading', 'local tiny-llm']);
      // Random bytes after the header: the engine cannot load them, and says so.
      expect(statuses.at(-1)?.[0]).toBe('failed');
    } finally {
      await llm.close();
    }
  }, 60_000);
});
