// Soak: 10,000 scripted commands through the simulator's WebSocket, as a long drive would send them
// (requests in three languages, confirmations, cancels, touch, wake words, speed changes, messages in
// and out). Reports RSS growth after warm-up, event-loop lag and errors. Target: RSS growth < 5%, 0 errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { Command } from '../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../main/core/compose.js';
import { startSimServer } from '../main/simulator/server.js';
import { compare, emit, percentile, type Suite } from './lib.js';

const COMMANDS = 10_000;
/** The first commands load every language, template and code path once; growth counts from here. */
const WARM_UP = 2_000;

/** A drive's worth of commands, cycled: every kind the screen and the voice send. */
const SCRIPT: Command[] = [
  { type: 'utterance', text: 'turn on the headlights', source: 'text' },
  { type: 'utterance', text: 'set the temperature to 22 degrees', source: 'text' },
  { type: 'sim.drive', speed: 90 },
  { type: 'utterance', text: 'open all the windows', source: 'voice' },
  { type: 'confirm' },
  { type: 'utterance', text: 'close all the windows', source: 'voice' },
  { type: 'utterance', text: 'nyalakan lampu jauh', lang: 'id', source: 'voice' },
  { type: 'utterance', text: 'text budi', source: 'text' },
  { type: 'utterance', text: 'on my way', source: 'text' },
  { type: 'utterance', text: 'yes', source: 'text' },
  { type: 'wake' },
  { type: 'utterance', text: '我有点冷', lang: 'zh', source: 'voice' },
  { type: 'utterance', text: 'unlock the doors', source: 'voice' },
  { type: 'intent', name: 'vehicle.lights', slots: { state: 'off', beam: 'low' }, source: 'touch' },
  { type: 'utterance', text: 'tell me a joke', source: 'text' },
  { type: 'utterance', text: 'purple elephants juggle quietly', source: 'text' },
  { type: 'utterance', text: 'call sari', source: 'text' },
  { type: 'cancel' },
  { type: 'utterance', text: 'read my messages', source: 'text' },
  { type: 'sim.park' },
  { type: 'utterance', text: 'how much fuel is left', source: 'text' },
];

export const soakSuite: Suite = {
  name: 'soak',
  async run() {
    // A fresh database on disk, as in the car: history, messages and the phone's log grow on disk, so the
    // memory figure shows the process, not the data it rightly keeps.
    const dir = mkdtempSync(join(tmpdir(), 'kemudi-soak-'));
    const sim = createSimulatedAssistant({ database: join(dir, 'kemudi.db'), knowledge: loadKnowledge(), timings: { followUpMs: 0, speechMs: () => 0 } });
    const server = await startSimServer({ assistant: sim.assistant, port: 0 });
    const ws = new WebSocket(server.socketUrl, { origin: `http://127.0.0.1:${server.port}` });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    let errors = 0;
    const unexpected: string[] = [];
    ws.on('message', (data: unknown) => {
      const text = String(data);
      // Refusals the script provokes on purpose are answers, not errors; anything internal is an error.
      if (text.startsWith('{"type":"error"') && /"code":"internal"/.test(text)) {
        errors++;
        if (unexpected.length < 5) unexpected.push(text);
      }
    });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    // Each command is sent after the previous one's events have had a turn of the event loop: a driver's pace, compressed.
    const send = (command: Command): Promise<void> =>
      new Promise((resolve) => {
        ws.send(JSON.stringify(command), () => setImmediate(resolve));
      });
    const started = performance.now();
    // Memory is sampled through the run: a leak is a trend from the first quarter to the last, not the
    // difference between two instants (the heap breathes between collections).
    const rssSamples: number[] = [];
    const heapSamples: number[] = [];
    for (let i = 0; i < COMMANDS; i++) {
      await send(SCRIPT[i % SCRIPT.length] as Command);
      // Let the core drain its queue every so often, so the comparison is state against state.
      if (i % 200 === 199) await sim.assistant.handle({ type: 'cancel' });
      if (i === WARM_UP) lag.enable();
      if (i >= WARM_UP && i % 500 === 0) {
        // After a full collection (npm run bench passes --expose-gc), so samples compare live memory;
        // the lag monitor pauses meanwhile, the forced collection is ours, not the core's.
        lag.disable();
        global.gc?.();
        const { rss, heapUsed } = process.memoryUsage();
        lag.enable();
        rssSamples.push(rss);
        heapSamples.push(heapUsed);
      }
    }
    await sim.assistant.handle({ type: 'cancel' });
    lag.disable();
    const trend = (samples: number[]): number => {
      const quarter = Math.max(1, Math.floor(samples.length / 4));
      const first = percentile(samples.slice(0, quarter), 50);
      const last = percentile(samples.slice(-quarter), 50);
      return (100 * (last - first)) / first;
    };
    const seconds = (performance.now() - started) / 1000;
    emit({ name: 'soak.commands', value: COMMANDS, unit: 'commands' });
    emit({ name: 'soak.commands_per_s', value: COMMANDS / seconds, unit: 'commands/s' });
    emit({ name: 'soak.errors', value: errors, unit: 'errors' });
    emit({ name: 'soak.event_loop_lag.p99', value: lag.percentile(99) / 1e6, unit: 'ms' });
    emit({ name: 'soak.event_loop_lag.max', value: lag.max / 1e6, unit: 'ms' });
    const growth = { name: 'soak.rss_growth', value: trend(rssSamples), unit: '%' };
    emit(growth);
    emit({ name: 'soak.heap_growth', value: trend(heapSamples), unit: '%' });
    emit({ name: 'soak.rss_end', value: (rssSamples.at(-1) ?? 0) / 1024 / 1024, unit: 'MiB' });
    compare('soak.rss_growth_vs_target', growth, { name: 'target', value: 5, unit: '%' });
    for (const line of unexpected) process.stderr.write(`soak: ${line}\n`);
    ws.close();
    await server.close();
    sim.close();
    rmSync(dir, { recursive: true, force: true });
  },
};
