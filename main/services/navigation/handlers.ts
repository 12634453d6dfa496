// Navigation intents: where to (the geocoder), the route (the navigation service), and honest answers
// about time and traffic (no live traffic offline: typical speeds).
import { distance as levenshtein } from 'fastest-levenshtein';
import type { Lang } from '../../../common/contract.js';
import { normalizeFor, tokenize } from '../../nlu/normalize.js';
import type { HandlerOutcome, IntentHandler, Speech } from '../../core/ports.js';
import type { MapStore, Place, PoiCategory } from '../../storage/maps.js';
import { Geocoder } from './geocoder.js';
import { formatDistance } from './instructions.js';
import { type NavigationService, spokenDuration } from './service.js';

/** Words every street or place name may have, which tell nothing apart. */
const GENERIC = new Set(['the', 'a', 'to', 'street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'boulevard', 'blvd', 'jalan', 'jl', 'jln', 'gang', 'gg', 'ke', 'di', '路', '街', '道', '巷', '去', '到']);

/** Whether each distinctive word said is in the place's name (exactly, as a prefix, or one slip away):
 *  "Jatinegara Barat" is not "Jatinegara Kaum", and the driver must hear that it is the closest match. */
export function nameCovers(said: string, name: string, lang: Lang): boolean {
  const words = tokenize(normalizeFor(said, lang)).filter((w) => !GENERIC.has(w));
  const own = tokenize(normalizeFor(name, lang));
  const joined = own.join('');
  return words.every((w) => own.some((o) => o === w || (w.length >= 3 && o.startsWith(w)) || (w.length >= 5 && levenshtein(o, w) <= 1)) || (lang === 'zh' && joined.includes(w)));
}

/** `prepare` imports the sample map when there is none yet; requests that need the map wait for it. */
export function navigationHandlers(store: MapStore, navigation: NavigationService, prepare: () => Promise<void> = () => Promise.resolve()): Record<string, IntentHandler> {
  const geocoder = new Geocoder(store);

  /** Starts the route and says so, with the first manoeuvre. */
  function start(place: Place, lang: Lang, found: Speech | null, asked?: string): HandlerOutcome {
    const outcome = navigation.navigateTo(place, lang);
    switch (outcome.kind) {
      case 'no_map':
        return { say: { key: 'navigation.navigate.not_found', params: { destination: place.name } }, actions: [] };
      case 'no_route':
        return { say: { key: 'navigation.navigate.no_route', params: { place: place.name } }, actions: [] };
      case 'already_there':
        return { say: { key: 'navigation.navigate.already_there', params: { place: place.name } }, actions: [] };
      case 'started': {
        const { route } = outcome;
        const distance = formatDistance(route.meters, lang);
        const first = navigation.firstInstruction();
        const inexact = asked !== undefined && !nameCovers(asked, place.name, lang);
        const say: Speech[] = [
          found ?? { key: inexact ? 'navigation.navigate.closest' : 'navigation.navigate.started', params: { place: place.name, distance, duration: spokenDuration(route.seconds, lang), ...(asked ? { destination: asked } : {}) } },
          ...(first ? [{ key: 'navigation.instruction', params: { text: first } }] : []),
        ];
        return { say, actions: [`route ${Math.round(route.meters)} m, ${Math.round(route.seconds)} s to ${place.name} (${place.lat.toFixed(5)}, ${place.lon.toFixed(5)})`], mentions: { place: place.name } };
      }
    }
  }

  const navigate: IntentHandler = async (slots, { lang }): Promise<HandlerOutcome> => {
    await prepare();
    const destination = String(slots.destination ?? '').trim();
    const near = navigation.position() ?? undefined;
    const [best] = geocoder.searchPlaces(destination, { ...(near ? { near } : {}), lang, limit: 1 });
    if (!best) return { say: { key: 'navigation.navigate.not_found', params: { destination } }, actions: [] };
    // A saved place ("home") or a recent one is what was asked for, whatever its name.
    return start(best, lang, null, best.kind === 'saved' || best.kind === 'recent' ? undefined : destination);
  };

  const findPoi: IntentHandler = async (slots, { lang }): Promise<HandlerOutcome> => {
    await prepare();
    const category = String(slots.category ?? 'fuel') as PoiCategory;
    const here = navigation.position();
    const label = { ref: `navigation.category.${category}` };
    const [nearest] = here ? store.nearbyPois(category, here, { limit: 1, lang }) : [];
    if (!nearest) return { say: { key: 'navigation.find_poi.none', params: { category: label } }, actions: [] };
    const place: Place = { kind: 'poi', name: nearest.name || category, lat: nearest.lat, lon: nearest.lon, category, distanceM: nearest.distanceM };
    // "Find a fuel station" means "take me to one": the nearest, at once (a list would need the eyes).
    const found: Speech = { key: 'navigation.find_poi.results', params: { category: label, place: place.name, distance: formatDistance(nearest.distanceM, lang) } };
    return start(place, lang, found);
  };

  const cancel: IntentHandler = (): HandlerOutcome =>
    navigation.cancel() ? { say: { key: 'navigation.cancel.done' }, actions: ['route cancelled'] } : { say: { key: 'navigation.cancel.no_route' }, actions: [] };

  const eta: IntentHandler = (_slots, { lang }): HandlerOutcome => {
    const status = navigation.status();
    if (!status) return { say: { key: 'navigation.eta.no_route' }, actions: [] };
    return { say: { key: 'navigation.eta.answer', params: { place: status.place.name, duration: spokenDuration(status.remainingS, lang), distance: formatDistance(status.remainingM, lang) } }, actions: [] };
  };

  const traffic: IntentHandler = (_slots, { lang }): HandlerOutcome => {
    const status = navigation.status();
    return status
      ? { say: { key: 'navigation.traffic.answer', params: { duration: spokenDuration(status.remainingS, lang) } }, actions: [] }
      : { say: { key: 'navigation.traffic.no_route' }, actions: [] };
  };

  return { 'navigation.navigate': navigate, 'navigation.find_poi': findPoi, 'navigation.cancel': cancel, 'navigation.eta': eta, 'navigation.traffic': traffic };
}
