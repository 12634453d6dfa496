// Transport over the simulator's WebSocket (/ws): Command JSON out, Event JSON in, every frame
// checked against the contract, reconnecting with jittered exponential backoff.
import { decodeCommand, decodeEvent, type Command, type Event as KemudiEvent } from '../../../common/contract.js';
import { err, ok, type Result } from '../../../common/result.js';
import { fanOut, type ConnectionStatus, type EventListener, type StatusListener, type Transport } from './types.js';

/** The part of the browser's WebSocket this transport uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
  onmessage: ((message: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

const OPEN = 1; // WebSocket.OPEN

export const BACKOFF_MIN_MS = 250;
export const BACKOFF_MAX_MS = 5000;

/** Delay before reconnect attempt `attempt` (0-based): doubling up to a ceiling, with "equal jitter"
 *  so several windows do not hammer a restarting server in lockstep. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The run's token from the page's link (`?token=…`, printed by `kemudi sim`); '' when absent. */
export function pageToken(location: { search?: string }): string {
  return new URLSearchParams(location.search ?? '').get('token') ?? '';
}

/** ws://host/ws?token=… for http pages, wss:// for https. */
export function socketUrl(location: { protocol: string; host: string; search?: string }): string {
  const token = pageToken(location);
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export interface WebSocketTransportOptions {
  url: string;
  connect?: (url: string) => SocketLike;
  /** Runs fn after ms; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
  random?: () => number;
  warn?: (...args: unknown[]) => void;
}

function browserSocket(url: string): SocketLike {
  // Looked up at run time: the type-checker for tests has no DOM, and Node 20 has no global WebSocket.
  const Ctor = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (!Ctor) throw new Error('this environment has no WebSocket');
  return new Ctor(url);
}

function timeout(fn: () => void, ms: number): () => void {
  const handle = setTimeout(fn, ms);
  return () => clearTimeout(handle);
}

export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;

  /** A music track from the simulator, with the run's token the server asks for. */
  mediaUrl(trackId: number): string {
    const token = new URL(this.options.url, 'ws://127.0.0.1').searchParams.get('token');
    return `/media/tracks/${trackId}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  }
  private readonly eventListeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly connectSocket: (url: string) => SocketLike;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly random: () => number;
  private readonly warn: (...args: unknown[]) => void;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private status: ConnectionStatus = 'connecting';
  private closed = false;

  constructor(private readonly options: WebSocketTransportOptions) {
    this.connectSocket = options.connect ?? browserSocket;
    this.schedule = options.schedule ?? timeout;
    this.random = options.random ?? Math.random;
    this.warn = options.warn ?? console.warn;
    this.open();
  }

  send(command: Command): Promise<Result<void>> {
    const decoded = decodeCommand(command);
    if (!decoded.ok) return Promise.resolve(decoded);
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      // Not queued: a command typed while offline would fire unexpectedly on reconnect.
      return Promise.resolve(err('unavailable', 'not connected to Kemudi; reconnecting'));
    }
    try {
      socket.send(JSON.stringify(decoded.value));
    } catch (error) {
      return Promise.resolve(err('internal', error instanceof Error ? error.message : String(error)));
    }
    return Promise.resolve(ok(undefined));
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.cancelRetry?.();
    this.cancelRetry = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = null;
      socket.onmessage = null;
      socket.close();
    }
    this.setStatus('closed');
  }

  private open(): void {
    this.cancelRetry = null;
    if (this.closed) return;
    let socket: SocketLike;
    try {
      socket = this.connectSocket(this.options.url);
    } catch (error) {
      this.warn('kemudi: cannot open the WebSocket:', error);
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
    };
    socket.onmessage = (message) => this.receive(message.data);
    // Browsers fire close after error; reconnecting is decided there, once.
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retry();
    };
  }

  private retry(): void {
    if (this.closed) return;
    this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt++, this.random);
    this.cancelRetry = this.schedule(() => this.open(), delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.warn('kemudi: dropped a binary frame; events are JSON text');
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.warn('kemudi: dropped a frame that is not JSON');
      return;
    }
    const decoded = decodeEvent(value);
    if (!decoded.ok) {
      this.warn('kemudi: dropped an invalid event:', decoded.error.message);
      return;
    }
    fanOut<KemudiEvent>(this.eventListeners, decoded.value, this.warn);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    fanOut(this.statusListeners, status, this.warn);
  }
}
