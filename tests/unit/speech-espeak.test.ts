// Speech output's main-process fallback: espeak-ng itself (main/services/speech/espeak.ts), and its two
// routes, the simulator's `/speech` and Electron's `kemudi-media://speech`. Uses the real espeak-ng where it
// is installed; the rest (bad input, a missing program) runs everywhere.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lang } from '../../common/contract.js';
import { err, ok } from '../../common/result.js';
import { speechProtocolResponse } from '../../main/app/media-protocol.js';
import { isSpeechUrl, requestAllowed } from '../../main/app/security.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { checkSpeechText, createEspeak, fixWavHeader, MAX_SPEECH_CHARS, type SpeechSynthesizer } from '../../main/services/speech/espeak.js';
import { speechReply } from '../../main/services/speech/reply.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
if (!hasEspeak) console.warn('tests/unit/speech-espeak.test.ts: espeak-ng is not installed; the tests that run it are skipped (apt-get install espeak-ng)');

interface WavInfo {
  riffSize: number;
  channels: number;
  sampleRate: number;
  bits: number;
  dataSize: number;
  /** Samples whose magnitude is above a whisper: there is sound, not only silence. */
  loud: number;
}

function readWav(bytes: Uint8Array): WavInfo {
  const wav = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
  expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
  expect(wav.toString('ascii', 12, 16)).toBe('fmt ');
  expect(wav.readUInt16LE(20)).toBe(1); // PCM
  const dataAt = 20 + wav.readUInt32LE(16);
  expect(wav.toString('ascii', dataAt, dataAt + 4)).toBe('data');
  const dataSize = wav.readUInt32LE(dataAt + 4);
  let loud = 0;
  for (let i = dataAt + 8; i + 1 < wav.length; i += 2) if (Math.abs(wav.readInt16LE(i)) > 1000) loud++;
  return { riffSize: wav.readUInt32LE(4), channels: wav.readUInt16LE(22), sampleRate: wav.readUInt32LE(24), bits: wav.readUInt16LE(34), dataSize, loud };
}

describe('checkSpeechText', () => {
  it('keeps ordinary text, with line breaks and tabs as spaces', () => {
    expect(checkSpeechText('Headlights on.')).toEqual(ok('Headlights on.'));
    expect(checkSpeechText(' New message\nfrom Sari:\tWhere are you? ')).toEqual(ok('New message from Sari: Where are you?'));
    expect(checkSpeechText('已关闭大灯。')).toEqual(ok('已关闭大灯。'));
    expect(checkSpeechText('-v xx --help')).toEqual(ok('-v xx --help'));
  });

  it('refuses empty, too long, non-string and control characters', () => {
    for (const bad of ['', '   ', 'a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085', 'x'.repeat(MAX_SPEECH_CHARS + 1), 42, null]) {
      const result = checkSpeechText(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('invalid_message');
    }
    // The limit is in characters, not UTF-16 units.
    expect(checkSpeechText('灯'.repeat(MAX_SPEECH_CHARS)).ok).toBe(true);
    expect(checkSpeechText('😀'.repeat(MAX_SPEECH_CHARS)).ok).toBe(true);
  });
});

describe('fixWavHeader', () => {
  it('sets the RIFF and data sizes that a pipe leaves as placeholders', () => {
    const wav = Buffer.alloc(44 + 10);
    wav.write('RIFF', 0, 'ascii');
    wav.writeUInt32LE(0x7ffff024, 4);
    wav.write('WAVEfmt ', 8, 'ascii');
    wav.writeUInt32LE(16, 16);
    wav.write('data', 36, 'ascii');
    wav.writeUInt32LE(0x7ffff000, 40);
    const fixed = fixWavHeader(wav);
    expect(fixed.ok).toBe(true);
    expect(wav.readUInt32LE(4)).toBe(46);
    expect(wav.readUInt32LE(40)).toBe(10);
  });

  it('refuses what is no WAV, or one with no audio', () => {
    expect(fixWavHeader(Buffer.from('not a wav at all, not at all, no, not a wav')).ok).toBe(false);
    const empty = Buffer.alloc(44);
    empty.write('RIFF', 0, 'ascii');
    empty.write('WAVEfmt ', 8, 'ascii');
    empty.writeUInt32LE(16, 16);
    empty.write('data', 36, 'ascii');
    expect(fixWavHeader(empty).ok).toBe(false);
  });
});

describe('espeak-ng missing', () => {
  it('says unavailable (asked once), and refuses bad input before that', async () => {
    const espeak = createEspeak({ binary: '/nonexistent/espeak-ng' });
    const first = await espeak.synthesize('Headlights on.', 'en');
    expect(first).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    if (!first.ok) expect(first.error.message).toMatch(/espeak-ng is not installed/);
    expect(await espeak.installed()).toBe(false);
    expect(await espeak.synthesize('Lampu jauh dinyalakan.', 'id')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await espeak.synthesize('bad\u0007', 'en')).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await espeak.synthesize('hello', 'fr' as Lang)).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });
});

(hasEspeak ? describe : describe.skip)('espeak-ng', () => {
  const espeak = createEspeak();

  it.each([
    ['en', 'Headlights on.'],
    ['id', 'Lampu jauh dinyalakan.'],
    ['zh', '已关闭大灯。'],
  ] as const)('says %s as a PCM WAV with real sizes and sound in it', async (lang, text) => {
    const result = await espeak.synthesize(text, lang);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const info = readWav(result.value);
    expect(info).toMatchObject({ channels: 1, bits: 16 });
    expect(info.sampleRate).toBeGreaterThanOrEqual(16000);
    expect(info.riffSize).toBe(result.value.byteLength - 8);
    expect(info.dataSize).toBe(result.value.byteLength - 44);
    // Half a second at least, and not silence.
    expect(info.dataSize / 2 / info.sampleRate).toBeGreaterThan(0.5);
    expect(info.loud).toBeGreaterThan(1000);
  });

  it('reads a text that looks like options as words, never as options', async () => {
    const result = await espeak.synthesize('-v xx --help', 'en');
    expect(result.ok).toBe(true);
    if (result.ok) expect(readWav(result.value).loud).toBeGreaterThan(100);
  });

  it('keeps recent WAVs: the same text again is the same bytes, without a new process', async () => {
    const cached = createEspeak({ cacheEntries: 2 });
    const a = await cached.synthesize('Turning left.', 'en');
    const b = await cached.synthesize('Turning left.', 'en');
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
    await cached.synthesize('Belok kiri.', 'id');
    await cached.synthesize('左转。', 'zh');
    expect(cached.cached).toBe(2);
    // Both at once: one process, the same answer.
    const [c, d] = await Promise.all([cached.synthesize('Turning right.', 'en'), cached.synthesize('Turning right.', 'en')]);
    expect(c.ok && d.ok && c.value === d.value).toBe(true);
  });

  it('gives up after its timeout', async () => {
    const slow = createEspeak({ timeoutMs: 1 });
    expect(await slow.installed()).toBe(true);
    const result = await slow.synthesize('This sentence takes espeak-ng longer than one millisecond to say. '.repeat(20), 'en');
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });
});

/** A synthesizer that answers without espeak-ng, for the routes. */
const fakeSynth = (result: 'ok' | 'unavailable' | 'timeout'): SpeechSynthesizer => ({
  synthesize: (text) =>
    Promise.resolve(
      result === 'ok'
        ? ok(new Uint8Array(Buffer.from(`RIFF....WAVE${text}`)))
        : err(result, result === 'unavailable' ? 'espeak-ng is not installed' : 'too slow'),
    ),
});

describe('speechReply', () => {
  const q = (query: Record<string, string>) => new URLSearchParams(query);
  it('answers audio/wav, 400 for a bad lang or text, 503 when there is nothing to say it with', async () => {
    const good = await speechReply(q({ lang: 'en', text: 'Hi' }), fakeSynth('ok'));
    expect(good.status).toBe(200);
    expect(good.headers['Content-Type']).toBe('audio/wav');
    expect(good.headers['Cache-Control']).toBe('no-store');
    expect((await speechReply(q({ lang: 'fr', text: 'Hi' }), fakeSynth('ok'))).status).toBe(400);
    expect((await speechReply(q({ text: 'Hi' }), fakeSynth('ok'))).status).toBe(400);
    expect((await speechReply(q({ lang: 'en' }), fakeSynth('ok'))).status).toBe(400);
    const missing = await speechReply(q({ lang: 'en', text: 'Hi' }), fakeSynth('unavailable'));
    expect(missing).toMatchObject({ status: 503, body: 'espeak-ng is not installed\n' });
    expect((await speechReply(q({ lang: 'en', text: 'Hi' }), fakeSynth('timeout'))).status).toBe(504);
    expect((await speechReply(q({ lang: 'en', text: 'Hi' }), null)).status).toBe(503);
  });
});

describe('kemudi-media://speech (Electron)', () => {
  it('is a media URL the window may request, and nothing else of the kind is', () => {
    expect(isSpeechUrl('kemudi-media://speech?lang=en&text=Hi')).toBe(true);
    expect(isSpeechUrl('kemudi-media://speech/?lang=en&text=Hi')).toBe(true);
    expect(isSpeechUrl('kemudi-media://speech/../tracks/1')).toBe(false);
    expect(isSpeechUrl('kemudi-media://speeches?lang=en')).toBe(false);
    expect(isSpeechUrl('http://speech/?lang=en')).toBe(false);
    expect(requestAllowed('kemudi-media://speech?lang=en&text=Hi', '/opt/kemudi/renderer')).toBe(true);
    expect(requestAllowed('kemudi-media://other?lang=en&text=Hi', '/opt/kemudi/renderer')).toBe(false);
  });

  it('answers with the WAV, or the same statuses as the simulator', async () => {
    const good = await speechProtocolResponse({ url: 'kemudi-media://speech?lang=id&text=Halo' }, fakeSynth('ok'));
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await good.arrayBuffer()).toString()).toBe('RIFF....WAVEHalo');
    expect((await speechProtocolResponse({ url: 'kemudi-media://speech?lang=xx&text=Halo' }, fakeSynth('ok'))).status).toBe(400);
    const missing = await speechProtocolResponse({ url: 'kemudi-media://speech?lang=id&text=Halo' }, fakeSynth('unavailable'));
    expect(missing.status).toBe(503);
    expect(await missing.text()).toMatch(/not installed/);
  });
});

describe('the simulator server: /speech', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let missing: SimServer;

  beforeAll(async () => {
    sim = createSimulatedAssistant({ database: ':memory:' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, token: 'tok-en' });
    missing = await startSimServer({ assistant: sim.assistant, port: 0, token: 'tok-en', speech: createEspeak({ binary: '/nonexistent/espeak-ng' }) });
  });
  afterAll(async () => {
    await server?.close();
    await missing?.close();
    sim?.close();
  });

  const get = (target: SimServer, query: string, method = 'GET') => fetch(`http://127.0.0.1:${target.port}/speech${query}`, { method });

  it('asks for the run token, as the music files do', async () => {
    expect((await get(server, '?lang=en&text=Hi')).status).toBe(401);
    expect((await get(server, '?lang=en&text=Hi&token=wrong')).status).toBe(401);
    expect((await get(server, '')).status).toBe(401);
  });

  it('400 for a bad language or text', async () => {
    expect((await get(server, '?lang=fr&text=Hi&token=tok-en')).status).toBe(400);
    expect((await get(server, '?lang=en&token=tok-en')).status).toBe(400);
    expect((await get(server, `?lang=en&text=${encodeURIComponent('a\u0007b')}&token=tok-en`)).status).toBe(400);
    expect((await get(server, `?lang=en&text=${'a'.repeat(MAX_SPEECH_CHARS + 1)}&token=tok-en`)).status).toBe(400);
  });

  it('503 with a clear reason when espeak-ng is missing', async () => {
    const response = await get(missing, '?lang=en&text=Hi&token=tok-en');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/espeak-ng is not installed/);
  });

  (hasEspeak ? it : it.skip)('answers audio/wav with the token', async () => {
    const response = await get(server, `?lang=zh&text=${encodeURIComponent('已打开大灯。')}&token=tok-en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
    expect(readWav(bytes).loud).toBeGreaterThan(1000);
    const head = await get(server, `?lang=zh&text=${encodeURIComponent('已打开大灯。')}&token=tok-en`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('audio/wav');
  });
});
