// The resumable, verified downloader against a local HTTP server: full downloads, redirects, a connection
// cut mid-body and resumed with a Range request, checksum and size mismatches, no network, a full disk,
// cancellation, servers without ranges, a complete part (416), a stalled connection, and pullModel's
// trust-on-first-use record of sizes and checksums the manifest does not know.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download, pullModel, type DownloadProgress } from '../../main/llm/download.js';
import type { ModelEntry } from '../../main/llm/models.js';
import { fakeGguf, FileServer, sha256 } from './file-server.js';

const file = fakeGguf(3 * 1024 * 1024 + 12_345);
const server = new FileServer();
let dir: string;

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kemudi-download-'));
  server.routes.clear();
  server.hits.length = 0;
  server.routes.set('/file', { data: file.data });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const dest = (): string => join(dir, 'model.gguf');
const part = (): string => `${dest()}.part`;

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('download', () => {
  it('downloads a whole file, checks size and sha256, and leaves no part behind', async () => {
    const progress: DownloadProgress[] = [];
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ ok: true, value: { path: dest(), bytes: file.data.byteLength, sha256: file.sha256, resumedFrom: 0 } });
    expect(readFileSync(dest()).equals(file.data)).toBe(true);
    expect(existsSync(part())).toBe(false);
    expect(server.hits).toMatchObject([{ path: '/file', range: undefined, status: 200 }]);
    expect(progress.at(-1)).toEqual({ bytes: file.data.byteLength, total: file.data.byteLength, resumedFrom: 0 });
  });

  it('follows a redirect (Hugging Face sends downloads to its CDN)', async () => {
    server.routes.set('/resolve/main/model.gguf', { redirect: '/file' });
    const result = await download({ url: server.url('/resolve/main/model.gguf'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(result.ok).toBe(true);
    expect(server.hits.map((h) => [h.path, h.status])).toEqual([
      ['/resolve/main/model.gguf', 302],
      ['/file', 200],
    ]);
    expect(readFileSync(dest()).equals(file.data)).toBe(true);
  });

  it('keeps the part when the connection is cut mid-body, and the next call asks only for the rest', async () => {
    const cutAfter = 1024 * 1024 + 7;
    server.routes.set('/file', { data: file.data, cutAfter, cutTimes: 1 });
    const first = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe('no_network');
    expect(existsSync(dest())).toBe(false);
    const kept = statSync(part()).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(cutAfter);
    expect(readFileSync(part()).equals(file.data.subarray(0, kept))).toBe(true);

    const second = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(second).toEqual({ ok: true, value: { path: dest(), bytes: file.data.byteLength, sha256: file.sha256, resumedFrom: kept } });
    expect(server.hits).toHaveLength(2);
    expect(server.hits[1]).toEqual({ path: '/file', range: `bytes=${kept}-`, status: 206, sent: file.data.byteLength - kept });
    expect(readFileSync(dest()).equals(file.data)).toBe(true);
    expect(existsSync(part())).toBe(false);
  });

  it('resumes through a redirect as well', async () => {
    server.routes.set('/cdn', { data: file.data, cutAfter: 500_000, cutTimes: 1 });
    server.routes.set('/resolve', { redirect: '/cdn' });
    const first = await download({ url: server.url('/resolve'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(first.ok).toBe(false);
    const kept = statSync(part()).size;
    const second = await download({ url: server.url('/resolve'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(second.ok).toBe(true);
    expect(server.hits.at(-1)).toMatchObject({ path: '/cdn', range: `bytes=${kept}-`, status: 206 });
  });

  it('reports checksum_mismatch, deletes the part and leaves nothing at dest', async () => {
    const wrong = sha256(Buffer.from('something else'));
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: wrong });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('checksum_mismatch');
    expect(result.error.message).toContain(wrong);
    expect(existsSync(dest())).toBe(false);
    expect(existsSync(part())).toBe(false);
  });

  it('reports size_mismatch when the server has another size than expected, before writing', async () => {
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength + 1, sha256: file.sha256 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('size_mismatch');
    expect(existsSync(dest())).toBe(false);
    expect(existsSync(part())).toBe(false);
  });

  it('reports no_network for a port nobody listens on', async () => {
    const port = await closedPort();
    const result = await download({ url: `http://127.0.0.1:${port}/file`, dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('no_network');
    expect(result.error.message).toContain('ECONNREFUSED');
    expect(existsSync(dest())).toBe(false);
    expect(existsSync(part())).toBe(false);
  });

  it('reports no_network for a host that does not resolve', async () => {
    const result = await download({ url: 'http://kemudi-no-such-host.invalid/model.gguf', dest: dest(), sha256: file.sha256 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('no_network');
  });

  it('reports disk_full before any byte is written when the file is larger than the free space', async () => {
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: 2 ** 52, sha256: file.sha256 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('disk_full');
    expect(result.error.message).toMatch(/MB are free/);
    expect(server.hits).toHaveLength(0);
    expect(existsSync(part())).toBe(false);
    expect(existsSync(dest())).toBe(false);
  });

  it('reports http_error with the status for a 404', async () => {
    const result = await download({ url: server.url('/missing'), dest: dest(), sha256: file.sha256 });
    expect(result).toEqual({ ok: false, error: { code: 'http_error', status: 404, message: expect.stringContaining('404') as unknown as string } });
    expect(existsSync(dest())).toBe(false);
  });

  it('cancels on the AbortSignal, keeps the part, and a later call resumes from it', async () => {
    server.routes.set('/file', { data: file.data, chunkDelayMs: 5, chunkBytes: 64 * 1024 });
    const controller = new AbortController();
    const result = await download({
      url: server.url('/file'),
      dest: dest(),
      expectedBytes: file.data.byteLength,
      sha256: file.sha256,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes >= 512 * 1024) controller.abort();
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('cancelled');
    const kept = statSync(part()).size;
    expect(kept).toBeGreaterThanOrEqual(512 * 1024);
    expect(kept).toBeLessThan(file.data.byteLength);
    expect(existsSync(dest())).toBe(false);

    server.routes.set('/file', { data: file.data });
    const resumed = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(resumed.ok && resumed.value.resumedFrom).toBe(kept);
    expect(server.hits.at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206, sent: file.data.byteLength - kept });
    expect(readFileSync(dest()).equals(file.data)).toBe(true);
  });

  it('returns cancelled at once for a signal that already fired', async () => {
    const result = await download({ url: server.url('/file'), dest: dest(), sha256: file.sha256, signal: AbortSignal.abort() });
    expect(result.ok || result.error.code).toBe('cancelled');
    expect(server.hits).toHaveLength(0);
  });

  it('starts again from zero when the server ignores the Range header (200)', async () => {
    writeFileSync(part(), Buffer.from('stale bytes from another file'));
    server.routes.set('/file', { data: file.data, ranges: false });
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(result).toEqual({ ok: true, value: { path: dest(), bytes: file.data.byteLength, sha256: file.sha256, resumedFrom: 0 } });
    expect(server.hits[0]).toMatchObject({ range: 'bytes=29-', status: 200 });
    expect(readFileSync(dest()).equals(file.data)).toBe(true);
  });

  it('treats a 416 as a part that is already complete, then verifies and renames it', async () => {
    writeFileSync(part(), file.data);
    const result = await download({ url: server.url('/file'), dest: dest(), sha256: file.sha256 });
    expect(result).toEqual({ ok: true, value: { path: dest(), bytes: file.data.byteLength, sha256: file.sha256, resumedFrom: file.data.byteLength } });
    expect(server.hits).toMatchObject([{ range: `bytes=${file.data.byteLength}-`, status: 416 }]);
    expect(existsSync(part())).toBe(false);
  });

  it('does not go to the network when a part of the known size is already complete', async () => {
    writeFileSync(part(), file.data);
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(result.ok).toBe(true);
    expect(server.hits).toHaveLength(0);
  });

  it('deletes a resumed part whose bytes turn out wrong (checksum over part + new bytes)', async () => {
    const corrupt = Buffer.from(file.data.subarray(0, 100_000));
    corrupt[5000] = (corrupt[5000] ?? 0) ^ 0xff;
    writeFileSync(part(), corrupt);
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(result.ok || result.error.code).toBe('checksum_mismatch');
    expect(server.hits[0]?.range).toBe('bytes=100000-');
    expect(existsSync(part())).toBe(false);
    expect(existsSync(dest())).toBe(false);
    const clean = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256 });
    expect(clean.ok && clean.value.resumedFrom).toBe(0);
  });

  it('gives up on a connection that stalls, keeping what arrived', async () => {
    server.routes.set('/file', { data: file.data, stallAfter: 300_000 });
    const result = await download({ url: server.url('/file'), dest: dest(), expectedBytes: file.data.byteLength, sha256: file.sha256, idleTimeoutMs: 300 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('no_network');
    expect(result.error.message).toContain('stalled');
    expect(statSync(part()).size).toBe(300_000);
  });
});

describe('pullModel: sizes and checksums the manifest does not know', () => {
  const entry = (url: string): ModelEntry => ({
    id: 'tiny',
    name: 'Tiny test model',
    url,
    file: 'tiny.gguf',
    bytes: null,
    sha256: null,
    license: 'Apache-2.0',
    parameters: '0B',
    quantization: 'F32',
    contextLength: 512,
    minMemoryBytes: 1,
  });

  it('records them in verified.json on the first download and enforces them on later ones', async () => {
    const env = { KEMUDI_DATA_DIR: dir };
    const models = join(dir, 'models');
    const first = await pullModel(entry(server.url('/file')), { env });
    expect(first.ok && first.value.checkedAgainst).toBe('first-download');
    const recorded = JSON.parse(readFileSync(join(models, 'verified.json'), 'utf8')) as { models: Record<string, unknown> };
    expect(recorded.models.tiny).toMatchObject({ file: 'tiny.gguf', url: server.url('/file'), bytes: file.data.byteLength, sha256: file.sha256 });

    // The publisher's file changes under the same URL and size: the next download is refused.
    rmSync(join(models, 'tiny.gguf'));
    const other = fakeGguf(file.data.byteLength);
    server.routes.set('/file', { data: other.data });
    const second = await pullModel(entry(server.url('/file')), { env });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.code).toBe('checksum_mismatch');
    expect(second.error.message).toContain('verified.json');
    expect(existsSync(join(models, 'tiny.gguf'))).toBe(false);
    expect(JSON.parse(readFileSync(join(models, 'verified.json'), 'utf8'))).toEqual(recorded);

    // Another size is refused before a byte is written.
    server.routes.set('/file', { data: fakeGguf(1000).data });
    const third = await pullModel(entry(server.url('/file')), { env });
    expect(third.ok || third.error.code).toBe('size_mismatch');

    server.routes.set('/file', { data: file.data });
    const fourth = await pullModel(entry(server.url('/file')), { env });
    expect(fourth.ok && fourth.value.checkedAgainst).toBe('recorded');
  });

  it('refuses a file that is not a GGUF model and records nothing', async () => {
    server.routes.set('/page', { data: Buffer.from('<html>a login page, not a model</html>'.repeat(100)) });
    const result = await pullModel(entry(server.url('/page')), { env: { KEMUDI_DATA_DIR: dir } });
    expect(result.ok || result.error.code).toBe('bad_model');
    expect(existsSync(join(dir, 'models', 'tiny.gguf'))).toBe(false);
    expect(existsSync(join(dir, 'models', 'verified.json'))).toBe(false);
  });
});
