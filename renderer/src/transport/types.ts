// The renderer's one way to talk to the core, whichever shell it runs in.
import type { Command, Event as KemudiEvent } from '../../../common/contract.js';
import type { Result } from '../../../common/result.js';

/** What main/preload exposes on `window.kemudi` through contextBridge: the contract and nothing else. */
export interface KemudiBridge {
  send(command: Command): Promise<Result<void>>;
  onEvent(listener: (event: KemudiEvent) => void): () => void;
}

export type TransportKind = 'electron' | 'websocket';
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type EventListener = (event: KemudiEvent) => void;
export type StatusListener = (status: ConnectionStatus) => void;

export interface Transport {
  readonly kind: TransportKind;
  /** Validates the command, then hands it over. `ok` means delivered to the core, not that the turn succeeded. */
  send(command: Command): Promise<Result<void>>;
  /** Only valid events reach listeners. */
  onEvent(listener: EventListener): () => void;
  /** Where the audio element fetches a music track. */
  mediaUrl(trackId: number): string;
  /** Called at once with the current status, then on every change. */
  onStatus(listener: StatusListener): () => void;
  close(): void;
}

/** Calls every listener even when one throws: one broken view must not starve the others. */
export function fanOut<T>(listeners: Iterable<(value: T) => void>, value: T, warn: (...args: unknown[]) => void): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (error) {
      warn('kemudi: a listener threw', error);
    }
  }
}
