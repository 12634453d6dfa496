// A local HTTP file server for the download tests (127.0.0.1, a random port): Range requests, redirects,
// error statuses, a connection cut in the middle of the body, slow and stalled bodies. It logs every
// request with the Range header it saw and the body bytes it sent.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateRawSync } from 'node:zlib';

export interface Route {
  data?: Buffer;
  /** Answer Range requests with 206 (default) or ignore them and send the whole file with 200. */
  ranges?: boolean;
  /** Send this many body bytes, then destroy the connection, for the next `cutTimes` requests. */
  cutAfter?: number;
  cutTimes?: number;
  /** Send the body in chunks of `chunkBytes` with this pause between them. */
  chunkDelayMs?: number;
  chunkBytes?: number;
  /** Send this many body bytes, then nothing more while keeping the connection open. */
  stallAfter?: number;
  status?: number;
  redirect?: string;
}

export interface Hit {
  path: string;
  range: string | undefined;
  status: number;
  sent: number;
}

/** A file that passes checkGgufHeader: "GGUF", version 3, one tensor, no metadata, then random bytes. */
export function fakeGguf(bytes: number): { data: Buffer; sha256: string } {
  const data = randomBytes(bytes);
  data.write('GGUF', 0, 'latin1');
  data.writeUInt32LE(3, 4);
  data.writeBigUInt64LE(1n, 8);
  data.writeBigUInt64LE(0n, 16);
  return { data, sha256: sha256(data) };
}

/** A zip of `files` (name → content; a name ending in '/' is a folder), deflated, as alphacephei's are. */
export function makeZip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const packed = name.endsWith('/') ? Buffer.alloc(0) : deflateRawSync(data);
    const method = name.endsWith('/') ? 0 : 8;
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    central.push(entry, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export class FileServer {
  readonly routes = new Map<string, Route>();
  readonly hits: Hit[] = [];
  private readonly server: Server;
  private readonly open = new Set<ServerResponse>();
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = this.routes.get(path);
    const range = req.headers.range;
    const hit: Hit = { path, range, status: 0, sent: 0 };
    this.hits.push(hit);
    const answer = (status: number, headers: Record<string, string | number> = {}): void => {
      hit.status = status;
      res.writeHead(status, headers);
    };
    if (!route) {
      answer(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (route.redirect) {
      answer(302, { location: route.redirect });
      res.end();
      return;
    }
    if (route.status) {
      answer(route.status, { 'content-type': 'text/plain' });
      res.end(`status ${route.status}`);
      return;
    }
    const data = route.data ?? Buffer.alloc(0);
    const size = data.byteLength;
    let start = 0;
    const match = route.ranges === false || !range ? null : /^bytes=(\d+)-$/.exec(range);
    if (match) {
      start = Number(match[1]);
      if (start >= size) {
        answer(416, { 'content-range': `bytes */${size}` });
        res.end();
        return;
      }
      answer(206, { 'content-range': `bytes ${start}-${size - 1}/${size}`, 'content-length': size - start, 'accept-ranges': 'bytes' });
    } else {
      answer(200, { 'content-length': size, 'accept-ranges': route.ranges === false ? 'none' : 'bytes' });
    }
    const body = data.subarray(start);

    if (route.cutAfter !== undefined && (route.cutTimes ?? 0) > 0) {
      route.cutTimes = (route.cutTimes ?? 0) - 1;
      const slice = body.subarray(0, route.cutAfter);
      hit.sent = slice.byteLength;
      res.write(slice, () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (route.stallAfter !== undefined) {
      const slice = body.subarray(0, route.stallAfter);
      hit.sent = slice.byteLength;
      this.open.add(res);
      res.write(slice);
      return;
    }
    if (route.chunkDelayMs !== undefined) {
      const chunk = route.chunkBytes ?? 64 * 1024;
      this.open.add(res);
      let offset = 0;
      const next = (): void => {
        if (res.destroyed || req.destroyed) return;
        if (offset >= body.byteLength) {
          this.open.delete(res);
          res.end();
          return;
        }
        const piece = body.subarray(offset, offset + chunk);
        offset += piece.byteLength;
        hit.sent += piece.byteLength;
        res.write(piece, () => setTimeout(next, route.chunkDelayMs));
      };
      res.on('close', () => this.open.delete(res));
      next();
      return;
    }
    hit.sent = body.byteLength;
    res.end(body);
  }
}
