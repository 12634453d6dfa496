// The preload as Electron runs it: bundled to one CommonJS file (as scripts/build.mjs does), then run in a
// fresh JavaScript context that, like a sandboxed preload, can require nothing but 'electron'. Electron
// itself is a fake that records what the preload exposes and sends: the boundary, and nothing past it.
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Event } from '../../common/contract.js';
import type { Result } from '../../common/result.js';

interface Bridge {
  send(command: unknown): Promise<Result<void>>;
  onEvent(listener: (event: Event) => void): () => void;
}

let bundle = '';
beforeAll(async () => {
  // The options of the preload step in scripts/build.mjs.
  const out = await build({
    entryPoints: [fileURLToPath(new URL('../../main/preload/index.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
});

function load(invoke: (channel: string, value: unknown) => Promise<unknown> = () => Promise.resolve({ ok: true, value: undefined })) {
  const exposed = new Map<string, unknown>();
  const handlers = new Map<string, (event: unknown, value: unknown) => void>();
  const required: string[] = [];
  const ipcRenderer = {
    on: (channel: string, handler: (event: unknown, value: unknown) => void) => handlers.set(channel, handler),
    invoke: vi.fn(invoke),
  };
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer };
  const module = { exports: {} };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
    console: { warn: vi.fn(), error: vi.fn(), log: vi.fn() },
    queueMicrotask,
    URL,
    TextEncoder,
    TextDecoder,
  };
  runInNewContext(bundle, sandbox, { filename: 'preload.cjs' });
  const emit = (value: unknown): void => handlers.get('kemudi:event')!({ sender: 'ipc' }, value);
  return { exposed, required, ipcRenderer, emit, console: sandbox.console, bridge: exposed.get('kemudi') as Bridge };
}

const state = (dialogue: 'idle' | 'listening'): Event => ({
  type: 'state',
  dialogue,
  vehicle: { 'Vehicle.Speed': 0 },
  restrictions: { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 },
});

describe('preload (bundled, sandboxed)', () => {
  it('requires only electron and exposes exactly window.kemudi = { send, onEvent }', () => {
    const { exposed, required, bridge } = load();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['kemudi']);
    expect(Object.keys(bridge).sort()).toEqual(['onEvent', 'send']);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('sends a valid command over kemudi:command and returns the core answer', async () => {
    const { bridge, ipcRenderer } = load(() => Promise.resolve({ ok: false, error: { code: 'busy', message: 'one moment' } }));
    const command = { type: 'utterance', text: 'turn on the headlights', source: 'voice' };
    await expect(bridge.send(command)).resolves.toEqual({ ok: false, error: { code: 'busy', message: 'one moment' } });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('kemudi:command', command);
  });

  it('refuses a command outside the contract before it leaves the page', async () => {
    const { bridge, ipcRenderer } = load();
    for (const bad of [{ type: 'reboot' }, { type: 'wake', extra: 1 }, 'wake', null]) {
      const result = await bridge.send(bad);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    }
    expect(ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('turns a failed or odd IPC reply into a typed error', async () => {
    const broken = load(() => Promise.reject(new Error('No handler registered')));
    await expect(broken.bridge.send({ type: 'wake' })).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const odd = load(() => Promise.resolve('yes'));
    await expect(odd.bridge.send({ type: 'wake' })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('delivers contract events, drops others, and stops after unsubscribe', () => {
    const { bridge, emit, console } = load();
    const seen: Event[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    emit(state('listening'));
    emit({ type: 'error', code: 'busy', message: 'one moment' });
    emit({ type: 'state', dialogue: 'dancing' });
    emit({ type: 'exec', command: 'rm -rf /' });
    expect(seen.map((e) => e.type)).toEqual(['state', 'error']);
    expect(console.warn).toHaveBeenCalledTimes(2);
    off();
    emit(state('idle'));
    expect(seen).toHaveLength(2);
  });

  it('a listener added late starts from the latest state; one that throws does not stop the others', async () => {
    const { bridge, emit } = load();
    emit(state('idle'));
    emit(state('listening'));
    bridge.onEvent(() => {
      throw new Error('broken listener');
    });
    const seen: Event[] = [];
    bridge.onEvent((e) => seen.push(e));
    await Promise.resolve();
    expect(seen).toEqual([state('listening')]);
    emit(state('idle'));
    expect(seen).toHaveLength(2);
  });
});
