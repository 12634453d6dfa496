import { LANGS, type Lang } from '../../common/contract.js';
import { loadScenario, type Scenario } from '../simulator/scenario.js';

/** A mistake in how the command was called: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  if (!(LANGS as readonly string[]).includes(value)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, not "${value}"`);
  return value as Lang;
}

/** A file given to the command is wrong (a scenario that does not check): reported alone, exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Loads and checks a scenario file, or throws an InputError naming the file, line and path of each problem. */
export function readScenarioFile(file: string): Scenario {
  const loaded = loadScenario(file);
  if (!loaded.ok) throw new InputError(`scenario ${file} does not check:\n${loaded.error.message}`);
  return loaded.value;
}
