// The answer to `kemudi-media://tracks/<id>`: the track's file, whole or the byte range the audio element
// asks for (it seeks with Range requests); and to `kemudi-media://speech`, espeak-ng's WAV. Plain Web
// Response objects, so it runs in Electron's protocol.handle and in the unit tests alike.
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { SpeechSynthesizer } from '../services/speech/espeak.js';
import { speechReply } from '../services/speech/reply.js';
import { mediaTrackId, mediaVoiceId } from './security.js';

const AUDIO_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
};

export function mediaResponse(request: { url: string; headers: Headers }, trackFile: (id: number) => string | null): Response {
  const id = mediaTrackId(request.url);
  const file = id === null ? null : trackFile(id);
  if (!file) return new Response(null, { status: 404 });
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return new Response(null, { status: 404 });
  }
  const headers = { 'Content-Type': AUDIO_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Accept-Ranges': 'bytes', 'X-Content-Type-Options': 'nosniff' };
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') ?? '');
  if (!range || (range[1] === '' && range[2] === '')) {
    return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { status: 200, headers: { ...headers, 'Content-Length': String(size) } });
  }
  // "bytes=a-b", "bytes=a-" or the last n bytes, "bytes=-n".
  const start = range[1] === '' ? Math.max(0, size - Number(range[2])) : Number(range[1]);
  const end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1);
  if (start >= size || start > end) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  return new Response(Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream, {
    status: 206,
    headers: { ...headers, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` },
  });
}

/** The answer to `kemudi-media://speech?lang=…&text=…`: espeak-ng's WAV, for a page with no voice of its own. */
export async function speechProtocolResponse(request: { url: string }, synthesizer: SpeechSynthesizer | null): Promise<Response> {
  let params: URLSearchParams;
  try {
    params = new URL(request.url).searchParams;
  } catch {
    return new Response(null, { status: 400 });
  }
  const reply = await speechReply(params, synthesizer);
  return new Response(reply.body, { status: reply.status, headers: reply.headers });
}

/** The answer to `kemudi-media://voice/<id>`: an installed voice model's archive, by manifest id, for the
 *  recognizer worker (vosk-browser fetches it whole). The page is file://, an opaque origin: hence the CORS header. */
export function voiceModelResponse(request: { url: string }, voiceFile: (id: string) => string | null): Response {
  const id = mediaVoiceId(request.url);
  const file = id === null ? null : voiceFile(id);
  let size: number;
  try {
    if (!file) return new Response(null, { status: 404 });
    size = statSync(file).size;
  } catch {
    return new Response(null, { status: 404 });
  }
  const headers = { 'Content-Type': 'application/gzip', 'Content-Length': String(size), 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' };
  if ((request as { method?: string }).method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(createReadStream(file)) as ReadableStream, { status: 200, headers });
}
