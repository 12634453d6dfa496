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
/** A model's manifest id (models/manifest.json): lowercase letters, digits, . _ -; never a path. */
export const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const ModelId = z.string().max(100).regex(MODEL_ID, 'a model id from the manifest, such as qwen2.5-0.5b-instruct-q4_k_m');
/** Download a model of the manifest (the Settings screen's button): progress and the outcome come as `models`
 *  events; one already installed or already downloading is left as it is. `id` is the request's id, as in every
 *  command; `model` names the model. Not a turn: handled at once. */
export const ModelsPullCommand = z.strictObject({ type: z.literal('models.pull'), id, model: ModelId });
/** Stop a model's download; the part downloaded so far is kept, so the next pull resumes it. */
export const ModelsCancelCommand = z.strictObject({ type: z.literal('models.cancel'), id, model: ModelId });
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

// ---- Lists for the touch screens (saved and recent places, POI categories, messages, contacts, calls) ----
export const LIST_KINDS = ['places.saved', 'places.recent', 'places.search', 'poi.categories', 'messages', 'contacts.favourites', 'calls.recent'] as const;
export const ListKind = z.enum(LIST_KINDS);
export type ListKind = z.infer<typeof ListKind>;
/** The most items one list carries (the parked screen's longest list); moving, the policy's maxListItems. */
export const MAX_LIST_ITEMS = 50;
/** The longest search a screen may type (the geocoder takes no more). */
export const MAX_LIST_QUERY_CHARS = 200;
/** Asks for a list; answered at once (not a turn) by a `list` event to every screen, with this command's id
 *  as `requestId`. `query` is for `places.search` only, where it is required. Searching needs the keyboard:
 *  refused (`not_allowed`) while the car moves. */
export const ListCommand = z
  .strictObject({
    type: z.literal('list'),
    id,
    what: ListKind,
    query: z.string().trim().min(1).max(MAX_LIST_QUERY_CHARS).optional(),
    /** The language names are given in (place names, where the map has them); default: the core's. */
    lang: Lang.optional(),
  })
  .superRefine((command, ctx) => {
    if (command.what === 'places.search' && command.query === undefined) ctx.addIssue({ code: 'custom', message: 'places.search needs a query', path: ['query'] });
    if (command.what !== 'places.search' && command.query !== undefined) ctx.addIssue({ code: 'custom', message: 'only places.search takes a query', path: ['query'] });
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
  ModelsPullCommand,
  ModelsCancelCommand,
  SimSetCommand,
  SimResetCommand,
  SimDriveCommand,
  SimParkCommand,
  SimScenarioCommand,
  SimMessageCommand,
  ListCommand,
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

export const MODEL_KINDS = ['llm', 'voice'] as const;
export const MODEL_DOWNLOAD_STATES = ['downloading', 'verifying', 'failed', 'cancelled', 'done'] as const;
/** Why a download failed (main/llm/download.ts's codes, and `internal` for a bug on our side). */
export const MODEL_DOWNLOAD_ERROR_CODES = ['no_network', 'disk_full', 'checksum_mismatch', 'size_mismatch', 'http_error', 'cancelled', 'bad_model', 'io_error', 'internal'] as const;
/** A model's download in progress or its last outcome (until the next pull). `verifying`: every byte is in and
 *  the file is being checked (size, sha256, GGUF header) or converted (a voice model's archive). */
export const ModelDownload = z.strictObject({
  state: z.enum(MODEL_DOWNLOAD_STATES),
  receivedBytes: z.number().int().min(0),
  totalBytes: z.number().int().min(0).nullable(),
  error: z.strictObject({ code: z.enum(MODEL_DOWNLOAD_ERROR_CODES), message: z.string().max(500) }).optional(),
});
export type ModelDownload = z.infer<typeof ModelDownload>;
/** One model of the manifest, as the Settings screen lists it. `bytes`: the download's size when known (the
 *  manifest's, else the one recorded on the first download). `recommended`: the language model this machine's
 *  memory suits best. */
export const ModelInfo = z.strictObject({
  id: ModelId,
  name: z.string().max(200),
  kind: z.enum(MODEL_KINDS),
  lang: Lang.optional(),
  bytes: z.number().int().positive().nullable(),
  installed: z.boolean(),
  recommended: z.boolean().optional(),
  download: ModelDownload.nullable(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;
/** The models Kemudi knows and their state. Sent on connect and on every change (download progress at most
 *  about four times a second per model). */
export const ModelsEvent = z.strictObject({
  type: z.literal('models'),
  models: z.array(ModelInfo).max(50),
});
export type ModelsEvent = z.infer<typeof ModelsEvent>;

const listText = z.string().max(2000);
const listName = z.string().max(300);
const listNumber = z.string().max(32);
const epochMs = z.number().int().min(0);
/** A place to drive to: a saved one (home, work), a recent destination, or a search result. Touch sends
 *  `navigation.navigate` with its name (a saved place: its label). */
export const ListPlace = z.strictObject({
  type: z.literal('place'),
  /** Stable within its list, for the screen's keys: `saved:home`, `recent:43.7384,7.4246`, `map:123`. */
  id: z.string().min(1).max(100),
  name: listName,
  /** A saved place's label ('home', 'work', …). */
  label: z.string().max(100).optional(),
  kind: z.enum(['street', 'poi', 'address', 'saved', 'recent']),
  category: z.string().regex(/^[a-z_]{1,32}$/).optional(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** From the car, when its position is known. */
  distanceM: z.number().min(0).optional(),
});
/** A POI category (the `category` slot of navigation.find_poi), with its name in each language. */
export const ListCategory = z.strictObject({
  type: z.literal('category'),
  id: z.string().regex(/^[a-z_]{1,32}$/),
  label: z.strictObject({ en: z.string().max(100), id: z.string().max(100), zh: z.string().max(100) }),
});
/** A conversation: who, its newest message, how many are unread. `text` is absent while the car moves
 *  (messages are read aloud then, never shown: the policy's rule for messaging.read). */
export const ListThread = z.strictObject({
  type: z.literal('thread'),
  id: z.number().int().positive(),
  /** Absent for a number not in the address book. */
  contactName: listName.optional(),
  number: listNumber,
  text: listText.optional(),
  /** Whether the newest message came in or went out. */
  direction: z.enum(['in', 'out']),
  unread: z.number().int().min(0),
  at: epochMs,
});
/** An address-book entry with a number to call or text. */
export const ListContact = z.strictObject({
  type: z.literal('contact'),
  id: z.number().int().positive(),
  name: listName,
  number: listNumber,
});
/** A call in the call log, newest first. `durationS` is null for a call not ended. */
export const ListCall = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().positive(),
  /** Absent for a number not in the address book. */
  name: listName.optional(),
  number: listNumber,
  direction: z.enum(['outgoing', 'incoming', 'missed']),
  at: epochMs,
  durationS: z.number().int().min(0).nullable(),
});
export const ListItem = z.discriminatedUnion('type', [ListPlace, ListCategory, ListThread, ListContact, ListCall]);
export type ListItem = z.infer<typeof ListItem>;
/** Which item type each list holds. */
export const LIST_ITEM_TYPE: Readonly<Record<ListKind, ListItem['type']>> = {
  'places.saved': 'place',
  'places.recent': 'place',
  'places.search': 'place',
  'poi.categories': 'category',
  messages: 'thread',
  'contacts.favourites': 'contact',
  'calls.recent': 'call',
};
/** A list for a touch screen, as the UX restrictions of the moment allow: while moving at most
 *  maxListItems items (`truncated`, `total` the real count), texts cut to maxChars, message text absent.
 *  Sent to every screen: in answer to `list` (with its id as `requestId`), when messages arrive or are read,
 *  and again when the car starts or stops moving for each list a screen asked for. */
export const ListEvent = z
  .strictObject({
    type: z.literal('list'),
    what: ListKind,
    query: z.string().max(MAX_LIST_QUERY_CHARS).optional(),
    items: z.array(ListItem).max(MAX_LIST_ITEMS),
    total: z.number().int().min(0),
    truncated: z.boolean(),
    requestId: z.string().min(1).max(64).optional(),
  })
  .superRefine((event, ctx) => {
    const expected = LIST_ITEM_TYPE[event.what];
    event.items.forEach((item, i) => {
      if (item.type !== expected) ctx.addIssue({ code: 'custom', message: `${event.what} holds ${expected} items, not ${item.type}`, path: ['items', i, 'type'] });
    });
    if (event.total < event.items.length) ctx.addIssue({ code: 'custom', message: 'total is less than the items sent', path: ['total'] });
  });
export type ListEvent = z.infer<typeof ListEvent>;

export const Event = z.discriminatedUnion('type', [StateEvent, TranscriptEvent, ResponseEvent, ErrorEvent, SimEvent, CallEvent, LlmEvent, MediaEvent, MapRoadsEvent, NavEvent, VoiceEvent, ModelsEvent, ListEvent]);
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
