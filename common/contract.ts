// The one contract between the renderer and the core: commands in, events out.
// Every message has a runtime schema, checked on both transports (Electron IPC and the simulator's WebSocket).
import * as z from 'zod';
import { ERROR_CODES, err, ok, type Result } from './result.js';
import { checkSignalValue, isSignalPath, SIGNALS, type SignalPath, type SignalValue } from './vss.js';

export const LANGS = ['en', 'id', 'zh'] as const;
export const Lang = z.enum(LANGS);
export type Lang = z.infer<typeof Lang>;

/** Longest utterance we accept: far beyond any spoken turn, small enough to bound work. */
export const MAX_UTTERANCE_CHARS = 2000;

const id = z.string().min(1).max(64).optional();
const intentName = z.string().regex(/^[a-z_]+(\.[a-z_]+)?$/, 'an intent name such as vehicle.lights').max(64);
export const SlotValue = z.union([z.string().max(MAX_UTTERANCE_CHARS), z.number().finite(), z.boolean()]);
export type SlotValue = z.infer<typeof SlotValue>;
export const Slots = z.record(z.string().max(64), SlotValue);
export type Slots = z.infer<typeof Slots>;

const signalPatch = z.record(z.string(), z.unknown()).superRefine((signals, ctx) => {
  for (const [path, value] of Object.entries(signals)) {
    if (!isSignalPath(path)) {
      ctx.addIssue({ code: 'custom', message: `unknown signal ${path}`, path: [path] });
      continue;
    }
    const problem = checkSignalValue(path, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [path] });
  }
}) as unknown as z.ZodType<Partial<Record<SignalPath, SignalValue>>>;

// ---- Voice settings (a command sets them, an event reports them) ----
/** How Kemudi is woken by voice: `auto` is "hey kemudi" through Vosk where a voice model for the language is
 *  installed, else openWakeWord's keyword; `off` leaves the button and push-to-talk. */
export const WAKE_ENGINES = ['auto', 'openwakeword', 'vosk', 'off'] as const;
/** The openWakeWord keyword models shipped with the app. */
export const WAKE_KEYWORDS = ['hey_jarvis', 'hey_mycroft', 'alexa', 'hey_rhasspy'] as const;
const wakePhrase = z
  .string()
  .trim()
  .min(2)
  .max(60)
  .regex(/^[\p{L}\p{M}' -]+$/u, 'letters and spaces only');
export const VoiceSettings = z.strictObject({
  wakeEngine: z.enum(WAKE_ENGINES),
  wakeKeyword: z.enum(WAKE_KEYWORDS),
  /** Per language, for the Vosk engine ("hey kemudi", "hai kemudi", "你好 kemudi"). */
  wakePhrases: z.strictObject({ en: wakePhrase, id: wakePhrase, zh: wakePhrase }),
  /** 0 (only the clearest) … 1 (eager). */
  sensitivity: z.number().finite().min(0).max(1),
});
export type VoiceSettings = z.infer<typeof VoiceSettings>;
export const VoiceSettingsPatch = VoiceSettings.partial().extend({ wakePhrases: VoiceSettings.shape.wakePhrases.partial().optional() });
export type VoiceSettingsPatch = z.infer<typeof VoiceSettingsPatch>;
// ---- Commands: renderer → core ----
export const UtteranceCommand = z.strictObject({
  type: z.literal('utterance'),
  id,
  text: z.string().max(MAX_UTTERANCE_CHARS),
  lang: Lang.optional(),
  source: z.enum(['voice', 'text']),
});
export const IntentCommand = z.strictObject({
  type: z.literal('intent'),
  id,
  name: intentName,
  slots: Slots,
  source: z.literal('touch'),
});
export const ConfirmCommand = z.strictObject({ type: z.literal('confirm'), id });
export const CancelCommand = z.strictObject({ type: z.literal('cancel'), id });
export const WakeCommand = z.strictObject({ type: z.literal('wake'), id });
/** Ends the phone call in progress (the call banner's button). */
export const HangUpCommand = z.strictObject({ type: z.literal('hangup'), id });
/** The renderer's audio element finished the track: the player moves to the next one, silently. */
export const MediaEndedCommand = z.strictObject({ type: z.literal('media.ended'), id, trackId: z.number().int().positive() });
/** The renderer's speech output finished saying the current answer: the dialogue leaves "speaking" now
 *  instead of after its estimate. Not a turn: the core takes it at once, never behind a turn in progress. */
export const SpokenCommand = z.strictObject({ type: z.literal('spoken'), id });
/** The voice settings (wake-word engine, keyword, phrases, sensitivity) the driver changed; kept across restarts. */
export const VoiceSettingsCommand = z.strictObject({ type: z.literal('voice.settings'), id, settings: VoiceSettingsPatch });
/** Simulator only: set vehicle signals directly (speed, gear, …). */
export const SimSetCommand = z.strictObject({ type: z.literal('sim.set'), id, signals: signalPatch });
/** Simulator only: back to the starting vehicle. */
export const SimResetCommand = z.strictObject({ type: z.literal('sim.reset'), id });
/** Simulator only: the speed to drive at (km/h); the physics ramps to it. 0 stops the car, still in gear. */
export const SimDriveCommand = z.strictObject({
  type: z.literal('sim.drive'),
  id,
  speed: z.number().finite().min(0).max(SIGNALS['Vehicle.Speed'].max),
});
/** Simulator only: brake to a standstill, then shift to P. */
export const SimParkCommand = z.strictObject({ type: z.literal('sim.park'), id });

/** The longest sender and text a simulated incoming message takes: a name or number, an SMS-sized text. */
export const MAX_SENDER_CHARS = 100;
export const MAX_MESSAGE_CHARS = 500;
/** Simulator only: a text message arrives from `from` (a name in the address book, or a number), as a
 *  scenario's message step does: stored in the inbox, then offered to the driver when free. */
export const SimMessageCommand = z.strictObject({
  type: z.literal('sim.message'),
  id,
  from: z.string().trim().min(1).max(MAX_SENDER_CHARS),
  text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  lang: Lang.optional(),
});

/** A scenario is named by its file name in the scenarios folder: never a path, so nothing outside it can be read. */
export const SCENARIO_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.ya?ml$/;
export const ScenarioFileName = z.string().max(100).regex(SCENARIO_FILE_NAME, 'a scenario file name such as monaco-harbour.yaml');
export const SIM_SCENARIO_ACTIONS = ['start', 'stop', 'reset'] as const;
/** Simulator only: start (from the car's starting state), stop (pause) or reset (back to the start, not running)
 *  a scenario. Without a name it acts on the scenario already loaded. */
export const SimScenarioCommand = z.strictObject({
  type: z.literal('sim.scenario'),
  id,
  action: z.enum(SIM_SCENARIO_ACTIONS),
  name: ScenarioFileName.optional(),
});

export const Command = z.discriminatedUnion('type', [
  UtteranceCommand,
  IntentCommand,
  ConfirmCommand,
  CancelCommand,
  WakeCommand,
  HangUpCommand,
  MediaEndedCommand,
  SpokenCommand,
  VoiceSettingsCommand,
  SimSetCommand,
  SimResetCommand,
  SimDriveCommand,
  SimParkCommand,
  SimScenarioCommand,
  SimMessageCommand,
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];
export type SimulatorCommand = Extract<Command, { type: `sim.${string}` }>;
export type SimScenarioAction = (typeof SIM_SCENARIO_ACTIONS)[number];
export const COMMAND_TYPES = Command.options.map((o) => o.shape.type.value) as CommandType[];

// ---- Events: core → renderer ----
export const DIALOGUE_STATES = [
  'idle',
  'listening',
  'understanding',
  'clarifying',
  'confirming',
  'acting',
  'speaking',
] as const;
export const DialogueState = z.enum(DIALOGUE_STATES);
export type DialogueState = z.infer<typeof DialogueState>;

/** What the UI may show now, from the safety policy (Android Automotive's UX restrictions). */
export const UxRestrictions = z.strictObject({
  moving: z.boolean(),
  keyboard: z.boolean(),
  maxListItems: z.number().int().positive(),
  maxChars: z.number().int().positive(),
});
export type UxRestrictions = z.infer<typeof UxRestrictions>;

export const VehicleSnapshot = z.record(z.string(), z.union([z.number(), z.boolean(), z.string()]));
export type VehicleSnapshot = z.infer<typeof VehicleSnapshot>;

export const NLU_SOURCES = ['template', 'classifier', 'llm', 'touch', 'none'] as const;
export const NluSource = z.enum(NLU_SOURCES);
export type NluSource = z.infer<typeof NluSource>;

export const PolicyDecisionKind = z.enum(['allow', 'confirm', 'deny']);

/** One turn's decision trace: what was heard, how it was understood, what the policy said, what ran. */
export const Trace = z.strictObject({
  heard: z.string(),
  lang: Lang,
  intent: z.string().nullable(),
  slots: Slots,
  source: NluSource,
  confidence: z.number().min(0).max(1),
  policy: PolicyDecisionKind.nullable(),
  policyReason: z.string().optional(),
  actions: z.array(z.string()),
});
export type Trace = z.infer<typeof Trace>;

export const Card = z.strictObject({
  title: z.string(),
  lines: z.array(z.string()),
});
export type Card = z.infer<typeof Card>;

export const StateEvent = z.strictObject({
  type: z.literal('state'),
  dialogue: DialogueState,
  vehicle: VehicleSnapshot,
  restrictions: UxRestrictions,
});
export const TranscriptEvent = z.strictObject({
  type: z.literal('transcript'),
  text: z.string(),
  lang: Lang,
  final: z.boolean(),
});
export const ResponseEvent = z.strictObject({
  type: z.literal('response'),
  text: z.string(),
  lang: Lang,
  card: Card.optional(),
  trace: Trace.optional(),
  /** Say it, show no text or card: the policy's rule for messages while the car moves. */
  spokenOnly: z.boolean().optional(),
  /** Said before this screen connected, replayed so a reloaded page shows the conversation: shown, never
   *  spoken again. */
  replayed: z.boolean().optional(),
});
export const ErrorEvent = z.strictObject({
  type: z.literal('error'),
  id: z.string().optional(),
  code: z.enum(ERROR_CODES),
  message: z.string(),
});

/** A scenario the simulator offers: its file name (what `sim.scenario` takes), title and description. */
export const SimScenarioInfo = z.strictObject({ name: ScenarioFileName, title: z.string(), description: z.string() });
export const SimTimelineStep = z.strictObject({
  atS: z.number().min(0),
  label: z.string(),
  done: z.boolean(),
  /** Set when the step fired and did not do what it said: a failed expectation, a signal the car refused. */
  failed: z.boolean().optional(),
});
export const SimScenarioStatus = z.strictObject({
  /** The file name; a scenario given on the command line may come from outside the folder. */
  name: z.string().min(1).max(255),
  title: z.string(),
  elapsedS: z.number().min(0),
  durationS: z.number().min(0),
  steps: z.array(SimTimelineStep),
  running: z.boolean(),
});
/** Simulator only: the scenarios on offer and the one loaded, sent on connect and as its timeline moves. */
export const SimEvent = z.strictObject({
  type: z.literal('sim'),
  scenarios: z.array(SimScenarioInfo),
  scenario: SimScenarioStatus.nullable(),
  /** The address book's names, sorted, for the panel's incoming-message picker; absent without one. */
  contacts: z.array(z.string().max(200)).optional(),
});

export const CALL_STATES = ['dialing', 'active', 'ended'] as const;
/** The phone call shown in the call banner; null when there is none. */
export const CallEvent = z.strictObject({
  type: z.literal('call'),
  call: z
    .strictObject({
      state: z.enum(CALL_STATES),
      name: z.string().max(200),
      number: z.string().max(32),
      /** When the other side answered (ms since the epoch), for the banner's timer. */
      answeredAt: z.number().nullable(),
    })
    .nullable(),
});

export const MEDIA_STATUSES = ['stopped', 'playing', 'paused'] as const;
export const MediaTrack = z.strictObject({
  id: z.number().int().positive(),
  title: z.string().max(300),
  artist: z.string().max(300),
  album: z.string().max(300),
  genre: z.string().max(100),
  durationMs: z.number().int().min(0).nullable(),
});
export type MediaTrack = z.infer<typeof MediaTrack>;
/** The music player's state. The renderer's audio element follows it (the file is fetched by track id from
 *  its own transport) and ducks while Kemudi listens or speaks; `media.ended` moves it on. */
export const MediaEvent = z.strictObject({
  type: z.literal('media'),
  status: z.enum(MEDIA_STATUSES),
  track: MediaTrack.nullable(),
  /** 0..100, as the driver set it; `muted` silences without losing it. */
  volume: z.number().int().min(0).max(100),
  muted: z.boolean(),
  /** The track's place in the queue, 0-based, and the queue's length. */
  index: z.number().int().min(0),
  count: z.number().int().min(0),
});

/** Flat [lat, lon, lat, lon, …], rounded to 5 decimals (about a metre): compact on the wire. */
const FlatPoints = z.array(z.number().finite()).max(200_000);
/** The roads around the car, for the map: sent on connect and when the car moves away from the last area.
 *  `cls`: 0 motorway/trunk, 1 primary/secondary, 2 tertiary and other named through roads, 3 minor. */
export const MapRoadsEvent = z.strictObject({
  type: z.literal('map.roads'),
  /** [minLat, minLon, maxLat, maxLon] of the area sent. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  roads: z.array(z.strictObject({ cls: z.number().int().min(0).max(3), points: FlatPoints, name: z.string().max(200).optional() })).max(50_000),
  /** Where the map data comes from, said on the map (OpenStreetMap's ODbL asks for it). */
  attribution: z.string().max(300),
});
export type MapRoadsEvent = z.infer<typeof MapRoadsEvent>;
/** Guidance: the route being followed and the next manoeuvre; `route: null` when there is none. */
export const NavEvent = z.strictObject({
  type: z.literal('nav'),
  route: z
    .strictObject({
      destination: z.string().max(300),
      points: FlatPoints,
      /** Left to drive, from the car's position on the route. */
      remainingM: z.number().min(0),
      remainingS: z.number().min(0),
      /** The next manoeuvre: its text in the driver's language, how far ahead, onto which street. */
      next: z.strictObject({ text: z.string().max(300), distanceM: z.number().min(0), street: z.string().max(200).optional() }).nullable(),
    })
    .nullable(),
});
export type NavEvent = z.infer<typeof NavEvent>;

export const LLM_STATES = ['off', 'loading', 'ready', 'failed'] as const;
/** The language model behind free phrasing: off (none installed — a normal state; `detail` says how to
 *  get one), loading, ready (`detail` names the engine and model), or failed (`detail` says why; templates
 *  and the classifier carry on). Sent on connect and whenever it changes. */
export const LlmEvent = z.strictObject({
  type: z.literal('llm'),
  state: z.enum(LLM_STATES),
  detail: z.string().max(500),
});

/** A speech-recognition model installed for a language; the renderer fetches it by id through its transport. */
export const VoiceModelInfo = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/), lang: Lang });
export type VoiceModelInfo = z.infer<typeof VoiceModelInfo>;
/** The voice settings and the recognition models installed. Sent on connect and whenever either changes. */
export const VoiceEvent = z.strictObject({
  type: z.literal('voice'),
  settings: VoiceSettings,
  models: z.array(VoiceModelInfo).max(20),
});
export type VoiceEvent = z.infer<typeof VoiceEvent>;

export const Event = z.discriminatedUnion('type', [StateEvent, TranscriptEvent, ResponseEvent, ErrorEvent, SimEvent, CallEvent, LlmEvent, MediaEvent, MapRoadsEvent, NavEvent, VoiceEvent]);
export type Event = z.infer<typeof Event>;
export type StateEvent = z.infer<typeof StateEvent>;
export type ResponseEvent = z.infer<typeof ResponseEvent>;
export type ErrorEvent = z.infer<typeof ErrorEvent>;
export type SimEvent = z.infer<typeof SimEvent>;
export type CallEvent = z.infer<typeof CallEvent>;
export type LlmEvent = z.infer<typeof LlmEvent>;
export type MediaEvent = z.infer<typeof MediaEvent>;
export type SimScenarioInfo = z.infer<typeof SimScenarioInfo>;
export type SimScenarioStatus = z.infer<typeof SimScenarioStatus>;
export type SimTimelineStep = z.infer<typeof SimTimelineStep>;

// ---- Decoding ----
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    // String(): a path may hold a symbol key, which join() refuses with a TypeError.
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Decodes an already-parsed value into a command, or a typed error. Never throws. */
export function decodeCommand(value: unknown): Result<Command> {
  const parsed = Command.safeParse(value);
  return parsed.success ? ok(parsed.data) : err('invalid_message', describe(parsed.error));
}

/** Decodes raw text (a WebSocket frame) into a command, or a typed error. Never throws. */
export function decodeCommandText(text: string): Result<Command> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return err('bad_json', 'the message is not valid JSON');
  }
  return decodeCommand(value);
}

export function decodeEvent(value: unknown): Result<Event> {
  const parsed = Event.safeParse(value);
  return parsed.success ? ok(parsed.data) : err('invalid_message', describe(parsed.error));
}

/** Commands only the simulator transport accepts. */
export function isSimulatorCommand(command: Command): command is SimulatorCommand {
  return command.type.startsWith('sim.');
}
