// The composition root: builds an Assistant from the real parts. Shells (sim server, Electron, CLI)
// call this and nothing deeper, so all of them run the same core.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Powertrain, VehicleSignals } from '../../common/vss.js';
import { IntentCatalog } from '../nlu/catalog.js';
import { NluEngine } from '../nlu/index.js';
import { TemplateMatcher } from '../nlu/sentences.js';
import { readModels, trainAll, type NluModels } from '../nlu/train.js';
import { assistantHandlers } from '../services/assistant/handlers.js';
import { openMeteoFromEnv, WeatherConfigError } from '../services/assistant/open-meteo.js';
import { chooseWeather, SimulatedWeather, type WeatherProvider } from '../services/assistant/weather.js';
import { mediaHandlers } from '../services/media/handlers.js';
import { navigationHandlers } from '../services/navigation/handlers.js';
import { NavigationService } from '../services/navigation/service.js';
import { type MapCounts, MapStore, POI_CATEGORIES, type Place } from '../storage/maps.js';
import { SettingsStore } from '../storage/settings.js';
import { createVoiceSettings, type VoiceControls } from '../services/voice/settings.js';
import { ensureSampleMap } from '../simulator/sample-map.js';
import { MediaPlayer, type TrackSource } from '../services/media/player.js';
import { contactResolver, messagingHandlers } from '../services/messaging/handlers.js';
import { Outbox } from '../services/messaging/outbox.js';
import { type Call, SimulatedPhone } from '../services/messaging/simulated-phone.js';
import { vehicleHandlers } from '../services/vehicle/handlers.js';
import { ContactStore } from '../storage/contacts.js';
import { MediaLibrary, type Track } from '../storage/media.js';
import { ensureSampleMusic } from '../simulator/sample-music.js';
import { MessageStore } from '../storage/messages.js';
import { CallLogStore } from '../storage/calls.js';
import { createListSource } from '../services/lists.js';
import { importVcardFile } from '../storage/vcard.js';
import { SimulatorController, type ScenarioHooks } from '../simulator/controller.js';
import { SimulatedVehicle } from '../simulator/vehicle.js';
import { type Db, openDatabase } from '../storage/db.js';
import { HistoryStore } from '../storage/history.js';
import { Lang, type CallEvent, type MediaTrack, type VoiceModelInfo } from '../../common/contract.js';
import type { Generator } from '../llm/generation.js';
import { suggestedModel } from '../llm/models.js';
import type { ModelService } from '../llm/model-service.js';
import { err, ok } from '../../common/result.js';
import { Assistant, type AssistantDeps, type PhoneControls } from './assistant.js';
import type { IntentFallback, Nlu } from './ports.js';
import type { DialogueTimings } from './dialogue/machine.js';
import { addressBookFile, dataDir, intentsDir, nluModelsFile, scenariosDir } from './paths.js';
import type { Logger } from './log.js';
import { logAssistant, logOutbox } from './log-wiring.js';
import { SafetyPolicy } from './policy/policy.js';
import { ResponseCatalog } from './responses.js';

export interface Knowledge {
  catalog: IntentCatalog;
  templates: TemplateMatcher;
  responses: ResponseCatalog;
  nlu: NluEngine;
  models: NluModels;
}

/** Loads intents, sentences, responses and the trained classifier once; cheap to share between assistants.
 *  When the build's models are missing or older than the sentence files, trains them here (seconds). */
export function loadKnowledge(dir: string = intentsDir(), modelsFile: string = nluModelsFile()): Knowledge {
  const catalog = IntentCatalog.load(dir);
  const templates = TemplateMatcher.load(dir, catalog);
  const models = readModels(modelsFile, dir) ?? trainAll(dir, templates, catalog);
  return { catalog, templates, responses: ResponseCatalog.load(dir), nlu: new NluEngine(catalog, templates, models), models };
}

export interface SimulatedAssistantOptions {
  /** The speech-recognition models installed (default: those under the models folder). */
  voiceModels?: () => VoiceModelInfo[];
  /** Starting signals over the defaults (parked, locked, lights off, 21 °C). */
  start?: VehicleSignals;
  /** combustion (fuel) unless said otherwise. */
  powertrain?: Powertrain;
  /** Physics follows the wall clock (the live simulator). Otherwise time moves only by `vehicle.advance`. */
  realtime?: boolean;
  /** What the simulator's reset does; by default a loaded scenario plays again from its start, else the car
   *  goes back to `start`. */
  simulatorReset?: () => void;
  /** The folder the simulator panel's scenario picker lists (default: scenarios/); null offers none. */
  scenariosDir?: string | null;
  /** Told about a playing scenario's messages, steps and end (`kemudi sim` prints them). */
  scenarioHooks?: ScenarioHooks;
  lang?: Lang;
  /** The database file; ':memory:' keeps nothing. Default: kemudi.db in the data directory. */
  database?: string;
  knowledge?: Knowledge;
  /** better-sqlite3 compiled for another ABI (Electron's); see scripts/start.mjs. */
  nativeBinding?: string;
  /** Dialogue timings and clock. By default a realtime simulator speaks and waits like the car does, and a
   *  headless one (the CLI, tests) takes no time to speak and has no follow-up window. */
  timings?: Partial<DialogueTimings>;
  clock?: AssistantDeps['clock'];
  /** A .vcf loaded into an empty address book (default: scenarios/address-book.vcf); null loads none. */
  addressBook?: string | null;
  /** The NLU's last resort (the LLM's tool call, main/llm): sentences nothing else placed go to it. */
  fallback?: IntentFallback;
  /** Understanding other than the knowledge's route, e.g. the LLM alone (the red team forces requests
   *  through the model this way). */
  nlu?: Nlu;
  /** The LLM's generation for questions and translation, once a model is ready (LlmService.generator). */
  generator?: () => Generator | null;
  /** A music folder indexed into an empty library the first time music is asked for. Default: the
   *  simulator's generated sample tracks (next to the database, or in the temp folder for ':memory:');
   *  null: none. */
  music?: string | null;
  /** Without an imported map, the simulator imports its generated sample town (default: true), the first
   *  time a route is asked for, or at start in the live simulator. */
  sampleMap?: boolean;
  /** The online weather service (default: Open-Meteo when KEMUDI_WEATHER_URL is set), asked after the
   *  scenario's weather; null: none. */
  onlineWeather?: WeatherProvider | null;
  /** Where turns, errors, the outbox's states and the sample map's import are logged (main/core/log.ts).
   *  Default: nowhere; the shells pass the process's log. */
  log?: Logger;
  /** The models and their downloads for the Settings screen (the `models` event, `models.pull`/`cancel`);
   *  a voice model it installs reaches the `voice` event at once. Default: none (the commands are refused). */
  models?: ModelService;
}

/** Headless: answers take no time to say, and a turn ends back in idle. */
export const HEADLESS_TIMINGS: Partial<DialogueTimings> = { speechMs: () => 0, followUpMs: 0 };

export interface SimulatedAssistant {
  assistant: Assistant;
  vehicle: SimulatedVehicle;
  /** The simulated handset: messages out through the outbox, messages in, calls. */
  phone: SimulatedPhone;
  contacts: ContactStore;
  messages: MessageStore;
  outbox: Outbox;
  /** The simulator panel's controls: driving, parking, scenarios. */
  simulator: SimulatorController;
  db: Db;
  /** The music library and player. */
  library: MediaLibrary;
  player: MediaPlayer;
  /** The imported maps, and the active route with its guidance. */
  maps: MapStore;
  navigation: NavigationService;
  /** Imports the sample town when there is no map yet (once; later calls share it). */
  prepareMap(): Promise<void>;
  /** Settles once a route saved before a restart has been taken up again (at once when there was none). */
  resumed: Promise<void>;
  /** The voice settings and installed recognition models (the `voice` event). */
  voice: VoiceControls;
  /** Indexes the music folder into an empty library (once; later calls share it). Music requests wait for it. */
  prepareMusic(): Promise<void>;
  close(): void;
}

/** The call banner's view of the simulated phone: who is on the line, and hanging up. */
function phoneControls(phone: SimulatedPhone, contacts: ContactStore): PhoneControls {
  const view = (call: Call | null): CallEvent['call'] => {
    if (!call) return null;
    const name = (call.contactId !== null ? contacts.get(call.contactId)?.name : undefined) ?? contacts.byNumber(call.number)?.name ?? call.number;
    return { state: call.state, name, number: call.number, answeredAt: call.answeredAt };
  };
  return {
    call: () => view(phone.current()),
    hangUp: () => {
      const call = phone.current();
      if (!call) return err('not_allowed', 'there is no call to end');
      const ended = phone.hangUp(call.id);
      return ended.ok ? ok(undefined) : ended;
    },
    onChange: (listener) => phone.onCall((call) => listener(view(call))),
  };
}

/** Open-Meteo when KEMUDI_WEATHER_URL is set; a bad URL is said once on stderr and the service stays off. */
function onlineWeatherFromEnv(): WeatherProvider | null {
  try {
    return openMeteoFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof WeatherConfigError)) throw error;
    process.stderr.write(`kemudi: online weather is off: ${error.message}\n`);
    return null;
  }
}

const ACTIVE_ROUTE = 'navigation.active';
const PLAYER_STATE = 'media.player';
const SavedRoute = z.object({
  name: z.string().min(1).max(300),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  kind: z.enum(['street', 'poi', 'address', 'saved', 'recent']),
  category: z.enum(POI_CATEGORIES).optional(),
  lang: Lang,
});
const SavedPlayer = z.object({ trackId: z.number().int().positive().nullable(), volume: z.number().min(0).max(100), muted: z.boolean() });

/** The fields of a place worth keeping across a restart. */
function pickPlace(place: Place): Omit<z.infer<typeof SavedRoute>, 'lang'> {
  return { name: place.name, lat: place.lat, lon: place.lon, kind: place.kind, ...(place.category ? { category: place.category } : {}) };
}

/** A library track as the screen and the player see it. */
const asMediaTrack = (t: Track): MediaTrack => ({
  id: t.id,
  title: t.title.slice(0, 300),
  artist: (t.artist ?? '').slice(0, 300),
  album: (t.album ?? '').slice(0, 300),
  genre: (t.genre ?? '').slice(0, 100),
  durationMs: t.durationMs === null ? null : Math.max(0, Math.round(t.durationMs)),
});

function trackSource(library: MediaLibrary): TrackSource {
  return {
    search: (query, lang) => library.search(query, lang).map(asMediaTrack),
    all: () => library.all().map(asMediaTrack),
    get: (id) => {
      const track = library.get(id);
      return track ? asMediaTrack(track) : undefined;
    },
  };
}

/** Where the simulator's generated sample music lives: beside the database, or in the temp folder. */
function sampleMusicDir(database: string): string {
  return database === ':memory:' ? join(tmpdir(), 'kemudi-sample-music') : join(dirname(database), 'sample-music');
}

/** A map's counts for the log: nothing of its name or path. */
const mapCounts = (m: MapCounts): MapCounts => ({ vertices: m.vertices, edges: m.edges, streets: m.streets, pois: m.pois, addresses: m.addresses, restrictions: m.restrictions });

/** Every name in the address book once, in alphabetical order. */
function addressBookNames(contacts: ContactStore): string[] {
  return [...new Set(contacts.all().map((contact) => contact.name))].sort((a, b) => a.localeCompare(b));
}

export function createSimulatedAssistant(options: SimulatedAssistantOptions = {}): SimulatedAssistant {
  const knowledge = options.knowledge ?? loadKnowledge();
  const vehicle = new SimulatedVehicle(options.start, options.powertrain ? { powertrain: options.powertrain } : {});
  const database = options.database ?? join(dataDir(), 'kemudi.db');
  const db = openDatabase(database, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  const contacts = new ContactStore(db);
  // The simulator starts with a sample address book (en, id and zh names) when it has none.
  if (contacts.all().length === 0 && options.addressBook !== null) importVcardFile(contacts, options.addressBook ?? addressBookFile(), { source: 'simulator' });
  const messages = new MessageStore(db);
  let closed = false;
  const maps = new MapStore(db);
  // What must survive a restart (a crash, the engine switched off and on): the destination being
  // driven to and the music, kept in SQLite beside everything else.
  const settings = new SettingsStore(db);
  const navigation = new NavigationService({
    store: maps,
    vehicle,
    guide: (speech, lang) => void assistant.guidance(speech, lang),
    follower: vehicle,
    remember: (active) => (active ? settings.set(ACTIVE_ROUTE, { ...pickPlace(active.place), lang: active.lang }) : settings.delete(ACTIVE_ROUTE)),
  });
  let mapping: Promise<void> | null = null;
  const prepareMap = (): Promise<void> =>
    (mapping ??= (async () => {
      if (options.sampleMap === false) return;
      const started = performance.now();
      const imported = await ensureSampleMap(maps, { dir: database === ':memory:' ? join(tmpdir(), 'kemudi-sample-map') : join(dirname(database), 'sample-map') });
      if (imported.ok && imported.value) navigation.reload();
      if (!imported.ok) options.log?.child('maps').error('map.import_failed', { sample: true, code: imported.error.code, message: imported.error.message });
      else if (imported.value) options.log?.child('maps').info('map.import', { sample: true, ...mapCounts(imported.value), ms: Math.round(performance.now() - started) });
    })().catch((error: unknown) => options.log?.child('maps').error('map.import_failed', { sample: true, err: error })));
  const library = new MediaLibrary(db);
  const player = new MediaPlayer(trackSource(library));
  const savedPlayer = settings.get(PLAYER_STATE, SavedPlayer);
  if (savedPlayer) player.restore(savedPlayer);
  player.onChange((event) => settings.set(PLAYER_STATE, { trackId: event.track?.id ?? null, volume: event.volume, muted: event.muted }));
  const musicDir = options.music === undefined ? sampleMusicDir(database) : options.music;
  const stopIndexing = new AbortController();
  let indexing: Promise<void> | null = null;
  // Music is indexed the first time it is asked for, not at start: most turns never need it.
  const prepareMusic = (): Promise<void> =>
    (indexing ??= (async () => {
      if (!musicDir || library.count() > 0) return;
      if (options.music === undefined) ensureSampleMusic(musicDir);
      await library.indexFolder(musicDir, { signal: stopIndexing.signal });
    })().catch(() => undefined));
  // The phone keeps the simulator's time (wall-clock dates, advanced by the simulated clock), so a call
  // is answered after three seconds of simulated driving, in tests as live.
  const epoch = Date.now();
  const phone = new SimulatedPhone({ file: database === ':memory:' ? ':memory:' : join(dirname(database), 'simulated-phone.db'), db, now: () => epoch + vehicle.now() });
  const outbox = new Outbox(db, phone);
  // The weather a scenario declares, then the online service when one is configured; else an honest "offline".
  const scenarioWeather = new SimulatedWeather(null);
  const weather = chooseWeather([scenarioWeather, options.onlineWeather === undefined ? onlineWeatherFromEnv() : options.onlineWeather]);
  const simulator = new SimulatorController(vehicle, {
    weather: scenarioWeather,
    ...options.scenarioHooks,
    // An incoming message (a scenario's step, or the panel) arrives on the phone (and in the inbox), then is
    // offered when the driver is free, even when the phone could not store it, as a scenario always did.
    receive: (message) => {
      const from = contacts.resolve(message.from)[0]?.contact;
      const number = from?.numbers[0]?.number ?? message.from;
      const received = phone.receive({ from: number, body: message.text, ...(message.lang ? { lang: message.lang } : {}), ...(from ? { contactId: from.id } : {}) });
      void assistant.incoming(from?.name ?? message.from, message.text, message.lang ?? options.lang ?? 'en');
      return received.ok ? ok(undefined) : received;
    },
    contacts: () => addressBookNames(contacts),
    scenariosDir: options.scenariosDir === undefined ? scenariosDir() : options.scenariosDir,
    ...(options.start ? { start: options.start } : {}),
    ...(options.simulatorReset ? { reset: options.simulatorReset } : {}),
    // A scenario's `say` step is a typed turn, queued behind any turn in progress.
    say: (text, lang): Promise<unknown> => assistant.handle({ type: 'utterance', text, source: 'text', ...(lang ? { lang } : {}) }),
  });
  const voice = createVoiceSettings({ settings, models: options.voiceModels ?? (() => []) });
  // The touch screens' lists, and what changes them: messages arriving, read or sent; calls ending.
  const lists = createListSource({
    maps,
    contacts,
    messages,
    calls: new CallLogStore(db),
    near: () => navigation.position(),
    categoryLabel: (category, lang) => knowledge.responses.render(lang, { key: `navigation.category.${category}` }),
    changes: [
      (listener) => messages.onChange(() => listener('messages')),
      (listener) => phone.onReceive(() => listener('messages')),
      (listener) => outbox.onChange((item) => item.state === 'queued' && listener('messages')),
      (listener) => phone.onCall((call) => call.state === 'ended' && listener('calls.recent')),
    ],
  });
  const assistant = new Assistant({
    catalog: knowledge.catalog,
    nlu: options.nlu ?? (options.fallback ? knowledge.nlu.withFallback(options.fallback) : knowledge.nlu),
    policy: new SafetyPolicy(knowledge.catalog),
    vehicle,
    handlers: {
      ...vehicleHandlers,
      ...messagingHandlers({ contacts, messages, outbox, phone }),
      ...mediaHandlers(player, prepareMusic),
      ...navigationHandlers(maps, navigation, prepareMap),
      ...assistantHandlers({ generator: options.generator ?? (() => null), suggestedModel: () => suggestedModel(), weather }),
    },
    media: player,
    voice,
    ...(options.models ? { models: options.models } : {}),
    map: { roads: () => navigation.mapEvent(), nav: () => navigation.navEvent(), onChange: (listener) => navigation.onChange(listener) },
    resolve: contactResolver(contacts),
    phone: phoneControls(phone, contacts),
    lists,
    responses: knowledge.responses,
    history: new HistoryStore(db),
    simulator,
    ...(options.lang ? { lang: options.lang } : {}),
    timings: options.timings ?? (options.realtime ? {} : HEADLESS_TIMINGS),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const unlog = options.log ? [logAssistant(assistant, options.log.child('assistant')), logOutbox(outbox, options.log.child('outbox'))] : [];
  // The phone's calls move on with the simulated clock (dialing → active when the other side answers).
  const stopTicking = vehicle.onTick((now) => {
    phone.tick();
    navigation.tick(now);
  });
  // The route that was being driven is taken up again from where the car is now.
  const savedRoute = settings.get(ACTIVE_ROUTE, SavedRoute);
  const resumed = savedRoute
    ? prepareMap().then(() => {
        const { lang, ...place } = savedRoute;
        if (closed) return;
        // Said, so the driver knows why the map shows a route after the engine came back on.
        if (navigation.navigateTo(place, lang).kind === 'started') void assistant.guidance({ key: 'navigation.resumed', params: { place: place.name } }, lang);
      })
    : Promise.resolve();
  // A voice model pulled (`kemudi models pull`) while the app runs reaches the screen within seconds.
  const stopModels = options.models?.onInstalled((model) => {
      if (model.kind === 'voice') voice.refresh();
    }) ?? (() => undefined);
  const watchModels = options.realtime
    ? setInterval(() => {
        voice.refresh();
        options.models?.refresh();
      }, 10_000)
    : null;
  watchModels?.unref();
  if (options.realtime) {
    // The live simulator shows a map from the start.
    void prepareMap();
    vehicle.startRealtime();
    outbox.start();
  }
  return {
    assistant,
    vehicle,
    phone,
    contacts,
    messages,
    outbox,
    simulator,
    db,
    library,
    player,
    prepareMusic,
    maps,
    navigation,
    prepareMap,
    resumed,
    voice,
    close() {
      closed = true;
      if (watchModels) clearInterval(watchModels);
      stopModels();
      for (const off of unlog) off();
      stopIndexing.abort();
      stopTicking();
      outbox.stop();
      phone.close();
      vehicle.stopRealtime();
      simulator.dispose();
      assistant.dispose();
      db.close();
    },
  };
}
