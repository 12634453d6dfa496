// `kemudi ask` and `kemudi parse` through the real binary: their output formats are interfaces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '../../common/contract.js';
import { signalPathsFor } from '../../common/vss.js';
import { kemudi } from '../support/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-cli-'));
const env = { KEMUDI_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('kemudi ask', () => {
  it('frames the turn with the vehicle before and after, events in between', () => {
    const run = kemudi(['ask', 'turn on the headlights'], { env });
    expect(run.code).toBe(0);
    const lines = run.lines.map((l) => JSON.parse(l) as { type: string; signals?: Record<string, unknown> });
    const first = lines[0];
    const last = lines.at(-1);
    expect(first?.type).toBe('vehicle');
    expect(Object.keys(first?.signals ?? {}).sort()).toEqual(signalPathsFor('combustion').sort());
    expect(first?.signals?.['Vehicle.Body.Lights.Beam.Low.IsOn']).toBe(false);
    expect(last?.type).toBe('vehicle');
    expect(last?.signals?.['Vehicle.Body.Lights.Beam.Low.IsOn']).toBe(true);
    for (const line of lines.slice(1, -1)) expect(decodeEvent(line).ok, JSON.stringify(line)).toBe(true);
    expect(lines.some((l) => l.type === 'response')).toBe(true);
  });

  it('feeds each argument as the next turn, in the language asked', () => {
    const run = kemudi(['ask', '--lang', 'id', 'nyalakan lampu utama', 'matikan lampu utama'], { env });
    const texts = run.lines.map((l) => JSON.parse(l) as { type: string; text?: string }).filter((l) => l.type === 'response').map((l) => l.text);
    expect(texts).toEqual(['Lampu utama dinyalakan.', 'Lampu utama dimatikan.']);
  });

  it('starts the car moving with --speed, in D', () => {
    const run = kemudi(['ask', '--speed', '80', 'lights on'], { env });
    const first = JSON.parse(run.lines[0] ?? '{}') as { signals: Record<string, unknown> };
    expect(first.signals['Vehicle.Speed']).toBe(80);
    expect(first.signals['Vehicle.Powertrain.Transmission.SelectedGear']).toBe('D');
    expect(first.signals['Vehicle.Cabin.Door.Row1.DriverSide.IsLocked']).toBe(true);
    const state = run.lines.map((l) => JSON.parse(l) as { type: string; restrictions?: { keyboard: boolean } }).find((l) => l.type === 'state');
    expect(state?.restrictions?.keyboard).toBe(false);
  });

  it('exits 0 on a refusal and 2 on a usage mistake', () => {
    expect(kemudi(['ask', 'open the pod bay doors'], { env }).code).toBe(0);
    const bad = kemudi(['ask', '--gear', 'X', 'hi'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--gear must be one of/);
    expect(kemudi(['ask', '--speed', 'fast', 'hi'], { env }).code).toBe(2);
    expect(kemudi(['ask', '--speed', '50', '--gear', 'P', 'hi'], { env }).code).toBe(2);
    expect(kemudi(['ask'], { env }).code).toBe(2);
    expect(kemudi(['warp'], { env }).code).toBe(2);
  });
});

describe('kemudi parse', () => {
  it('answers one line per input line, in order, with the contract keys', () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'turn on the headlights', lang: 'en' }),
      JSON.stringify({ id: 'b', text: '打开远光灯' }),
      JSON.stringify({ id: 7, text: 'purple elephants juggle quietly', lang: 'en' }),
    ].join('\n');
    const run = kemudi(['parse'], { input, env });
    expect(run.code).toBe(0);
    const out = run.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => Object.keys(o))).toEqual([
      ['id', 'intent', 'slots', 'source', 'ms'],
      ['id', 'intent', 'slots', 'source', 'ms'],
      ['id', 'intent', 'slots', 'source', 'ms'],
    ]);
    expect(out[0]).toMatchObject({ id: 'a', intent: 'vehicle.lights', slots: { state: 'on', beam: 'low' }, source: 'template' });
    expect(out[1]).toMatchObject({ id: 'b', intent: 'vehicle.lights', slots: { state: 'on', beam: 'high' }, source: 'template' });
    expect(out[2]).toMatchObject({ id: 7, intent: 'out_of_scope', slots: {}, source: 'none' });
    for (const o of out) expect(typeof o.ms).toBe('number');
  });

  it('keeps going past bad lines, answering each with a typed error', () => {
    const input = ['nope', JSON.stringify({ id: 'x' }), JSON.stringify({ id: 'y', text: 'lights on', lang: 'fr' }), JSON.stringify({ id: 'z', text: 'lights on' })].join('\n');
    const out = kemudi(['parse'], { input, env }).lines.map((l) => JSON.parse(l) as { id: unknown; intent: string; error?: { code: string } });
    expect(out.map((o) => [o.id, o.error?.code ?? o.intent])).toEqual([
      [null, 'bad_json'],
      ['x', 'invalid_message'],
      ['y', 'invalid_message'],
      ['z', 'vehicle.lights'],
    ]);
  });

  it('parses one sentence given on the command line', () => {
    const run = kemudi(['parse', 'nyalakan lampu jauh', '--lang', 'id'], { env });
    expect(run.lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ id: '1', intent: 'vehicle.lights', slots: { state: 'on', beam: 'high' }, source: 'template', ms: expect.any(Number) }]);
  });
});
