// The lists the touch screens show (issue 11): saved and recent places, a place search, the POI categories,
// the message threads, the favourite contacts and the recent calls. One small interface for the core
// (ListSource), built here from the stores, so the Assistant never holds a store. The UX restrictions of
// the moment are applied here: while moving, at most maxListItems items, texts cut to maxChars, no message
// text (messages are read aloud then, never shown: the policy's rule for messaging.read), and no search
// (it needs the keyboard).
import { type Lang, LANGS, type ListEvent, type ListItem, type ListKind, MAX_LIST_ITEMS, type UxRestrictions } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { CallLogStore } from '../storage/calls.js';
import type { Contact, ContactStore } from '../storage/contacts.js';
import { type MapStore, type Place, POI_CATEGORIES, type PoiCategory } from '../storage/maps.js';
import type { MessageStore } from '../storage/messages.js';
import { haversineMeters } from '../simulator/geo.js';
import { Geocoder } from './navigation/geocoder.js';

export interface ListRequest {
  what: ListKind;
  /** places.search only. */
  query?: string;
  lang: Lang;
}

/** A list event without its type and requestId: what the core sends. */
export type ListPayload = Omit<ListEvent, 'type' | 'requestId'>;

/** What the core asks for lists, and hears about lists whose content changed. */
export interface ListSource {
  /** The list as the restrictions allow; `not_allowed` for a search while the keyboard is off. */
  list(request: ListRequest, restrictions: UxRestrictions): Result<ListPayload>;
  /** Told which list changed (a message arrived or was read, a call ended, …). */
  onChange(listener: (what: ListKind) => void): () => void;
}

export interface ListSourceDeps {
  maps: MapStore;
  contacts: ContactStore;
  messages: MessageStore;
  calls: CallLogStore;
  /** Where the car is, for distances and the search's ranking; null when unknown. */
  near: () => { lat: number; lon: number } | null;
  /** A POI category's name in a language (the responses' navigation.category.*). */
  categoryLabel: (category: PoiCategory, lang: Lang) => string;
  /** Sources of change, each subscribing a listener and returning its unsubscribe. */
  changes?: readonly ((listener: (what: ListKind) => void) => () => void)[];
}

const cut = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

function placeId(place: Place): string {
  if (place.kind === 'saved' && place.label) return `saved:${place.label}`.slice(0, 100);
  if (place.id !== undefined) return `map:${place.id}`;
  return `${place.kind}:${place.lat.toFixed(5)},${place.lon.toFixed(5)}`;
}

/** Applies the restrictions to a full list (at most MAX_LIST_ITEMS items already). */
export function restrict(items: ListItem[], total: number, restrictions: UxRestrictions): { items: ListItem[]; total: number; truncated: boolean } {
  const max = Math.min(MAX_LIST_ITEMS, restrictions.moving ? restrictions.maxListItems : MAX_LIST_ITEMS);
  const kept = items.slice(0, max).map((item) => restrictItem(item, restrictions));
  const count = Math.max(total, items.length);
  return { items: kept, total: count, truncated: kept.length < count };
}

function restrictItem(item: ListItem, r: UxRestrictions): ListItem {
  switch (item.type) {
    case 'place':
      return { ...item, name: cut(item.name, r.maxChars) };
    case 'category':
      return item;
    case 'thread': {
      const { text, ...rest } = item;
      // Spoken, not shown, while moving.
      return r.moving || text === undefined ? rest : { ...rest, text: cut(text, r.maxChars) };
    }
    case 'contact':
      return { ...item, name: cut(item.name, r.maxChars) };
    case 'call':
      return item.name === undefined ? item : { ...item, name: cut(item.name, r.maxChars) };
  }
}

export function createListSource(deps: ListSourceDeps): ListSource {
  const geocoder = new Geocoder(deps.maps);
  const withDistance = (place: Place, here: { lat: number; lon: number } | null): Place =>
    here && place.distanceM === undefined ? { ...place, distanceM: Math.round(haversineMeters([here.lat, here.lon], [place.lat, place.lon])) } : place;
  const placeItem = (place: Place): ListItem => ({
    type: 'place',
    id: placeId(place),
    name: cut(place.name, 300),
    ...(place.label ? { label: cut(place.label, 100) } : {}),
    kind: place.kind,
    ...(place.category ? { category: place.category } : {}),
    lat: place.lat,
    lon: place.lon,
    ...(place.distanceM !== undefined && Number.isFinite(place.distanceM) ? { distanceM: Math.max(0, Math.round(place.distanceM)) } : {}),
  });
  const nameOf = (contactId: number | null, number: string): string | undefined =>
    (contactId !== null ? deps.contacts.get(contactId)?.name : undefined) ?? deps.contacts.byNumber(number)?.name;

  function full(request: ListRequest): { items: ListItem[]; total: number } {
    const here = deps.near();
    switch (request.what) {
      case 'places.saved': {
        const places = deps.maps.savedPlaces();
        return { items: places.slice(0, MAX_LIST_ITEMS).map((p) => placeItem(withDistance(p, here))), total: places.length };
      }
      case 'places.recent': {
        const places = deps.maps.recentDestinations(MAX_LIST_ITEMS);
        return { items: places.map((p) => placeItem(withDistance(p, here))), total: places.length };
      }
      case 'places.search': {
        const places = geocoder.searchPlaces(request.query ?? '', { ...(here ? { near: here } : {}), lang: request.lang, limit: MAX_LIST_ITEMS });
        return { items: places.map((p) => placeItem(withDistance(p, here))), total: places.length };
      }
      case 'poi.categories':
        return {
          items: POI_CATEGORIES.map((category) => ({
            type: 'category' as const,
            id: category,
            label: Object.fromEntries(LANGS.map((lang) => [lang, cut(deps.categoryLabel(category, lang), 100)])) as Record<Lang, string>,
          })),
          total: POI_CATEGORIES.length,
        };
      case 'messages': {
        const { threads, total } = deps.messages.threads(MAX_LIST_ITEMS);
        const items = threads.map((t): ListItem => {
          const name = nameOf(t.contactId, t.number);
          return {
            type: 'thread',
            id: t.id,
            ...(name !== undefined ? { contactName: cut(name, 300) } : {}),
            number: cut(t.number, 32),
            text: cut(t.body, 2000),
            direction: t.direction,
            unread: t.unread,
            at: Math.max(0, Math.round(t.at)),
          };
        });
        return { items, total };
      }
      case 'contacts.favourites': {
        // No favourite flag in the address book: the contacts the driver calls and texts most, then the most
        // recently, then the rest by name. Only contacts with a number.
        const activity = deps.calls.activityByContact();
        const withNumber = deps.contacts.all().filter((c) => c.numbers.length > 0);
        const score = (c: Contact) => activity.get(c.id) ?? { count: 0, last: 0 };
        const ranked = withNumber
          .map((contact, order) => ({ contact, order, ...score(contact) }))
          .sort((a, b) => b.count - a.count || b.last - a.last || a.order - b.order);
        const items = ranked.slice(0, MAX_LIST_ITEMS).map(({ contact }): ListItem => ({ type: 'contact', id: contact.id, name: cut(contact.name, 300), number: cut(contact.numbers[0]?.number ?? '', 32) }));
        return { items, total: withNumber.length };
      }
      case 'calls.recent': {
        const calls = deps.calls.recent(MAX_LIST_ITEMS);
        const items = calls.map((call): ListItem => {
          const name = nameOf(call.contactId, call.number);
          return {
            type: 'call',
            id: call.id,
            ...(name !== undefined ? { name: cut(name, 300) } : {}),
            number: cut(call.number, 32),
            direction: call.direction,
            at: Math.max(0, Math.round(call.startedAt)),
            // From dialling to hanging up: the log keeps no answer time.
            durationS: call.endedAt === null ? null : Math.max(0, Math.round((call.endedAt - call.startedAt) / 1000)),
          };
        });
        return { items, total: deps.calls.count() };
      }
    }
  }

  return {
    list(request, restrictions) {
      if (request.what === 'places.search' && !restrictions.keyboard) return err('not_allowed', 'searching needs the keyboard, which is off while the car moves');
      const { items, total } = full(request);
      return ok({ what: request.what, ...(request.query !== undefined ? { query: request.query } : {}), ...restrict(items, total, restrictions) });
    },
    onChange(listener) {
      const offs = (deps.changes ?? []).map((subscribe) => subscribe(listener));
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
