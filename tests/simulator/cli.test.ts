// `kemudi sim --scenario` and `kemudi ask --scenario` through the real binary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEvent } from '../../common/contract.js';
import { exitCode, kemudi, spawnKemudi, waitForLine } from '../support/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'kemudi-cli-scenario-'));
const env = { KEMUDI_DATA_DIR: dataDir };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function scenarioFile(name: string, text: string): string {
  const file = join(dataDir, name);
  writeFileSync(file, text);
  return file;
}

const bad = scenarioFile('bad.yaml', 'name: Bad\ndescription: a bad time\nsteps:\n  - at: soon\n    stop: true\n');

interface Line {
  type: string;
  step?: number;
  at?: number;
  signals?: Record<string, unknown>;
  text?: string;
  pass?: boolean;
  done?: boolean;
  passed?: number;
  failed?: number;
  [action: string]: unknown;
}

describe('kemudi sim --scenario', () => {
  it('exits 2 on a bad scenario file, naming the file, line and path, before listening', () => {
    const run = kemudi(['sim', '--scenario', bad, '--port', '0'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:4: steps[0].at: "soon" is not a time`);
    expect(run.stdout).not.toMatch(/Kemudi simulator/);
    expect(kemudi(['sim', '--scenario', join(dataDir, 'missing.yaml')], { env }).code).toBe(2);
  });

  it('plays the scenario live on the wall clock, logging incoming messages', async () => {
    const file = scenarioFile(
      'live.yaml',
      `name: Live
description: a short live run
steps:
  - { at: 0s, drive: { speed: 30 } }
  - { at: 0.3s, say: turn on the headlights }
  - { at: 0.5s, message: { from: Sari, text: On my way } }
`,
    );
    const child = spawnKemudi(['sim', '--port', '0', '--scenario', file], env);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      await waitForLine(child, /scenario finished: Live/);
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
      const lines = out.split('\n').filter(Boolean);
      expect(lines[0]).toMatch(/^Kemudi simulator: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
      expect(lines.slice(1)).toEqual(['Kemudi scenario: Live (0.5s)', 'message from Sari: On my way', 'scenario finished: Live', 'Kemudi simulator stopped.']);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('kemudi ask --scenario', () => {
  it('runs an example to its end: vehicle lines around scenario lines, a say’s turn after its step', () => {
    const run = kemudi(['ask', '--scenario', 'scenarios/monaco-harbour.yaml', 'turn off the headlights'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.lines.map((l) => JSON.parse(l) as Line);
    const first = lines[0];
    const last = lines.at(-1);
    expect(first?.type).toBe('vehicle');
    expect(first?.signals).toMatchObject({ 'Vehicle.Speed': 0, 'Vehicle.Powertrain.FuelSystem.RelativeLevel': 35, 'Vehicle.CurrentLocation.Latitude': 43.7344 });
    expect(last?.type).toBe('vehicle');
    expect(last?.signals).toMatchObject({ 'Vehicle.Powertrain.Transmission.SelectedGear': 'P', 'Vehicle.Body.Lights.Beam.Low.IsOn': false, 'Vehicle.CurrentLocation.Latitude': 43.7482 });

    const steps = lines.filter((l) => l.type === 'scenario' && l.step !== undefined);
    expect(steps.map((s) => s.step)).toEqual(steps.map((_s, i) => i));
    expect(steps.find((s) => s.message !== undefined)).toMatchObject({ at: 30, message: { from: 'Sari' } });
    expect(steps.filter((s) => s.expect !== undefined).every((s) => s.pass === true)).toBe(true);
    const done = lines.find((l) => l.done === true);
    expect(done).toMatchObject({ type: 'scenario', at: 180, failed: 0, passed: 5 });

    // The say step's turn follows its line, while the car drives at 50 with the doors locked.
    const sayAt = lines.findIndex((l) => l.type === 'scenario' && l.say === 'turn on the headlights');
    const turn = lines.slice(sayAt + 1, lines.findIndex((l, i) => i > sayAt && l.type === 'scenario'));
    for (const line of turn) expect(decodeEvent(line).ok, JSON.stringify(line)).toBe(true);
    expect(turn.find((l) => l.type === 'response')?.text).toMatch(/headlights/i);
    const state = turn.find((l) => l.type === 'state') as { vehicle?: Record<string, unknown> } | undefined;
    expect(state?.vehicle).toMatchObject({ 'Vehicle.Speed': 50, 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true });
    // The turn given on the command line comes after the scenario.
    expect(lines.findIndex((l) => l.type === 'transcript' && l.text === 'turn off the headlights')).toBeGreaterThan(lines.indexOf(done as Line));
  });

  it('exits 1 when an expectation fails, with what was found', () => {
    const file = scenarioFile('failing.yaml', 'name: Failing\ndescription: expects too much\nsteps:\n  - { at: 0s, drive: { speed: 50 } }\n  - { at: 2s, expect: { Vehicle.Speed: 50 } }\n');
    const run = kemudi(['ask', '--scenario', file], { env });
    expect(run.code).toBe(1);
    const check = run.lines.map((l) => JSON.parse(l) as Line).find((l) => l.expect !== undefined);
    expect(check).toMatchObject({ pass: false, failures: [{ signal: 'Vehicle.Speed', expected: 50, actual: 21.6 }] });
  });

  it('exits 2 on a bad file or with --speed', () => {
    const run = kemudi(['ask', '--scenario', bad], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:4: steps[0].at`);
    expect(run.stdout).toBe('');
    expect(kemudi(['ask', '--scenario', 'scenarios/beijing-ev.yaml', '--speed', '40'], { env }).code).toBe(2);
  });
});
