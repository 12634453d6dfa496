// The sandboxed preload: window.kemudi is the contract and nothing else (never ipcRenderer itself).
// Commands are checked here before they leave the page, events before they reach it.
// Bundled with zod into one CommonJS file: a sandboxed preload can require only 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { type Command, decodeCommand, decodeEvent, type Event } from '../../common/contract.js';
import { err, type Result } from '../../common/result.js';
import { COMMAND_CHANNEL, EVENT_CHANNEL } from '../app/channels.js';

// zod otherwise probes `new Function` for its fast path, which the page's CSP (no unsafe-eval) reports.
z.config({ jitless: true });

export type EventListener = (event: Event) => void;

/** What the renderer sees as window.kemudi. */
export interface KemudiBridge {
  send(command: Command): Promise<Result<void>>;
  onEvent(listener: EventListener): () => void;
}

const listeners = new Set<EventListener>();
/** The latest state, so a listener added after the page loaded still starts from the truth. */
let lastState: Event | undefined;

ipcRenderer.on(EVENT_CHANNEL, (_event, value: unknown) => {
  const decoded = decodeEvent(value);
  if (!decoded.ok) {
    console.warn(`kemudi: dropped an event that is not in the contract: ${decoded.error.message}`);
    return;
  }
  if (decoded.value.type === 'state') lastState = decoded.value;
  for (const listener of [...listeners]) deliver(listener, decoded.value);
});

function deliver(listener: EventListener, event: Event): void {
  try {
    listener(event);
  } catch (error) {
    // One broken listener must not keep the event from the others.
    console.error('kemudi: an event listener failed', error);
  }
}

function isResult(value: unknown): value is Result<void> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

const bridge: KemudiBridge = {
  async send(command) {
    const decoded = decodeCommand(command);
    if (!decoded.ok) return err(decoded.error.code, decoded.error.message);
    try {
      const reply: unknown = await ipcRenderer.invoke(COMMAND_CHANNEL, decoded.value);
      return isResult(reply) ? reply : err('internal', 'the core sent a reply outside the contract');
    } catch {
      // No handler yet (the core is still starting) or the main process is going away.
      return err('unavailable', 'the core did not answer');
    }
  },
  onEvent(listener) {
    if (typeof listener !== 'function') return () => undefined;
    listeners.add(listener);
    const state = lastState;
    if (state) queueMicrotask(() => listeners.has(listener) && deliver(listener, state));
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('kemudi', bridge);
