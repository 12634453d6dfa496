import { LANGS, type Lang } from '../../common/contract.js';

/** A mistake in how the command was called: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseLang(value: string | undefined): Lang | undefined {
  if (value === undefined) return undefined;
  if (!(LANGS as readonly string[]).includes(value)) throw new UsageError(`--lang must be one of ${LANGS.join(', ')}, not "${value}"`);
  return value as Lang;
}
