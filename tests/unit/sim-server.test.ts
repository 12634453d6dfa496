// The simulator server end to end over a real WebSocket: start, talk the contract, refuse garbage, shut down.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeEvent, type Event } from '../../common/contract.js';
import { Assistant } from '../../main/core/assistant.js';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant } from '../../main/core/compose.js';
import { SafetyPolicy } from '../../main/core/policy/policy.js';
import { originAllowed, type SimServer, startSimServer, tokenMatches } from '../../main/simulator/server.js';
import { SimulatedVehicle } from '../../main/simulator/vehicle.js';
import { exitCode, spawnKemudi, waitForLine } from '../support/cli.js';

const knowledge = loadKnowledge();

class Client {
  readonly events: Event[] = [];
  private waiters: { test: (e: Event) => boolean; resolve: (e: Event) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const decoded = decodeEvent(JSON.parse(String(data)));
      if (!decoded.ok) throw new Error(`the server sent an event outside the contract: ${decoded.error.message}`);
      this.events.push(decoded.value);
      this.waiters = this.waiters.filter((w) => (w.test(decoded.value) ? (w.resolve(decoded.value), false) : true));
    });
  }
  static connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }
  next(test: (e: Event) => boolean): Promise<Event> {
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }
}

describe('simulator server', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  beforeEach(async () => {
    sim = createSimulatedAssistant({ database: ':memory:', knowledge });
    server = await startSimServer({ assistant: sim.assistant, port: 0 });
  });
  afterEach(async () => {
    await server.close();
    sim.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('sends the state on connect, and state, transcript and response for an utterance', async () => {
    const client = await Client.connect(server.socketUrl);
    const first = await client.next((e) => e.type === 'state');
    expect(first).toMatchObject({ type: 'state', dialogue: 'idle', vehicle: { 'Vehicle.Body.Lights.Beam.Low.IsOn': false } });
    client.send({ type: 'utterance', text: 'turn on the headlights', source: 'text' });
    const response = await client.next((e) => e.type === 'response');
    expect(response).toMatchObject({ type: 'response', text: 'Headlights on.', lang: 'en' });
    expect(client.events.some((e) => e.type === 'transcript' && e.text === 'turn on the headlights')).toBe(true);
    await client.next((e) => e.type === 'state' && e.dialogue === 'idle' && e.vehicle['Vehicle.Body.Lights.Beam.Low.IsOn'] === true);
    expect(sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(true);
    client.ws.close();
  });

  it('answers garbage with typed errors and stays up', async () => {
    const client = await Client.connect(server.socketUrl);
    client.send('{not json');
    expect(await client.next((e) => e.type === 'error')).toMatchObject({ code: 'bad_json' });
    client.send({ type: 'utterance', text: 42, source: 'text' });
    await client.next((e) => e.type === 'error' && e.code === 'invalid_message');
    client.send({ type: 'intent', id: 'x1', name: 'vehicle.lights', slots: { state: 'sideways' }, source: 'touch' });
    expect(await client.next((e) => e.type === 'error' && e.id === 'x1')).toMatchObject({ code: 'invalid_slots' });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.next((e) => e.type === 'error' && e.message.includes('text frames'));
    client.send({ type: 'utterance', text: 'lights on', source: 'text' });
    await client.next((e) => e.type === 'response');
    client.ws.close();
  });

  it('mirrors one car to every connected screen', async () => {
    const a = await Client.connect(server.socketUrl);
    const b = await Client.connect(server.socketUrl);
    a.send({ type: 'sim.set', signals: { 'Vehicle.Speed': 90, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } });
    const seen = await b.next((e) => e.type === 'state' && e.vehicle['Vehicle.Speed'] === 90);
    expect(seen).toMatchObject({ restrictions: { moving: true, keyboard: false } });
    a.ws.close();
    b.ws.close();
  });

  it('refuses WebSockets from other origins and other paths', async () => {
    await expect(Client.connect(server.socketUrl, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(Client.connect(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).rejects.toThrow(/403/);
    const own = await Client.connect(server.socketUrl, { Origin: `http://127.0.0.1:${server.port}` });
    own.ws.close();
    expect(originAllowed('http://localhost:1234', 1234)).toBe(true);
    expect(originAllowed('http://localhost:1235', 1234)).toBe(false);
  });

  it("answers only whoever has this run's token: no token, a wrong one or another run's is refused", async () => {
    const base = `ws://127.0.0.1:${server.port}/ws`;
    await expect(Client.connect(base)).rejects.toThrow(/401/);
    await expect(Client.connect(`${base}?token=`)).rejects.toThrow(/401/);
    const wrong = `${server.token.slice(0, -1)}${server.token.endsWith('x') ? 'y' : 'x'}`;
    await expect(Client.connect(`${base}?token=${wrong}`)).rejects.toThrow(/401/);
    await expect(Client.connect(`${base}?token=${server.token}${server.token}`)).rejects.toThrow(/401/);
    const other = await startSimServer({ assistant: sim.assistant, port: 0 });
    expect(other.token).not.toBe(server.token);
    await expect(Client.connect(`${base}?token=${other.token}`)).rejects.toThrow(/401/);
    await other.close();
    expect(tokenMatches(`/ws?token=${server.token}`, server.token)).toBe(true);
    expect(tokenMatches('/ws?token=%', server.token)).toBe(false);
  });

  it('says plainly when the renderer is not built', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
    expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
  });

  it('closes open sockets on shutdown', async () => {
    const client = await Client.connect(server.socketUrl);
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    await server.close();
    expect(await closed).toBe(1001);
    server = await startSimServer({ assistant: sim.assistant, port: 0 });
  });
});

describe('simulator server: the panel’s commands', () => {
  let sim: SimulatedAssistant | undefined;
  let server: SimServer;
  afterEach(async () => {
    await server.close();
    sim?.close();
    sim = undefined;
  });

  it('sends the scenarios on connect, drives, parks and plays a scenario over the socket', async () => {
    const car = createSimulatedAssistant({ database: ':memory:', knowledge });
    sim = car;
    server = await startSimServer({ assistant: car.assistant, port: 0 });
    const client = await Client.connect(server.socketUrl);
    const first = await client.next((e) => e.type === 'sim');
    expect(first.type === 'sim' && first.scenarios.map((s) => s.name)).toContain('monaco-harbour.yaml');
    expect(first.type === 'sim' && first.scenario).toBeNull();

    client.send({ type: 'sim.drive', speed: 80 });
    await client.next((e) => e.type === 'state' && e.vehicle['Vehicle.Powertrain.Transmission.SelectedGear'] === 'D');
    car.vehicle.advance(2000);
    const moving = await client.next((e) => e.type === 'state' && e.restrictions.moving && (e.vehicle['Vehicle.Speed'] as number) > 3);
    expect(moving).toMatchObject({ restrictions: { keyboard: false, maxListItems: 6 } });
    client.send({ type: 'sim.park' });
    // Parking changes no signal until the car brakes; a refused command behind it shows it was handled.
    client.send({ type: 'sim.scenario', id: 'sync', action: 'stop' });
    await client.next((e) => e.type === 'error' && e.id === 'sync');
    expect(car.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('D');
    car.vehicle.advance(10_000);
    expect(car.vehicle.get('Vehicle.Powertrain.Transmission.SelectedGear')).toBe('P');

    client.send({ type: 'sim.scenario', action: 'start', name: 'monaco-harbour.yaml' });
    const started = await client.next((e) => e.type === 'sim' && e.scenario?.running === true);
    expect(started.type === 'sim' && started.scenario).toMatchObject({ name: 'monaco-harbour.yaml', title: 'Monaco harbour to Larvotto', elapsedS: 0 });
    car.vehicle.advance(1500);
    const progressed = await client.next((e) => e.type === 'sim' && e.scenario?.steps[1]?.done === true);
    expect(progressed.type === 'sim' && progressed.scenario?.steps[1]).toMatchObject({ atS: 1, label: 'Drive at 50 km/h', done: true });

    client.send({ type: 'sim.scenario', id: 'bad', action: 'start', name: 'nowhere.yaml' });
    expect(await client.next((e) => e.type === 'error' && e.id === 'bad')).toMatchObject({ code: 'invalid_message' });
    client.send({ type: 'sim.scenario', action: 'start', name: '../package.json' });
    expect(await client.next((e) => e.type === 'error' && e.code === 'invalid_message' && e.id === undefined)).toBeTruthy();
    client.ws.close();
  });

  it('makes a message arrive from sim.message: stored unread, offered, and read on a yes', async () => {
    const car = createSimulatedAssistant({ database: ':memory:', knowledge });
    sim = car;
    server = await startSimServer({ assistant: car.assistant, port: 0 });
    const client = await Client.connect(server.socketUrl);
    // The panel's picker gets the address book's names, sorted, with the scenarios.
    const first = await client.next((e) => e.type === 'sim');
    const names = first.type === 'sim' ? (first.contacts ?? []) : [];
    expect(names).toEqual(expect.arrayContaining(['Sari Wulandari', 'Sari Dewi', 'Budi Santoso', '王伟']));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    const sari = car.contacts.resolve('Sari Wulandari')[0]?.contact;
    expect(sari).toBeDefined();
    client.send({ type: 'sim.message', id: 'm1', from: 'Sari Wulandari', text: 'Where are you?', lang: 'en' });
    const offer = await client.next((e) => e.type === 'response');
    expect(offer).toMatchObject({ type: 'response', text: 'New message from Sari Wulandari. Read it?', lang: 'en' });
    const stored = car.messages.recent({ limit: 5, contactId: sari!.id, unreadOnly: true });
    expect(stored.map((m) => [m.direction, m.body, m.number])).toEqual([['in', 'Where are you?', sari!.numbers[0]?.number]]);

    client.send({ type: 'utterance', text: 'yes', source: 'text', lang: 'en' });
    const read = await client.next((e) => e.type === 'response' && e.text.includes('Where are you?'));
    expect(read.type === 'response' && read.text).toContain('Sari Wulandari');
    expect(car.messages.unreadCount(sari!.id)).toBe(0);
    expect(client.events.some((e) => e.type === 'error')).toBe(false);

    // A sender that is neither in the address book nor a number cannot be stored: said so, by id.
    client.send({ type: 'sim.message', id: 'm2', from: 'Nobody Known', text: 'hello' });
    expect(await client.next((e) => e.type === 'error' && e.id === 'm2')).toMatchObject({ code: 'invalid_message' });
    client.ws.close();
  });

  it('refuses sim.drive, sim.park, sim.scenario and sim.message when the core runs without the simulator', async () => {
    const vehicle = new SimulatedVehicle();
    const headUnit = new Assistant({ catalog: knowledge.catalog, nlu: knowledge.nlu, policy: new SafetyPolicy(knowledge.catalog), vehicle, handlers: {}, responses: knowledge.responses });
    server = await startSimServer({ assistant: headUnit, port: 0 });
    const client = await Client.connect(server.socketUrl);
    await client.next((e) => e.type === 'state');
    client.send({ type: 'sim.drive', id: 'd', speed: 80 });
    client.send({ type: 'sim.park', id: 'p' });
    client.send({ type: 'sim.scenario', id: 's', action: 'start', name: 'monaco-harbour.yaml' });
    client.send({ type: 'sim.message', id: 'm', from: 'Sari Wulandari', text: 'Where are you?' });
    for (const id of ['d', 'p', 's', 'm']) {
      expect(await client.next((e) => e.type === 'error' && e.id === id)).toMatchObject({ code: 'not_allowed' });
    }
    vehicle.advance(5000);
    expect(vehicle.get('Vehicle.Speed')).toBe(0);
    expect(client.events.some((e) => e.type === 'sim' || e.type === 'response')).toBe(false);
    client.ws.close();
    headUnit.dispose();
  });
});

describe('kemudi sim', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-sim-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const child = spawnKemudi(['sim', '--port', '0'], { KEMUDI_DATA_DIR: dataDir });
    const [, url] = await waitForLine(child, /Kemudi simulator: (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect((await fetch(`${url}healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('takes the port from KEMUDI_PORT and refuses a bad one', async () => {
    const port = await freePort();
    const child = spawnKemudi(['sim'], { KEMUDI_PORT: String(port), KEMUDI_DATA_DIR: dataDir });
    const [, url] = await waitForLine(child, /Kemudi simulator: (http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(0);
    expect(await exitCode(spawnKemudi(['sim', '--port', 'eighty']))).toBe(2);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
