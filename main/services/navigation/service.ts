// Navigation while driving: the active route, guidance as the car moves along it, rerouting when it
// leaves the route, arrival, and what the map shows (the roads around the car, the route, the next
// manoeuvre). The road data is the map store's; routes are the Router's; the car is the vehicle bus.
import type { Lang, MapRoadsEvent, NavEvent } from '../../../common/contract.js';
import type { Speech, VehicleBus } from '../../core/ports.js';
import type { MapStore, Place } from '../../storage/maps.js';
import type { RoadGraph } from './graph.js';
import { announce, instructions, type Instruction } from './instructions.js';
import { progress, type Progress } from './progress.js';
import { Router, type Route } from './router.js';
import { haversineM } from './snap.js';

/** The car drives the route in the simulator; a real car drives itself. */
export interface RouteFollower {
  setRoute(route: { name?: string; points: readonly (readonly [number, number])[] }): unknown;
  clearRoute(): void;
}

export interface NavigationDeps {
  store: MapStore;
  vehicle: VehicleBus;
  /** Said at once, cutting into whatever Kemudi is saying (the assistant's guidance). */
  guide: (speech: Speech, lang: Lang) => void;
  /** The simulated car follows the route; absent in a real car. */
  follower?: RouteFollower;
  /** Told the destination being driven to (null when there is none), so a restart can take it up again. */
  remember?: (active: { place: Place; lang: Lang } | null) => void;
}

/** The roads sent to the map: this far around the car, and again once it is half that far from where they were. */
const ROADS_RADIUS_M = 2_500;
const MAX_ROADS = 4_000;
/** Ticks off the route before a new one is looked for (GPS noise is not a wrong turn), and the least time between reroutes. */
const OFF_ROUTE_TICKS = 5;
const REROUTE_EVERY_MS = 8_000;
/** The map's guidance panel is refreshed at most this often while driving. */
const NAV_EVENT_EVERY_MS = 500;

export type NavigateOutcome =
  | { kind: 'started'; route: Route; place: Place }
  | { kind: 'no_map' }
  | { kind: 'no_route'; place: Place }
  | { kind: 'already_there'; place: Place };

interface Active {
  place: Place;
  route: Route;
  steps: Instruction[];
  lang: Lang;
  hint: number;
  /** Instruction index → what was said of it: the early announcement, then the turn itself. */
  said: Map<number, 'early' | 'now'>;
  offTicks: number;
  reroutedAt: number;
  last: Progress | null;
}

type Listener = (event: NavEvent | MapRoadsEvent) => void;

const metresPerDegree = 111_320;

export class NavigationService {
  private router: Router | null = null;
  private graphOf: RoadGraph | null = null;
  private active: Active | null = null;
  private readonly listeners = new Set<Listener>();
  private roadsCenter: { lat: number; lon: number } | null = null;
  private roadsEvent: MapRoadsEvent | null = null;
  private lastNavAt = -Infinity;
  private now = 0;
  /** The map sources' attribution, read once per map (null: not read yet; '' : there is no map). */
  private attribution: string | null = null;

  constructor(private readonly deps: NavigationDeps) {}

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The routing graph, built once per map (after an import, `reload`). Null when no map is imported. */
  routerFor(): Router | null {
    if (this.router) return this.router;
    const graph = this.deps.store.loadRoadGraph();
    if (graph.edgeCount === 0) return null;
    this.graphOf = graph;
    this.router = new Router(graph);
    return this.router;
  }

  /** A new map was imported: routes and roads come from it from now on. */
  reload(): void {
    this.router = null;
    this.graphOf = null;
    this.roadsCenter = null;
    this.roadsEvent = null;
    this.attribution = null;
    this.emitRoads(true);
  }

  position(): { lat: number; lon: number } | null {
    const lat = this.deps.vehicle.get('Vehicle.CurrentLocation.Latitude');
    const lon = this.deps.vehicle.get('Vehicle.CurrentLocation.Longitude');
    return typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : null;
  }

  navigateTo(place: Place, lang: Lang): NavigateOutcome {
    const router = this.routerFor();
    const here = this.position();
    if (!router || !this.graphOf || !here) return { kind: 'no_map' };
    const route = router.route(here, { lat: place.lat, lon: place.lon });
    if (!route) return { kind: 'no_route', place };
    if (route.meters < 30) return { kind: 'already_there', place };
    this.active = { place, route, steps: instructions(route, this.graphOf, lang), lang, hint: 0, said: new Map([[0, 'now']]), offTicks: 0, reroutedAt: this.now, last: null };
    this.deps.store.recordDestination({ name: place.name, lat: place.lat, lon: place.lon, ...(place.category ? { category: place.category } : {}) });
    this.follow(route, place.name);
    this.deps.remember?.({ place, lang });
    this.emitNav(true);
    return { kind: 'started', route, place };
  }

  cancel(): boolean {
    if (!this.active) return false;
    this.active = null;
    this.deps.remember?.(null);
    this.deps.follower?.clearRoute();
    this.emitNav(true);
    return true;
  }

  /** What is left of the active route, or null without one. */
  status(): { place: Place; remainingM: number; remainingS: number } | null {
    const active = this.active;
    if (!active) return null;
    const last = active.last;
    return { place: active.place, remainingM: last?.remainingM ?? active.route.meters, remainingS: last?.remainingS ?? active.route.seconds };
  }

  /** The first spoken manoeuvre of a new route ("Head north on …", or the first turn when it is near). */
  firstInstruction(): string | null {
    const active = this.active;
    if (!active) return null;
    const next = active.steps[1];
    const first = active.steps[0]?.text ?? null;
    if (next && next.type !== 'arrive' && next.alongM < 400) {
      active.said.set(1, 'early');
      return finish([first, announce(next, next.alongM, active.lang)].filter(Boolean).join(active.lang === 'zh' ? '，' : '. '), active.lang);
    }
    return first === null ? null : finish(first, active.lang);
  }

  /** Called after every physics step with the simulated (or real) time in ms. */
  tick(nowMs: number): void {
    this.now = nowMs;
    this.emitRoads(false);
    const active = this.active;
    const here = this.position();
    if (!active || !here) return;
    const speed = this.deps.vehicle.get('Vehicle.Speed');
    const mps = typeof speed === 'number' ? speed / 3.6 : 0;
    const at = progress(active.route, here, { hint: active.hint, instructions: active.steps });
    active.hint = at.segment;
    active.last = at;
    if (at.arrived) {
      const place = active.place;
      this.active = null;
      this.deps.remember?.(null);
      this.deps.guide({ key: 'navigation.arrived', params: { place: place.name } }, active.lang);
      this.emitNav(true);
      return;
    }
    active.offTicks = at.offRoute && mps > 1 ? active.offTicks + 1 : 0;
    if (active.offTicks >= OFF_ROUTE_TICKS && nowMs - active.reroutedAt >= REROUTE_EVERY_MS) {
      this.reroute(active, here);
      return;
    }
    this.guideAlong(active, at, mps);
    this.emitNav(false);
  }

  /** The map's view of the route: the whole geometry, what is left, and the next manoeuvre. */
  navEvent(): NavEvent {
    const active = this.active;
    if (!active) return { type: 'nav', route: null };
    const at = active.last;
    const nextIndex = at ? at.nextInstructionIndex : 1;
    const next = nextIndex >= 0 ? active.steps[nextIndex] : undefined;
    const distance = at ? at.distanceToNextM : (next?.alongM ?? active.route.meters);
    return {
      type: 'nav',
      route: {
        destination: active.place.name.slice(0, 300),
        points: active.route.points.map((v) => Math.round(v * 1e5) / 1e5),
        remainingM: Math.max(0, at?.remainingM ?? active.route.meters),
        remainingS: Math.max(0, at?.remainingS ?? active.route.seconds),
        next: next ? { text: next.text.slice(0, 300), distanceM: Math.max(0, distance), ...(next.named ? { street: next.street.slice(0, 200) } : {}) } : null,
      },
    };
  }

  /** The roads around the car for the map (computed on demand for a page that just connected). */
  mapEvent(): MapRoadsEvent | null {
    if (!this.roadsEvent) this.emitRoads(true, false);
    return this.roadsEvent;
  }

  private guideAlong(active: Active, at: Progress, mps: number): void {
    const index = at.nextInstructionIndex;
    const step = index >= 0 ? active.steps[index] : undefined;
    if (!step || step.type === 'arrive') return;
    const said = active.said.get(index);
    const d = at.distanceToNextM;
    // Early enough to get in lane at this speed, late enough to remember; then once more at the turn.
    const early = Math.max(150, mps * 15);
    const now = Math.max(30, mps * 4);
    if (said !== 'now' && d <= now) {
      active.said.set(index, 'now');
      this.deps.guide({ key: 'navigation.instruction', params: { text: finish(step.text, active.lang) } }, active.lang);
    } else if (said === undefined && d <= early && d > now * 2) {
      active.said.set(index, 'early');
      this.deps.guide({ key: 'navigation.instruction', params: { text: finish(announce(step, d, active.lang), active.lang) } }, active.lang);
    }
  }

  private reroute(active: Active, here: { lat: number; lon: number }): void {
    active.reroutedAt = this.now;
    active.offTicks = 0;
    const route = this.routerFor()?.route(here, { lat: active.place.lat, lon: active.place.lon });
    if (!route || !this.graphOf) return;
    active.route = route;
    active.steps = instructions(route, this.graphOf, active.lang);
    active.hint = 0;
    active.said = new Map([[0, 'now']]);
    active.last = null;
    this.follow(route, active.place.name);
    this.deps.guide({ key: 'navigation.rerouting' }, active.lang);
    this.emitNav(true);
  }

  private follow(route: Route, name: string): void {
    const points: [number, number][] = [];
    for (let i = 0; i + 1 < route.points.length; i += 2) points.push([route.points[i] as number, route.points[i + 1] as number]);
    if (points.length >= 2) this.deps.follower?.setRoute({ name, points });
  }

  private emitNav(force: boolean): void {
    if (!force && this.now - this.lastNavAt < NAV_EVENT_EVERY_MS) return;
    this.lastNavAt = this.now;
    const event = this.navEvent();
    for (const listener of this.listeners) listener(event);
  }

  /** Sends the roads around the car when it has moved far from the last area (or `force`). */
  private emitRoads(force: boolean, notify = true): void {
    const here = this.position();
    if (!here) return;
    const center = this.roadsCenter;
    if (!force && center && haversineM(center.lat, center.lon, here.lat, here.lon) < ROADS_RADIUS_M / 2) return;
    this.attribution ??= [...new Set(this.deps.store.sources().map((s) => s.attribution))].join('; ').slice(0, 300);
    if (this.attribution === '') return;
    const attribution = this.attribution;
    const dLat = ROADS_RADIUS_M / metresPerDegree;
    const dLon = ROADS_RADIUS_M / (metresPerDegree * Math.max(0.2, Math.cos((here.lat * Math.PI) / 180)));
    const bbox: [number, number, number, number] = [here.lat - dLat, here.lon - dLon, here.lat + dLat, here.lon + dLon];
    const roads = this.deps.store.roadsInBox(bbox, { maxRoads: MAX_ROADS });
    this.roadsCenter = here;
    this.roadsEvent = { type: 'map.roads', bbox, roads: roads.map((r) => ({ cls: r.cls, points: r.points, ...(r.name ? { name: r.name.slice(0, 200) } : {}) })), attribution };
    if (notify) for (const listener of this.listeners) listener(this.roadsEvent);
  }
}

/** A manoeuvre said as a sentence: with its full stop. */
function finish(text: string, lang: Lang): string {
  return /[.!?。！？]$/u.test(text) ? text : `${text}${lang === 'zh' ? '。' : '.'}`;
}

/** "1 minute", "25 minutes", "1 hour 5 minutes" (and so on in id and zh): never "0 minutes". */
export function spokenDuration(seconds: number, lang: Lang): string {
  const total = Math.max(1, Math.round(seconds / 60));
  const hours = Math.floor(total / 60);
  const mins = total % 60;
  switch (lang) {
    case 'en': {
      const h = hours === 0 ? '' : `${hours} hour${hours === 1 ? '' : 's'}`;
      const m = mins === 0 ? '' : `${mins} minute${mins === 1 ? '' : 's'}`;
      return [h, m].filter(Boolean).join(' ');
    }
    case 'id':
      return [hours ? `${hours} jam` : '', mins ? `${mins} menit` : ''].filter(Boolean).join(' ');
    case 'zh':
      return `${hours ? `${hours}小时` : ''}${mins ? `${mins}分钟` : ''}`;
  }
}
