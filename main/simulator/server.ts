// The simulator server: HTTP on 127.0.0.1 serving the built renderer, and a WebSocket at /ws that
// speaks the contract. Every frame is decoded and checked; bad input gets a typed `error` event back.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import send from 'send';
import sirv from 'sirv';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeCommandText, type Event } from '../../common/contract.js';
import type { Assistant } from '../core/assistant.js';
import type { Logger } from '../core/log.js';
import { isEvalWorker } from '../app/security.js';
import { createEspeak, type SpeechSynthesizer } from '../services/speech/espeak.js';
import { speechReply } from '../services/speech/reply.js';

/** Far above any command we accept (an utterance is at most 2000 characters). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The renderer's Content-Security-Policy: our own scripts and sockets, nothing remote. */
export const SIM_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The policy of the recognizer worker's script (`/workers/recognizer-worker-<hash>.js`). vosk-browser's Emscripten
 *  glue builds functions with `new Function`, so the recognizer worker needs 'unsafe-eval'; Chromium applies a
 *  dedicated worker's own response policy (and a blob: worker it starts inherits it), so the page's policy
 *  stays without it. The worker reaches only its own origin. */
export const WORKER_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
].join('; ');

export interface SimServerOptions {
  assistant: Assistant;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). Without it the server still speaks the WebSocket. */
  rendererDir?: string;
  /** The music library's files by track id, for the page's audio element (`/media/tracks/<id>`). */
  trackFile?: (trackId: number) => string | null;
  /** The per-run token the WebSocket and the media files ask for (default: a fresh random one, or
   *  KEMUDI_SIM_TOKEN for scripts that need to know it in advance). */
  token?: string;
  /** Where the server's failures are logged (main/core/log.ts); default: nowhere. */
  log?: Logger;
  /** An installed voice model's archive by manifest id (`/models/voice/<id>.tar.gz`), or null. */
  voiceModelFile?: (id: string) => string | null;
  /** Speech for pages with no voice of their own (`/speech?lang=&text=`): default espeak-ng; null turns it off. */
  speech?: SpeechSynthesizer | null;
}

/** `/media/tracks/<id>`: a track by its library id. Only ids are taken, never paths. */
const TRACK_URL = /^\/media\/tracks\/([1-9]\d{0,9})(?:\?.*)?$/;
/** `/models/voice/<id>.tar.gz`: a voice model by its manifest id. */
const VOICE_MODEL_URL = /^\/models\/voice\/([a-z0-9][a-z0-9._-]{0,99})\.tar\.gz(?:\?.*)?$/;

export interface SimServer {
  /** The page, with the run's token: the link to open. */
  url: string;
  /** The WebSocket, with the token: for tools and tests. */
  socketUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Whether the request carries this run's token (`?token=`): compared in constant time. */
export function tokenMatches(url: string | undefined, token: string): boolean {
  let given: string | null;
  try {
    given = new URL(url ?? '/', 'http://127.0.0.1').searchParams.get('token');
  } catch {
    return false;
  }
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const { assistant } = options;
  // Another program on this machine, or a web page in the driver's browser, must not drive the car: the
  // socket (and the media) answer only whoever has the link this run printed.
  const token = options.token ?? process.env.KEMUDI_SIM_TOKEN ?? randomBytes(18).toString('base64url');
  /** A file found by id (a track, a voice model): send answers Range requests (the audio element seeks with
   *  them), conditional GETs and HEAD; failures on our side are logged under `event`. */
  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string, event: string): void => {
    send(req, file, { dotfiles: 'allow', etag: true, lastModified: true, cacheControl: false })
      .on('error', (error: { status?: number }) => {
        res.writeHead(error.status ?? 500).end();
        if ((error.status ?? 500) >= 500) options.log?.error(event, { err: error });
      })
      .on('headers', (response: ServerResponse) => response.setHeader('X-Content-Type-Options', 'nosniff'))
      .pipe(res);
  };
  const speech = options.speech === undefined ? createEspeak({ log: options.log?.child('speech') }) : options.speech;
  const serveStatic =
    options.rendererDir && existsSync(options.rendererDir)
      ? sirv(options.rendererDir, {
          dev: false,
          etag: true,
          single: true,
          setHeaders: (res, pathname) => {
            res.setHeader('Content-Security-Policy', isEvalWorker(pathname) ? WORKER_CSP : SIM_CSP);
            res.setHeader('X-Content-Type-Options', 'nosniff');
            res.setHeader('Referrer-Policy', 'no-referrer');
            res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
          },
        })
      : null;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.url?.startsWith('/speech?') || req.url === '/speech') {
      if (!tokenMatches(req.url, token)) {
        res.writeHead(401).end();
        return;
      }
      const params = new URL(req.url, 'http://127.0.0.1').searchParams;
      void speechReply(params, speech).then((reply) => {
        res.writeHead(reply.status, reply.headers).end(req.method === 'HEAD' ? undefined : reply.body);
      });
      return;
    }
    if (req.url?.startsWith('/models/')) {
      if (!tokenMatches(req.url, token)) {
        res.writeHead(401).end();
        return;
      }
      // Not the page (which the static handler would send for any unknown path): a 404 means "not installed".
      const id = VOICE_MODEL_URL.exec(req.url)?.[1];
      const file = id ? (options.voiceModelFile?.(id) ?? null) : null;
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      sendFile(req, res, file, 'voice_model.failed');
      return;
    }
    const track = req.url?.match(TRACK_URL);
    if (track && options.trackFile) {
      if (!tokenMatches(req.url, token)) {
        res.writeHead(401).end();
        return;
      }
      const file = options.trackFile(Number(track[1]));
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      sendFile(req, res, file, 'media.failed');
      return;
    }
    if (!serveStatic) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The renderer is not built: run `npm run build`.\n');
      return;
    }
    serveStatic(req, res, () => {
      res.writeHead(404).end();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let port = 0;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws' || !originAllowed(req.headers.origin, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!tokenMatches(req.url, token)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (event: Event): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
    };
    const off = assistant.on(send);
    for (const event of assistant.initialEvents()) send(event);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ type: 'error', code: 'bad_json', message: 'send commands as JSON text frames' });
        return;
      }
      const decoded = decodeCommandText(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
      if (!decoded.ok) {
        send({ type: 'error', ...decoded.error });
        return;
      }
      // Refusals come back as `error` events from the assistant itself.
      void assistant.handle(decoded.value);
    });
    ws.on('close', off);
    ws.on('error', off);
    ws.on('error', (error) => options.log?.warn('socket.error', { err: error }));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.on('error', (error) => options.log?.error('server.error', { err: error }));
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/?token=${token}`,
        socketUrl: `ws://127.0.0.1:${port}/ws?token=${token}`,
        token,
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) client.close(1001, 'server shutting down');
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Browsers send Origin on WebSocket upgrades: only our own page may connect. Tools (no Origin) may. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
