// Transport over the Electron preload bridge (window.kemudi). Events are checked again here:
// the contract is validated on both sides of every boundary.
import { decodeCommand, decodeEvent, type Command, type Event as KemudiEvent } from '../../../common/contract.js';
import { err, type Result } from '../../../common/result.js';
import { fanOut, type EventListener, type KemudiBridge, type StatusListener, type Transport } from './types.js';

export function isKemudiBridge(value: unknown): value is KemudiBridge {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.send === 'function' && typeof candidate.onEvent === 'function';
}

export class BridgeTransport implements Transport {
  readonly kind = 'electron' as const;

  /** A music track through the shell's own protocol (main/app/media-protocol.ts). */
  mediaUrl(trackId: number): string {
    return `kemudi-media://tracks/${trackId}`;
  }
  private readonly listeners = new Set<EventListener>();
  private unsubscribe: (() => void) | null;

  constructor(
    private readonly bridge: KemudiBridge,
    private readonly warn: (...args: unknown[]) => void = console.warn,
  ) {
    this.unsubscribe = bridge.onEvent((raw: unknown) => this.receive(raw));
  }

  async send(command: Command): Promise<Result<void>> {
    const decoded = decodeCommand(command);
    if (!decoded.ok) return decoded;
    try {
      return await this.bridge.send(decoded.value);
    } catch (error) {
      // The preload should answer with a Result; a rejection is a bug we report instead of throwing.
      return err('internal', error instanceof Error ? error.message : String(error));
    }
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    // IPC has no connection to lose while the window lives.
    listener(this.unsubscribe ? 'open' : 'closed');
    return () => undefined;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.listeners.clear();
  }

  private receive(raw: unknown): void {
    const decoded = decodeEvent(raw);
    if (!decoded.ok) {
      this.warn('kemudi: dropped an invalid event from the bridge:', decoded.error.message);
      return;
    }
    fanOut<KemudiEvent>(this.listeners, decoded.value, this.warn);
  }
}
