// What the screen shows, as a pure reduction of contract events. No DOM and no signals here,
// so the unit tests run it in plain Node.
import type { CallEvent, Card, Event as KemudiEvent, Lang, LlmEvent, MapRoadsEvent, MediaEvent, NavEvent, SimEvent, StateEvent, Trace, UxRestrictions, VehicleSnapshot, VoiceEvent, ListEvent, ListKind, ModelsEvent } from '../../../common/contract.js';
import { DOOR_LOCK_SIGNALS, type SignalPath } from '../../../common/vss.js';
import type { TransportKind } from '../transport/types.js';
import { text } from '../i18n/text.js';

export type Turn =
  | { kind: 'user'; id: number; text: string; lang: Lang }
  /** `spokenOnly`: the text is for speech output only; the screen shows that it was read aloud. */
  | { kind: 'kemudi'; id: number; text: string; lang: Lang; card?: Card; trace?: Trace; spokenOnly?: boolean };

export interface Notice {
  id: number;
  code: string;
  message: string;
}

export interface UiState {
  /** The latest `state` event; null until the core has spoken. */
  state: StateEvent | null;
  turns: readonly Turn[];
  /** A partial (not final) transcript while someone speaks. */
  interim: string | null;
  notice: Notice | null;
  /** The simulator panel's status (scenarios, timeline); null outside the simulator. */
  sim: SimEvent | null;
  /** The phone call in progress, for the call banner; null when there is none. */
  call: CallEvent['call'];
  /** The language model's state, for the status strip; null until the core says. */
  llm: LlmEvent | null;
  /** The music player's state, for the audio element and the now-playing bar; null until the core says. */
  media: MediaEvent | null;
  /** The roads around the car and the route being followed, for the map. */
  roads: MapRoadsEvent | null;
  nav: NavEvent | null;
  /** Wake-word settings and the speech-recognition models installed. */
  voice: VoiceEvent | null;
  /** The lists the screens asked for (`list` command), newest per kind. */
  lists: Partial<Record<ListKind, ListEvent>>;
  /** The models Kemudi knows, installed or not, and their downloads. */
  models: ModelsEvent | null;
  nextId: number;
}

/** Older turns are dropped: a head unit shows a short history, and memory stays bounded. */
export const MAX_TURNS = 50;

export function initialUi(): UiState {
  return { state: null, turns: [], interim: null, notice: null, sim: null, call: null, llm: null, media: null, roads: null, nav: null, voice: null, lists: {}, models: null, nextId: 1 };
}

function addTurn(ui: UiState, turn: Turn): UiState {
  const turns = [...ui.turns, turn];
  return { ...ui, turns: turns.length > MAX_TURNS ? turns.slice(turns.length - MAX_TURNS) : turns, nextId: ui.nextId + 1 };
}

export function reduce(ui: UiState, event: KemudiEvent): UiState {
  switch (event.type) {
    case 'state':
      return { ...ui, state: event };
    case 'transcript':
      if (!event.final) return { ...ui, interim: event.text };
      return addTurn({ ...ui, interim: null }, { kind: 'user', id: ui.nextId, text: event.text, lang: event.lang });
    case 'response': {
      const turn: Turn = { kind: 'kemudi', id: ui.nextId, text: event.text, lang: event.lang };
      if (event.card) turn.card = event.card;
      if (event.trace) turn.trace = event.trace;
      if (event.spokenOnly) turn.spokenOnly = true;
      return addTurn(ui, turn);
    }
    case 'error':
      return notify(ui, event.code, event.message);
    case 'sim':
      return { ...ui, sim: event };
    case 'call':
      // An ended call leaves the banner at once: the conversation already said so.
      return { ...ui, call: event.call?.state === 'ended' ? null : event.call };
    case 'llm':
      return { ...ui, llm: event };
    case 'media':
      return { ...ui, media: event };
    case 'map.roads':
      return { ...ui, roads: event };
    case 'nav':
      return { ...ui, nav: event };
    case 'voice':
      return { ...ui, voice: event };
    case 'list':
      return { ...ui, lists: { ...ui.lists, [event.what]: event } };
    case 'models':
      return { ...ui, models: event };
  }
}

/** A short-lived message (an `error` event, a failed send). The newest replaces the one shown. */
export function notify(ui: UiState, code: string, message: string): UiState {
  return { ...ui, notice: { id: ui.nextId, code, message }, nextId: ui.nextId + 1 };
}

/** Clears the notice only if it is still the one the timer was started for. */
export function dismissNotice(ui: UiState, id: number): UiState {
  return ui.notice?.id === id ? { ...ui, notice: null } : ui;
}

/** In the simulator the text box stands in for the microphone, so it stays usable while "driving";
 *  in the car (Electron) the policy's keyboard restriction applies. */
export function typingAllowed(kind: TransportKind, restrictions: UxRestrictions | undefined): boolean {
  if (kind === 'websocket') return true;
  return restrictions?.keyboard ?? true;
}

/** What the composer says about typing: 'locked' in the car while the keyboard is restricted; 'simulated'
 *  in the simulator, where the text box stays usable but the tester must see it would be locked. */
export function typingNotice(kind: TransportKind, restrictions: UxRestrictions | undefined): 'locked' | 'simulated' | null {
  if (!restrictions || restrictions.keyboard) return null;
  return typingAllowed(kind, restrictions) ? 'simulated' : 'locked';
}

/** The UX restrictions in plain words, e.g. "Moving: keyboard off, lists ≤ 6, text ≤ 120 characters". */
export function restrictionSummary(restrictions: UxRestrictions | undefined, lang: Lang = 'en'): string {
  if (!restrictions) return text(lang, 'sim:restrictions.waiting');
  const limits = [
    restrictions.keyboard ? null : text(lang, 'sim:restrictions.keyboardOff'),
    text(lang, 'sim:restrictions.lists', { n: restrictions.maxListItems }),
    text(lang, 'sim:restrictions.text', { n: restrictions.maxChars }),
  ].filter((part): part is string => part !== null);
  const state = text(lang, restrictions.moving ? 'sim:restrictions.moving' : 'sim:restrictions.parked');
  return text(lang, 'sim:restrictions.summary', { state, limits: limits.join(text(lang, 'sim:restrictions.separator')) });
}

/** Cuts a text to `max` characters, the last one an ellipsis, so a glance is enough. */
export function clipText(text: string, max: number): string {
  const chars = Array.from(text); // code points: never split a surrogate pair (emoji, rare CJK)
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export interface Glance {
  /** The newest turns that fit the list limit, each text and card within the character and list limits. */
  turns: Turn[];
  /** How many older turns are not shown. */
  hidden: number;
}

/** The conversation as the restrictions allow it on screen. Speech output still gets each full text. */
export function glance(turns: readonly Turn[], restrictions: UxRestrictions | undefined): Glance {
  if (!restrictions) return { turns: [...turns], hidden: 0 };
  const { maxListItems, maxChars } = restrictions;
  const shown = turns.slice(Math.max(0, turns.length - maxListItems));
  return {
    hidden: turns.length - shown.length,
    turns: shown.map((turn): Turn => {
      const text = clipText(turn.text, maxChars);
      if (turn.kind === 'user' || !turn.card) return text === turn.text ? turn : { ...turn, text };
      const card: Card = { title: clipText(turn.card.title, maxChars), lines: turn.card.lines.slice(0, maxListItems).map((line) => clipText(line, maxChars)) };
      return { ...turn, text, card };
    }),
  };
}

export type StatusId = 'speed' | 'gear' | 'headlights' | 'highbeams' | 'temperature' | 'fuel' | 'doors';
export interface StatusItem {
  id: StatusId;
  text: string;
  /** Highlights a signal that is on or needs attention. */
  active: boolean;
}

const DOOR_LOCKS = DOOR_LOCK_SIGNALS;

/** A signal's value when it is a number (snapshots carry any JSON value). */
export function num(vehicle: VehicleSnapshot, path: SignalPath): number | undefined {
  const value = vehicle[path];
  return typeof value === 'number' ? value : undefined;
}
/** A signal's value when it is a boolean. */
export function bool(vehicle: VehicleSnapshot, path: SignalPath): boolean | undefined {
  const value = vehicle[path];
  return typeof value === 'boolean' ? value : undefined;
}

function onOff(lang: Lang, name: 'headlights' | 'highbeams', value: boolean | undefined): { text: string; active: boolean } {
  return { text: text(lang, `home:status.${name}.${value === undefined ? 'unknown' : value ? 'on' : 'off'}`), active: value === true };
}

/** The status strip's items, in display order. Missing signals read "unknown" rather than a made-up value. */
export function vehicleStatus(vehicle: VehicleSnapshot, lang: Lang = 'en'): StatusItem[] {
  const speed = num(vehicle, 'Vehicle.Speed');
  const gear = vehicle['Vehicle.Powertrain.Transmission.SelectedGear'];
  const temperature = num(vehicle, 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature');
  const fuel = num(vehicle, 'Vehicle.Powertrain.FuelSystem.RelativeLevel');
  const locks = DOOR_LOCKS.map((path) => bool(vehicle, path));
  const known = locks.filter((locked): locked is boolean => locked !== undefined);
  const unlocked = known.filter((locked) => !locked).length;
  let doors: string;
  if (known.length === 0) doors = text(lang, 'home:status.doors.unknown');
  else if (unlocked === 0) doors = text(lang, 'home:status.doors.locked');
  else if (unlocked === known.length) doors = text(lang, 'home:status.doors.unlocked');
  else doors = text(lang, 'home:status.doors.some', { unlocked, total: known.length });

  return [
    { id: 'speed', text: speed === undefined ? text(lang, 'home:status.speedUnknown') : text(lang, 'home:status.speed', { speed: Math.round(speed) }), active: (speed ?? 0) > 0 },
    { id: 'gear', text: text(lang, 'home:status.gear', { gear: typeof gear === 'string' ? gear : '–' }), active: typeof gear === 'string' && gear !== 'P' },
    { id: 'headlights', ...onOff(lang, 'headlights', bool(vehicle, 'Vehicle.Body.Lights.Beam.Low.IsOn')) },
    { id: 'highbeams', ...onOff(lang, 'highbeams', bool(vehicle, 'Vehicle.Body.Lights.Beam.High.IsOn')) },
    {
      id: 'temperature',
      text: temperature === undefined ? text(lang, 'home:status.temperatureUnknown') : text(lang, 'home:status.temperature', { value: formatNumber(temperature) }),
      active: false,
    },
    { id: 'fuel', text: fuel === undefined ? text(lang, 'home:status.fuelUnknown') : text(lang, 'home:status.fuel', { value: Math.round(fuel) }), active: fuel !== undefined && fuel < 15 },
    { id: 'doors', text: doors, active: unlocked > 0 },
  ];
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function formatSlots(slots: Trace['slots']): string {
  const entries = Object.entries(slots);
  return entries.length === 0 ? '' : entries.map(([name, value]) => `${name}=${String(value)}`).join(' ');
}

/** A turn's decision trace as label/value pairs, for the compact line under a response.
 *  Actions drop the common "Vehicle." prefix to stay on one line. */
export function traceSummary(trace: Trace, lang: Lang = 'en'): Array<[label: string, value: string]> {
  const slots = formatSlots(trace.slots);
  const none = text(lang, 'home:conversation.none');
  const label = (name: string): string => text(lang, `home:conversation.traceLabels.${name}`);
  const pairs: Array<[string, string]> = [
    [label('intent'), trace.intent === null ? none : slots ? `${trace.intent} (${slots})` : trace.intent],
    [label('source'), trace.source === 'none' ? none : `${trace.source} ${Math.round(trace.confidence * 100)}%`],
    [label('policy'), trace.policy === null ? '–' : trace.policyReason ? `${trace.policy}: ${trace.policyReason}` : trace.policy],
    [label('actions'), trace.actions.length === 0 ? none : trace.actions.map((action) => action.replace(/^Vehicle\./, '')).join(', ')],
  ];
  return pairs;
}
