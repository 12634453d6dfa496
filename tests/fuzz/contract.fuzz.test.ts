// Fuzzing the contract's decoders (issue 12): random and malformed input never throws and always comes back
// as a Result; a failure has a typed code and a message; what is accepted is plain data that decodes to
// itself again after a trip through JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Command, COMMAND_TYPES, decodeCommand, decodeCommandText } from '../../common/contract.js';
import { ERROR_CODES, type Result } from '../../common/result.js';
import { commandText, FUZZ_RUNS, FUZZ_SEED, isPlainJsonData, nastyKey, nearValidCommand } from '../support/fuzz.js';

const runs = { seed: FUZZ_SEED, numRuns: FUZZ_RUNS };

function check(result: Result<Command>, expectedCode: 'bad_json' | 'invalid_message'): void {
  if (!result.ok) {
    expect(Object.keys(result).sort()).toEqual(['error', 'ok']);
    expect(Object.keys(result.error).sort()).toEqual(['code', 'message']);
    expect(ERROR_CODES).toContain(result.error.code);
    expect(result.error.code).toBe(expectedCode);
    expect(result.error.message.trim()).not.toBe('');
    return;
  }
  expect(Object.keys(result).sort()).toEqual(['ok', 'value']);
  expect(isPlainJsonData(result.value)).toBe(true);
  const wire = JSON.stringify(result.value);
  expect(decodeCommandText(wire)).toStrictEqual({ ok: true, value: JSON.parse(wire) });
  expect(decodeCommand(result.value)).toEqual(result);
}

const PROTOTYPES_BEFORE = { object: Object.getOwnPropertyNames(Object.prototype).sort(), array: Object.getOwnPropertyNames(Array.prototype).sort() };

/** Nothing reached Object.prototype or Array.prototype through "__proto__" or "constructor" keys. */
function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPES_BEFORE.object);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(PROTOTYPES_BEFORE.array);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

/** A command with a symbol key, in its record if it has one: no JSON or IPC message carries these, but an
 *  in-process caller (the renderer's transports) may pass one. */
const withSymbolKey: fc.Arbitrary<Record<string | symbol, unknown>> = fc.tuple(nearValidCommand, fc.string({ maxLength: 8 })).map(([command, name]) => {
  const key = Symbol(name);
  const record = ['slots', 'signals'].find((k) => typeof command[k] === 'object' && command[k] !== null && !Array.isArray(command[k]));
  return record ? { ...command, [record]: { ...(command[record] as object), [key]: 'on' } } : { ...command, [key]: 'on' };
});

describe('fuzz: the contract decoders', () => {
  it('decodeCommand: any value, or a command with one field wrong or a symbol key, comes back as a typed Result', () => {
    const anyValue = fc.anything({
      key: nastyKey,
      maxDepth: 4,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      stringUnit: 'binary',
    });
    fc.assert(
      fc.property(fc.oneof(anyValue, nearValidCommand, withSymbolKey), (value) => {
        check(decodeCommand(value), 'invalid_message');
      }),
      runs,
    );
    expectNoPollution();
  });

  it('decodeCommandText: any text comes back as a typed Result, bad_json exactly when it is not JSON', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        let json = true;
        try {
          JSON.parse(text);
        } catch {
          json = false;
        }
        check(decodeCommandText(text), json ? 'invalid_message' : 'bad_json');
      }),
      runs,
    );
    expectNoPollution();
  });

  it('the fuzzer reaches every command type, accepted as well as refused', () => {
    // Otherwise the properties above would only ever see refusals.
    const accepted = new Set<string>();
    let refused = 0;
    for (const value of fc.sample(nearValidCommand, runs)) {
      const result = decodeCommand(value);
      if (result.ok) accepted.add(result.value.type);
      else refused++;
    }
    expect([...accepted].sort()).toEqual([...COMMAND_TYPES].sort());
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });
});
