// The answer to `?lang=<en|id|zh>&text=…` for speech: WAV bytes, or a status with a plain-text reason. The
// simulator's `/speech` and Electron's `kemudi-media://speech` both send it; neither checks the text itself.
import type { ErrorCode } from '../../../common/result.js';
import { isSpeechLang, type SpeechSynthesizer } from './espeak.js';

export interface SpeechReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const STATUS: Partial<Record<ErrorCode, number>> = { invalid_message: 400, unavailable: 503, timeout: 504 };

function text(status: number, message: string): SpeechReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }, body: `${message}\n` };
}

export async function speechReply(params: URLSearchParams, synthesizer: SpeechSynthesizer | null): Promise<SpeechReply> {
  if (!synthesizer) return text(503, 'speech output is off in this server');
  const lang = params.get('lang');
  const said = params.get('text');
  if (!isSpeechLang(lang)) return text(400, 'lang must be en, id or zh');
  if (said === null) return text(400, 'text is missing');
  const result = await synthesizer.synthesize(said, lang);
  if (!result.ok) return text(STATUS[result.error.code] ?? 500, result.error.message);
  return {
    status: 200,
    // no-store: what Kemudi said stays out of the browser's disk cache.
    headers: { 'Content-Type': 'audio/wav', 'Content-Length': String(result.value.byteLength), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
    body: result.value,
  };
}
