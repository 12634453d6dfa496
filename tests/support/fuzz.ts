// Inputs for the fuzz tests (tests/fuzz): text no driver types but a transport can carry, and commands of
// the contract with one thing wrong. Every run uses one seed, so a failure replays the same way.
import fc from 'fast-check';
import { type CommandType, LANGS, LIST_KINDS, MAX_LIST_QUERY_CHARS, MAX_MESSAGE_CHARS, MAX_UTTERANCE_CHARS } from '../../common/contract.js';
import { SIGNALS } from '../../common/vss.js';

/** Change it to explore other inputs; fast-check prints the seed and path of any failure to replay. */
export const FUZZ_SEED = 1_202_612;
export const FUZZ_RUNS = 10_000;

/** Words of the three languages, and text meant to trip up whatever reads it. */
const PIECES = [
  'turn on the headlights', 'nyalakan lampu jauh', '打开远光灯', 'text sari ', 'navigate home', ' and then ', ' lalu ', '然后', 'yes', '22', 'dua puluh',
  // Right to left, and the marks that flip the direction of what follows.
  'شغّل الأضواء', 'مرحبا', 'שלום עולם', '\u202e', '\u202d', '\u200f', '\u2067', '\u2069',
  // Emoji: plain, with a skin tone, a ZWJ family, a flag, a keycap.
  '🚗', '👍🏽', '👨‍👩‍👧‍👦', '🇮🇩', '1️⃣',
  // Combining marks, zero-width characters, a byte-order mark, Unicode line breaks and spaces.
  'e\u0301', 'Z\u0351\u0352\u0353\u0354', '\u200b', '\u200d', '\ufeff', '\u2028', '\u2029', '\u3000', '\u00a0',
  // Control characters, NUL among them, and an escape sequence.
  '\u0000', '\u0007', '\u001b[31m', '\t', '\u007f', '\u0085',
  // Text that looks like markup, JSON, format strings or paths.
  '<script>alert(1)</script>', '{"type":"wake"}', '"', '\\', '\\u0000', '%s%n', '${x}', '../../etc/passwd', '__proto__',
];

/** Half of a surrogate pair on its own: not valid UTF-16, turned into U+FFFD on any UTF-8 wire. */
export const loneSurrogate: fc.Arbitrary<string> = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

const unit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 2, arbitrary: fc.constant(' ') },
);

/** Short text of any script, emoji, direction marks, control characters and lone surrogates. */
export function nastyText(maxLength = 24, minLength = 0): fc.Arbitrary<string> {
  return fc.string({ unit, minLength, maxLength });
}

/** Text a few characters either side of `limit` (code points, as the schemas count them): a piece repeated
 *  and cut, which may leave half of a surrogate pair at the end or pair two halves where the pieces meet. */
export function textAround(limit: number): fc.Arbitrary<string> {
  return fc.tuple(nastyText(6, 1), fc.integer({ min: -2, max: 2 })).map(([piece, delta]) => {
    const chars = [...(piece || 'a')];
    return Array.from({ length: limit + delta }, (_, i) => chars[i % chars.length]).join('');
  });
}

/** Far past any limit: a piece repeated up to `max` UTF-16 units. */
export function veryLongText(max: number): fc.Arbitrary<string> {
  return fc.tuple(nastyText(6, 1), fc.integer({ min: 1, max })).map(([piece, length]) => {
    const base = piece || 'a';
    return base.repeat(Math.ceil(length / base.length)).slice(0, length);
  });
}

const SENTENCES = [
  'turn on the headlights', 'set the temperature to 22 degrees', 'navigate home and call Sari', "text sari i'm on my way", 'play some jazz',
  'open the driver window', 'how far can I drive', 'yes', 'cancel', 'nyalakan lampu jauh', 'antar saya pulang lalu telepon Sari',
  'kirim pesan ke sari aku sudah di jalan', 'suhu dua puluh dua derajat', '打开远光灯', '导航回家然后给王伟打电话', '给莎莉发消息说我马上到', '温度调到二十二度',
];

/** What a driver says, with something odd put in: an emoji, a direction mark, a control character. */
export const spokenText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...SENTENCES), nastyText(3), fc.nat(), fc.constantFrom('insert', 'append', 'upper', 'as is'))
  .map(([sentence, odd, at, how]) => {
    const i = at % (sentence.length + 1);
    if (how === 'insert') return sentence.slice(0, i) + odd + sentence.slice(i);
    if (how === 'append') return `${sentence} ${odd}`;
    return how === 'upper' ? sentence.toUpperCase() : sentence;
  });

/** Utterance-sized text, at times right at the contract's limit. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: nastyText() },
  { weight: 4, arbitrary: spokenText },
  { weight: 1, arbitrary: textAround(MAX_UTTERANCE_CHARS) },
  { weight: 1, arbitrary: veryLongText(20_000) },
);

/** Numbers JSON cannot hold (NaN, ±Infinity), -0, and ones past what a double holds exactly. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, -1e21),
  fc.double(),
  fc.integer(),
);

/** Number literals as they may appear in JSON text, valid or not. */
export const numberLiteral: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1e999', '-1e999', '1e-999', 'NaN', 'Infinity', '-0', '0x10', '01', '.5', '5.', '+5', '1_000', '250.0000000000001', '249.99999999999999999', '9'.repeat(400)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);

/** Keys that reach Object.prototype when code assigns them carelessly, or shadow its methods. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];
export const nastyKey: fc.Arbitrary<string> = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) }, { weight: 3, arbitrary: nastyText(12) });

/** Arrays or objects nested up to `maxDepth` deep. */
export function deeplyNested(maxDepth: number): fc.Arbitrary<unknown> {
  return fc.tuple(fc.integer({ min: 1, max: maxDepth }), fc.boolean()).map(([depth, arrays]) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });
}

/** Any value JSON can carry, or text, odd numbers and deep nesting: what a wrong field may hold. */
export const wildJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3, stringUnit: unit }),
  anyText,
  oddNumber,
  deeplyNested(2000),
  fc.dictionary(nastyKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const optionalId = fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), nastyText(70), fc.constantFrom('', 'x'.repeat(65)));
const lang = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LANGS) }, { weight: 1, arbitrary: fc.constantFrom('fr', 'EN', ' en', '') });
const signalValue = fc.oneof(fc.boolean(), fc.integer({ min: -10, max: 300 }), fc.double({ min: 0, max: 250, noNaN: true }), fc.constantFrom('P', 'R', 'N', 'D', 'S'), oddNumber, nastyText(8));
const scenarioName = fc.oneof(
  fc.constantFrom('monaco-harbour.yaml', 'beijing-ev.yml', 'nowhere.yaml', '../secrets.yaml', '/etc/passwd.yaml', 'more/monaco.yaml', '.hidden.yaml', 'monaco.json', 'a\u0000.yaml'),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}\.ya?ml$/),
  nastyText(30),
);
const modelId = fc.oneof(
  fc.constantFrom('qwen2.5-0.5b-instruct-q4_k_m', 'vosk-model-small-en-us-0.15', 'no-such-model', '../models/x', 'Qwen', '.hidden', 'a/b', '', 'x'.repeat(101)),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/),
  nastyText(30),
);
const bare = (type: CommandType) => fc.record({ type: fc.constant(type), id: optionalId }, { requiredKeys: ['type'] });

/** One command of each type, its fields drawn at random: mostly valid, not always. Typed by CommandType, so a
 *  new command type does not compile until it has an entry here. */
const COMMANDS: Record<CommandType, fc.Arbitrary<Record<string, unknown>>> = {
  utterance: fc.record({ type: fc.constant('utterance'), id: optionalId, text: anyText, lang, source: fc.constantFrom('voice', 'text') }, { requiredKeys: ['type', 'text', 'source'] }),
  intent: fc.record({
    type: fc.constant('intent'),
    id: optionalId,
    name: fc.oneof(fc.constantFrom('vehicle.lights', 'vehicle.climate', 'messaging.send', 'media.play', 'navigation.navigate', 'Vehicle.Lights', '../../etc', 'a.b.c'), fc.stringMatching(/^[a-z_]{1,12}(\.[a-z_]{1,12})?$/)),
    slots: fc.dictionary(fc.oneof(fc.constantFrom('state', 'beam', 'contact', 'body', 'temperature'), nastyKey), fc.oneof(fc.constantFrom('on', 'off', 'low', 'high', 'sari'), fc.integer({ min: -50, max: 50 }), fc.boolean(), anyText), { maxKeys: 4 }),
    source: fc.constant('touch'),
  }, { requiredKeys: ['type', 'name', 'slots', 'source'] }),
  confirm: bare('confirm'),
  cancel: bare('cancel'),
  wake: bare('wake'),
  hangup: bare('hangup'),
  'media.ended': fc.record({ type: fc.constant('media.ended'), id: optionalId, trackId: fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), oddNumber) }, { requiredKeys: ['type', 'trackId'] }),
  spoken: bare('spoken'),
  'voice.settings': fc.record({
    type: fc.constant('voice.settings'),
    id: optionalId,
    settings: fc.record({
      wakeEngine: fc.constantFrom('auto', 'openwakeword', 'vosk', 'off', 'siri'),
      wakeKeyword: fc.constantFrom('hey_jarvis', 'alexa', 'hey_kemudi', '../x'),
      wakePhrases: fc.record({ en: fc.oneof(fc.constantFrom('hey kemudi', 'ok car', ''), nastyText(70)), zh: fc.constantFrom('你好 kemudi', '你好') }, { requiredKeys: [] }),
      sensitivity: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), oddNumber),
    }, { requiredKeys: [] }),
  }, { requiredKeys: ['type', 'settings'] }),
  'models.pull': fc.record({ type: fc.constant('models.pull'), id: optionalId, model: modelId }, { requiredKeys: ['type', 'model'] }),
  'models.cancel': fc.record({ type: fc.constant('models.cancel'), id: optionalId, model: modelId }, { requiredKeys: ['type', 'model'] }),
  'sim.set': fc.record({ type: fc.constant('sim.set'), id: optionalId, signals: fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(SIGNALS)), nastyKey), signalValue, { maxKeys: 3 }) }, { requiredKeys: ['type', 'signals'] }),
  'sim.reset': bare('sim.reset'),
  'sim.drive': fc.record({ type: fc.constant('sim.drive'), id: optionalId, speed: fc.oneof(fc.double({ min: 0, max: 250, noNaN: true }), oddNumber) }, { requiredKeys: ['type', 'speed'] }),
  'sim.park': bare('sim.park'),
  'sim.scenario': fc.record({ type: fc.constant('sim.scenario'), id: optionalId, action: fc.constantFrom('start', 'stop', 'reset', 'rewind'), name: scenarioName }, { requiredKeys: ['type', 'action'] }),
  'sim.message': fc.record({
    type: fc.constant('sim.message'),
    id: optionalId,
    from: fc.oneof(fc.constantFrom('Sari Wulandari', 'Budi Santoso', '王伟', '+6281110007803', '  ', 'Nobody Known'), nastyText(30)),
    text: fc.oneof(nastyText(), textAround(MAX_MESSAGE_CHARS)),
    lang,
  }, { requiredKeys: ['type', 'from', 'text'] }),
  list: fc.record({
    type: fc.constant('list'),
    id: optionalId,
    what: fc.constantFrom(...LIST_KINDS, 'places', 'messages.all', ''),
    query: fc.oneof(fc.constantFrom('casino', 'home', 'jl', '加油站', '   '), nastyText(30), textAround(MAX_LIST_QUERY_CHARS)),
    lang,
  }, { requiredKeys: ['type', 'what'] }),
};

/** What may go wrong with one field: dropped, replaced, one too many, or the wrong type. */
type Mutation =
  | { kind: 'none' }
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'retype'; type: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: wildJsonValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add' as const), key: nastyKey, value: wildJsonValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retype' as const), type: fc.oneof(fc.constantFrom(...Object.keys(COMMANDS), 'sim.', 'Wake', 'wake ', ''), wildJsonValue) }) },
);

function mutate(command: Record<string, unknown>, change: Mutation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Own data properties, as JSON.parse makes them: a "__proto__" key stays a key and sets no prototype.
  const put = (key: string, value: unknown): void => void Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  const keys = Object.keys(command);
  keys.forEach((key, i) => {
    if (change.kind === 'drop' && i === change.at % keys.length) return;
    put(key, change.kind === 'replace' && i === change.at % keys.length ? change.value : command[key]);
  });
  if (change.kind === 'add') put(change.key, change.value);
  if (change.kind === 'retype') put('type', change.type);
  return out;
}

/** A command of any type with at most one field wrong. */
export const nearValidCommand: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.oneof(...Object.values(COMMANDS)), mutation)
  .map(([command, change]) => mutate(command, change));

/** JSON text of a command broken at one place: cut short, a character lost or added, or wrapped. */
const brokenJson: fc.Arbitrary<string> = fc
  .tuple(nearValidCommand.map((c) => JSON.stringify(c)), fc.nat(), fc.constantFrom('cut', 'delete', 'insert', 'twice', 'bom', 'trailing'), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', ' ', '\n', 'x'))
  .map(([text, at, how, ch]) => {
    const i = at % (text.length + 1);
    switch (how) {
      case 'cut':
        return text.slice(0, i);
      case 'delete':
        return text.slice(0, i) + text.slice(i + 1);
      case 'insert':
        return text.slice(0, i) + ch + text.slice(i);
      case 'twice':
        return text + text;
      case 'bom':
        return `\ufeff${text}`;
      case 'trailing':
        return `${text}${ch}`;
    }
  });

/** JSON text that tries to reach Object.prototype through "__proto__" or "constructor". */
const pollutingJson: fc.Arbitrary<string> = fc.constantFrom(
  '{"__proto__":{"type":"wake"}}',
  '{"type":"wake","__proto__":{"polluted":true}}',
  '{"type":"intent","name":"vehicle.lights","slots":{"__proto__":{"polluted":true},"state":"on"},"source":"touch"}',
  '{"type":"intent","name":"vehicle.lights","slots":{"__proto__":"on"},"source":"touch"}',
  '{"type":"sim.set","signals":{"__proto__":{"Vehicle.Speed":-500,"polluted":true}}}',
  '{"type":"wake","constructor":{"prototype":{"polluted":true}}}',
  '{"constructor":{"prototype":{"polluted":true}},"type":"utterance","text":"hi","source":"text"}',
);

/** Arrays or objects nested up to 20,000 deep, balanced or not, alone or as a field. */
const nestedJson: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean(), fc.boolean(), fc.boolean()).map(([depth, arrays, balanced, asField]) => {
  const closing = balanced ? depth : depth - 1;
  const nest = arrays ? `${'['.repeat(depth)}1${']'.repeat(closing)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(closing)}`;
  return asField ? `{"type":"intent","name":"vehicle.lights","source":"touch","slots":{"state":${nest}}}` : nest;
});

/** Text a WebSocket frame or a line may carry in place of a command. */
export const commandText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: nearValidCommand.map((c) => JSON.stringify(c)) },
  { weight: 3, arbitrary: brokenJson },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3, stringUnit: unit }) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: numberLiteral.map((n) => `{"type":"sim.drive","speed":${n}}`) },
  { weight: 1, arbitrary: pollutingJson },
  { weight: 1, arbitrary: nestedJson },
);

/** True when `value` is plain data JSON carries as is: plain objects and arrays, strings, finite numbers,
 *  booleans and null (undefined only as an absent optional field), with nothing inherited. */
export function isPlainJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype && value.every(isPlainJsonData);
  if (proto !== Object.prototype || Object.getOwnPropertySymbols(value).length > 0) return false;
  return Object.entries(value).every(([, v]) => v === undefined || isPlainJsonData(v));
}
