// The renderer's pure logic in plain Node: events reduced into what the screen shows, and both
// transports (WebSocket with backoff, Electron bridge) checking the contract on the way in and out.
import { describe, expect, it, vi } from 'vitest';
import type { Command, Event, StateEvent, Trace } from '../../common/contract.js';
import { err, ok } from '../../common/result.js';
import { BridgeTransport, isKemudiBridge } from '../../renderer/src/transport/bridge.js';
import { selectTransport } from '../../renderer/src/transport/index.js';
import type { ConnectionStatus, KemudiBridge } from '../../renderer/src/transport/types.js';
import {
  BACKOFF_MAX_MS,
  backoffDelay,
  socketUrl,
  WebSocketTransport,
  type SocketLike,
} from '../../renderer/src/transport/websocket.js';
import {
  dismissNotice,
  initialUi,
  MAX_TURNS,
  reduce,
  traceSummary,
  typingAllowed,
  vehicleStatus,
} from '../../renderer/src/state/ui.js';

const PARKED = { moving: false, keyboard: true, maxListItems: 50, maxChars: 2000 };
const MOVING = { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 };

function stateEvent(vehicle: StateEvent['vehicle'] = {}, restrictions = PARKED): StateEvent {
  return { type: 'state', dialogue: 'idle', vehicle, restrictions };
}

const trace: Trace = {
  heard: 'turn on the headlights',
  lang: 'en',
  intent: 'vehicle.lights',
  slots: { state: 'on', beam: 'low' },
  source: 'template',
  confidence: 1,
  policy: 'allow',
  actions: ['Vehicle.Body.Lights.Beam.Low.IsOn=true'],
};

describe('renderer state: reduce', () => {
  it('turns final transcripts and responses into turns, in order, with the trace kept', () => {
    let ui = initialUi();
    ui = reduce(ui, { type: 'transcript', text: 'turn on', lang: 'en', final: false });
    expect(ui.interim).toBe('turn on');
    expect(ui.turns).toEqual([]);
    ui = reduce(ui, { type: 'transcript', text: 'turn on the headlights', lang: 'en', final: true });
    ui = reduce(ui, { type: 'response', text: 'Headlights on.', lang: 'en', trace });
    expect(ui.interim).toBeNull();
    expect(ui.turns.map((t) => [t.kind, t.text])).toEqual([
      ['user', 'turn on the headlights'],
      ['kemudi', 'Headlights on.'],
    ]);
    const last = ui.turns[1];
    expect(last?.kind === 'kemudi' && last.trace).toEqual(trace);
    expect(new Set(ui.turns.map((t) => t.id)).size).toBe(2);
  });

  it('marks a response the policy wants spoken only, keeping its text for speech output', () => {
    const ui = reduce(initialUi(), { type: 'response', text: 'Sari says: running late', lang: 'en', spokenOnly: true });
    expect(ui.turns[0]).toMatchObject({ kind: 'kemudi', text: 'Sari says: running late', spokenOnly: true });
    expect(reduce(initialUi(), { type: 'response', text: 'Headlights on.', lang: 'en' }).turns[0]).not.toHaveProperty('spokenOnly');
  });

  it('shows a call while it rings or is connected, and drops it when it ends', () => {
    const call = { state: 'active' as const, name: 'Budi Santoso', number: '+6281110007803', answeredAt: 1 };
    let ui = reduce(initialUi(), { type: 'call', call });
    expect(ui.call).toEqual(call);
    ui = reduce(ui, { type: 'call', call: { ...call, state: 'ended' } });
    expect(ui.call).toBeNull();
  });

  it('keeps the latest state and only the newest turns', () => {
    let ui = reduce(initialUi(), stateEvent({ 'Vehicle.Speed': 10 }));
    ui = reduce(ui, stateEvent({ 'Vehicle.Speed': 20 }));
    expect(ui.state?.vehicle['Vehicle.Speed']).toBe(20);
    for (let i = 0; i < MAX_TURNS + 5; i++) ui = reduce(ui, { type: 'response', text: `r${i}`, lang: 'en' });
    expect(ui.turns).toHaveLength(MAX_TURNS);
    expect(ui.turns[0]?.text).toBe('r5');
    expect(ui.turns.at(-1)?.text).toBe(`r${MAX_TURNS + 4}`);
  });

  it('shows an error as a notice that only its own timer dismisses', () => {
    const first = reduce(initialUi(), { type: 'error', code: 'busy', message: 'one' });
    const second = reduce(first, { type: 'error', code: 'internal', message: 'two' });
    expect(second.notice).toMatchObject({ code: 'internal', message: 'two' });
    // The first notice's timer fires late: it must not hide the second.
    expect(dismissNotice(second, first.notice!.id).notice?.message).toBe('two');
    expect(dismissNotice(second, second.notice!.id).notice).toBeNull();
  });
});

describe('renderer state: status strip and typing', () => {
  it('describes the car from a snapshot', () => {
    const texts = vehicleStatus({
      'Vehicle.Speed': 42.4,
      'Vehicle.Powertrain.Transmission.SelectedGear': 'D',
      'Vehicle.Body.Lights.Beam.Low.IsOn': true,
      'Vehicle.Body.Lights.Beam.High.IsOn': false,
      'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature': 21.5,
      'Vehicle.Powertrain.FuelSystem.RelativeLevel': 72,
      'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true,
      'Vehicle.Cabin.Door.Row1.PassengerSide.IsLocked': false,
      'Vehicle.Cabin.Door.Row2.DriverSide.IsLocked': true,
      'Vehicle.Cabin.Door.Row2.PassengerSide.IsLocked': false,
    }).map((item) => [item.id, item.text, item.active]);
    expect(texts).toEqual([
      ['speed', '42 km/h', true],
      ['gear', 'Gear D', true],
      ['headlights', 'Headlights on', true],
      ['highbeams', 'High beams off', false],
      ['temperature', 'Driver 21.5 °C', false],
      ['fuel', 'Fuel 72%', false],
      ['doors', '2 of 4 doors unlocked', true],
    ]);
  });

  it('says "unknown" for missing signals instead of inventing values', () => {
    const byId = Object.fromEntries(vehicleStatus({}).map((item) => [item.id, item.text]));
    expect(byId.headlights).toBe('Headlights unknown');
    expect(byId.doors).toBe('Doors unknown');
    expect(byId.speed).toBe('– km/h');
    const locked = vehicleStatus({ 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true }).find((i) => i.id === 'doors');
    expect(locked?.text).toBe('Doors locked');
  });

  it('disables typing while moving only under the Electron bridge', () => {
    expect(typingAllowed('electron', MOVING)).toBe(false);
    expect(typingAllowed('electron', PARKED)).toBe(true);
    expect(typingAllowed('electron', undefined)).toBe(true);
    expect(typingAllowed('websocket', MOVING)).toBe(true);
  });

  it('summarizes a trace compactly', () => {
    expect(traceSummary(trace)).toEqual([
      ['intent', 'vehicle.lights (state=on beam=low)'],
      ['source', 'template 100%'],
      ['policy', 'allow'],
      ['actions', 'Body.Lights.Beam.Low.IsOn=true'],
    ]);
    const denied = traceSummary({ ...trace, policy: 'deny', policyReason: 'policy.reason.moving_deny', actions: [] });
    expect(denied[2]).toEqual(['policy', 'deny: policy.reason.moving_deny']);
    expect(denied[3]).toEqual(['actions', 'none']);
  });
});

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  readonly sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(): void {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.();
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { ms: number; fn: () => void; cancelled: boolean }[] = [];
  const warn = vi.fn();
  const transport = new WebSocketTransport({
    url: 'ws://127.0.0.1:9/ws',
    connect: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    schedule: (fn, ms) => {
      const timer = { ms, fn, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    random: () => 1,
    warn,
  });
  const statuses: ConnectionStatus[] = [];
  transport.onStatus((status) => statuses.push(status));
  const events: Event[] = [];
  transport.onEvent((event) => events.push(event));
  return { transport, sockets, timers, warn, statuses, events };
}

describe('WebSocket transport', () => {
  it('builds ws:// or wss:// from the page location', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws');
    expect(socketUrl({ protocol: 'https:', host: 'kemudi.local' })).toBe('wss://kemudi.local/ws');
    // The run's token from the link `kemudi sim` printed travels with the socket.
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:8080', search: '?token=Zx_9-a' })).toBe('ws://127.0.0.1:8080/ws?token=Zx_9-a');
  });

  it('backs off exponentially with jitter, up to a ceiling', () => {
    expect(backoffDelay(0, () => 0)).toBe(125);
    expect(backoffDelay(0, () => 1)).toBe(250);
    expect(backoffDelay(3, () => 1)).toBe(2000);
    expect(backoffDelay(30, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(30, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });

  it('passes valid events on and drops invalid ones with a warning', () => {
    const { sockets, events, warn } = harness();
    const socket = sockets[0]!;
    socket.open();
    socket.receive('not json');
    socket.receive(JSON.stringify({ type: 'response', text: 42, lang: 'en' }));
    socket.receive(new Uint8Array([1, 2]));
    socket.receive(JSON.stringify({ type: 'response', text: 'Headlights on.', lang: 'en' }));
    expect(events).toEqual([{ type: 'response', text: 'Headlights on.', lang: 'en' }]);
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('validates commands before sending and refuses while not connected', async () => {
    const { transport, sockets } = harness();
    const socket = sockets[0]!;
    const command: Command = { type: 'utterance', text: 'turn on the headlights', source: 'text' };
    expect((await transport.send(command)).ok).toBe(false);
    socket.open();
    expect(await transport.send(command)).toEqual(ok(undefined));
    const invalid = { type: 'utterance', text: 'x', lang: 'fr', source: 'text' } as unknown as Command;
    const refused = await transport.send(invalid);
    expect(refused.ok === false && refused.error.code).toBe('invalid_message');
    expect(socket.sent.map((frame) => JSON.parse(frame) as unknown)).toEqual([command]);
  });

  it('reconnects with growing delays, resets them once connected, and stops on close', () => {
    const { transport, sockets, timers, statuses } = harness();
    sockets[0]!.drop();
    expect(timers.map((t) => t.ms)).toEqual([250]);
    timers[0]!.fn();
    sockets[1]!.drop();
    timers[1]!.fn();
    sockets[2]!.drop();
    expect(timers.map((t) => t.ms)).toEqual([250, 500, 1000]);
    timers[2]!.fn();
    sockets[3]!.open();
    sockets[3]!.drop();
    expect(timers.at(-1)?.ms).toBe(250);
    expect(statuses).toEqual(['connecting', 'reconnecting', 'open', 'reconnecting']);

    transport.close();
    expect(timers.at(-1)?.cancelled).toBe(true);
    expect(statuses.at(-1)).toBe('closed');
    expect(sockets).toHaveLength(4);
  });

  it('closes the open socket on close and ignores its late events', () => {
    const { transport, sockets, timers, events } = harness();
    const socket = sockets[0]!;
    socket.open();
    transport.close();
    expect(socket.closed).toBe(true);
    socket.receive(JSON.stringify({ type: 'response', text: 'late', lang: 'en' }));
    socket.drop();
    expect(events).toEqual([]);
    expect(timers).toEqual([]);
  });
});

describe('Electron bridge transport', () => {
  function fakeBridge(answer: () => Promise<ReturnType<typeof ok<void>>> = () => Promise.resolve(ok(undefined))) {
    const sent: Command[] = [];
    let emit: ((event: unknown) => void) | undefined;
    const bridge: KemudiBridge = {
      send: (command) => {
        sent.push(command);
        return answer();
      },
      onEvent: (listener) => {
        emit = listener as (event: unknown) => void;
        return () => (emit = undefined);
      },
    };
    return { bridge, sent, emit: (event: unknown) => emit?.(event), subscribed: () => emit !== undefined };
  }

  it('recognizes only an object with send and onEvent functions', () => {
    expect(isKemudiBridge(fakeBridge().bridge)).toBe(true);
    expect(isKemudiBridge({ send: () => undefined })).toBe(false);
    expect(isKemudiBridge(null)).toBe(false);
  });

  it('forwards only valid commands and reports a rejecting bridge as an internal error', async () => {
    const fake = fakeBridge();
    const transport = new BridgeTransport(fake.bridge, vi.fn());
    expect(await transport.send({ type: 'wake' })).toEqual(ok(undefined));
    const bad = await transport.send({ type: 'wake', extra: 1 } as unknown as Command);
    expect(bad.ok).toBe(false);
    expect(fake.sent).toEqual([{ type: 'wake' }]);

    const broken = new BridgeTransport(fakeBridge(() => Promise.reject(new Error('ipc gone'))).bridge, vi.fn());
    expect(await broken.send({ type: 'wake' })).toEqual(err('internal', 'ipc gone'));
  });

  it('checks events again and unsubscribes on close', () => {
    const fake = fakeBridge();
    const warn = vi.fn();
    const transport = new BridgeTransport(fake.bridge, warn);
    const events: Event[] = [];
    transport.onEvent((event) => events.push(event));
    fake.emit({ type: 'error', code: 'nope', message: 'x' });
    fake.emit({ type: 'error', code: 'busy', message: 'busy' });
    expect(events).toEqual([{ type: 'error', code: 'busy', message: 'busy' }]);
    expect(warn).toHaveBeenCalledOnce();
    transport.close();
    expect(fake.subscribed()).toBe(false);
  });

  it('is chosen when window.kemudi is a bridge, else the WebSocket', () => {
    const fake = fakeBridge();
    const location = { protocol: 'http:', host: '127.0.0.1:1' };
    const bridged = selectTransport({ kemudi: fake.bridge, location });
    expect(bridged.kind).toBe('electron');
    bridged.close();
    const warn = vi.fn();
    // Whether or not this Node has a global WebSocket, choosing one must not throw.
    const socket = selectTransport({ kemudi: { send: 1 }, location }, warn);
    expect(socket.kind).toBe('websocket');
    socket.close();
    expect(warn).toHaveBeenCalledWith('kemudi: window.kemudi is not the expected bridge; using the WebSocket');
  });
});
