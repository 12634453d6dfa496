// Foundation figures: contract decoding, knowledge loading, template parsing, a whole core turn,
// and the same turn over the simulator's WebSocket (the transport's overhead as a ratio).
import { WebSocket } from 'ws';
import { decodeCommandText } from '../common/contract.js';
import { createSimulatedAssistant, loadKnowledge } from '../main/core/compose.js';
import { startSimServer } from '../main/simulator/server.js';
import { compare, emit, percentile, sample, type Suite } from './lib.js';

const SENTENCES = [
  ['turn on the headlights', 'en'],
  ['could you switch the high beams off please', 'en'],
  ['tell me a joke', 'en'],
  ['tolong nyalakan lampu utama ya', 'id'],
  ['请帮我打开一下大灯', 'zh'],
  ['把车灯关掉吧', 'zh'],
] as const;

export const coreSuite: Suite = {
  name: 'core',
  async run() {
    const frame = JSON.stringify({ type: 'utterance', text: 'turn on the headlights', lang: 'en', source: 'text' });
    const decode = await sample(() => decodeCommandText(frame), 20_000, 1000);
    emit({ name: 'contract.decode_per_s', value: 1000 / (decode.reduce((a, b) => a + b, 0) / decode.length), unit: 'ops/s' });

    const knowledge = loadKnowledge();

    let i = 0;
    const parse = await sample(() => {
      const [text, lang] = SENTENCES[i++ % SENTENCES.length] as (typeof SENTENCES)[number];
      return knowledge.nlu.understandSync(text, lang);
    }, 3000);
    emit({ name: 'core.parse_mixed.p50', value: percentile(parse, 50), unit: 'ms' });
    emit({ name: 'core.parse_mixed.p95', value: percentile(parse, 95), unit: 'ms' });

    const sim = createSimulatedAssistant({ database: ':memory:', knowledge });
    let on = false;
    const toggle = (): string => {
      on = !on;
      return on ? 'lights on' : 'lights off';
    };
    const turn = await sample(() => sim.assistant.handle({ type: 'utterance', text: toggle(), source: 'text' }), 1000);
    const turnP50 = percentile(turn, 50);
    emit({ name: 'core.turn.p50', value: turnP50, unit: 'ms' });
    emit({ name: 'core.turn.p95', value: percentile(turn, 95), unit: 'ms' });

    const server = await startSimServer({ assistant: sim.assistant, port: 0 });
    const ws = new WebSocket(server.socketUrl);
    await new Promise((resolve) => ws.once('open', resolve));
    const roundTrip = await sample(
      () =>
        new Promise<void>((resolve) => {
          const onMessage = (data: unknown): void => {
            if (String(data).startsWith('{"type":"response"')) {
              ws.off('message', onMessage);
              resolve();
            }
          };
          ws.on('message', onMessage);
          ws.send(JSON.stringify({ type: 'utterance', text: toggle(), source: 'text' }));
        }),
      500,
    );
    const wsP50 = percentile(roundTrip, 50);
    emit({ name: 'ws.turn.p50', value: wsP50, unit: 'ms' });
    emit({ name: 'ws.turn.p95', value: percentile(roundTrip, 95), unit: 'ms' });
    compare('ws_vs_core.turn.p50', { name: 'ws.turn.p50', value: wsP50, unit: 'ms' }, { name: 'core.turn.p50', value: turnP50, unit: 'ms' });
    ws.close();
    await server.close();
    sim.close();
    emit({ name: 'process.rss', value: process.memoryUsage().rss / 1024 / 1024, unit: 'MiB' });
  },
};
