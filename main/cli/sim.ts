// `kemudi sim`: the simulator server on 127.0.0.1, until Ctrl-C or SIGTERM.
import { createSimulatedAssistant } from '../core/compose.js';
import { rendererDir } from '../core/paths.js';
import { startSimServer } from '../simulator/server.js';
import { UsageError } from './usage.js';

export function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`the port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

export async function runSim(options: { port?: string | undefined }): Promise<number> {
  const port = parsePort(options.port ?? process.env.KEMUDI_PORT);
  const sim = createSimulatedAssistant();
  // Listen for the stop signals before announcing the URL: whoever reads the URL may stop us at once.
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const server = await startSimServer({ assistant: sim.assistant, port, rendererDir: rendererDir() });
  process.stdout.write(`Kemudi simulator: ${server.url}\n`);
  await stopped;
  await server.close();
  sim.close();
  process.stdout.write('Kemudi simulator stopped.\n');
  return 0;
}
