// Picks the transport at run time: the Electron preload bridge when present, else the simulator's WebSocket.
import { BridgeTransport, isKemudiBridge } from './bridge.js';
import type { Transport } from './types.js';
import { socketUrl, WebSocketTransport } from './websocket.js';

export interface TransportScope {
  kemudi?: unknown;
  location: { protocol: string; host: string; search?: string };
}

export function selectTransport(scope: TransportScope, warn: (...args: unknown[]) => void = console.warn): Transport {
  if (isKemudiBridge(scope.kemudi)) return new BridgeTransport(scope.kemudi, warn);
  if (scope.kemudi !== undefined) warn('kemudi: window.kemudi is not the expected bridge; using the WebSocket');
  return new WebSocketTransport({ url: socketUrl(scope.location), warn });
}

export type { ConnectionStatus, KemudiBridge, Transport, TransportKind } from './types.js';
