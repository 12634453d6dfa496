// The `kemudi` command. Formats here are interfaces people script against: keep them exactly.
//   kemudi sim   [--port N] [--scenario file.yaml]            the simulator server, optionally playing a scenario
//   kemudi ask   [--lang xx] [--speed kmh] [--gear P|R|N|D] "text" ["next turn" …]   headless turns, JSON lines
//   kemudi ask   [--lang xx] --scenario file.yaml ["turn after it" …]                 a scenario headless, JSON lines
//   kemudi parse [--lang xx] ["text"]                          NLU as JSON lines (stdin when no text)
//   kemudi contacts import FILE.vcf | list                     the address book, JSON lines
//   kemudi media import DIR | list | search "query" [--lang xx] the music library, JSON lines
//   kemudi maps import FILE | list | search "query" [--near LAT,LON] [--lang xx] | remove ID   offline maps, JSON lines
//   kemudi models list | pull ID | verify [ID] | remove ID    the language models, JSON lines
import { parseArgs } from 'node:util';
import { runAsk } from './ask.js';
import { runContacts } from './contacts.js';
import { runMaps } from './maps.js';
import { runMedia } from './media.js';
import { runModels } from './models.js';
import { runParse } from './parse.js';
import { runSim } from './sim.js';
import { InputError, UsageError } from './usage.js';

const USAGE = `usage: kemudi <command> [options]

  sim    [--port N] [--scenario FILE.yaml]            start the simulator (http + ws on 127.0.0.1),
                                                      playing the scenario in real time when given
  ask    [--lang en|id|zh] [--speed KMH] [--gear P|R|N|D] "text" ["next turn" ...]
                                                      run turns headless; prints events as JSON lines
  ask    [--lang en|id|zh] --scenario FILE.yaml ["turn after it" ...]
                                                      run a scenario headless to its end; JSON lines
  parse  [--lang en|id|zh] ["text"]                   understand text; JSON lines {"id","text","lang"} on stdin
                                                      give {"id","intent","slots","source","ms"} on stdout
  contacts import FILE.vcf                            import a vCard 3.0/4.0 address book into the data dir
                                                      (again: updates by UID); one JSON line with
                                                      {"file","imported","updated","skipped","errors"}
  contacts list                                       the stored contacts, one JSON line each
  media import DIR                                    index the audio files under a folder into the data dir
                                                      (again: only changed files are read, gone ones dropped);
                                                      one JSON line with
                                                      {"dir","added","updated","removed","skipped","errors"}
  media list                                          the stored tracks, one JSON line each
  media search [--lang en|id|zh] "query"              tracks for what follows "play" ("lagu Raisa", "jazz"),
                                                      best first, one JSON line each
  maps import FILE                                    import an OpenStreetMap extract (.osm.pbf or .osm XML)
                                                      into the data dir (again: replaces its earlier import);
                                                      progress on stderr; one JSON line with {"id","name",
                                                      "vertices","edges","streets","pois","addresses",
                                                      "restrictions","ms",...}
  maps list                                           the imported maps, one JSON line each
  maps search [--near LAT,LON] [--lang en|id|zh] "query"
                                                      places for what follows "navigate to" ("jl juanda",
                                                      "SPBU", "西土城路", "home"), best first, one JSON line each
  maps remove ID                                      remove an imported map (see maps list)
  models list                                         the language models Kemudi knows, one JSON line each,
                                                      with "installed" and "default" (the one for this machine)
  models pull ID                                      download a model (resumable, checksum-verified;
                                                      progress on stderr); one JSON result line
  models verify [ID]                                  re-hash the installed models (or one)
  models remove ID                                    delete a downloaded model
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'sim':
        return await runSim(parseArgs({ args: rest, options: { port: { type: 'string' }, scenario: { type: 'string' } }, strict: true }).values);
      case 'ask': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { lang: { type: 'string' }, speed: { type: 'string' }, gear: { type: 'string' }, scenario: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        return await runAsk(values, positionals);
      }
      case 'parse': {
        const { values, positionals } = parseArgs({ args: rest, options: { lang: { type: 'string' } }, allowPositionals: true, strict: true });
        return await runParse(values, positionals);
      }
      case 'contacts': {
        const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true, strict: true });
        return runContacts(positionals);
      }
      case 'media': {
        const { values, positionals } = parseArgs({ args: rest, options: { lang: { type: 'string' } }, allowPositionals: true, strict: true });
        return await runMedia(positionals, values);
      }
      case 'maps': {
        const { values, positionals } = parseArgs({
          args: rest,
          options: { near: { type: 'string' }, lang: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
        return await runMaps(positionals, values);
      }
      case 'models': {
        const { positionals } = parseArgs({ args: rest, options: {}, allowPositionals: true, strict: true });
        return await runModels(positionals);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`kemudi: ${error.message}\n`);
      return 2;
    }
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`kemudi: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`kemudi: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
