// The touch screens' lists through the core (issue 11): each kind parked and moving (cut to the policy's
// maxListItems, message text left out, search refused), sent again when the car starts moving, messages
// pushed when one arrives or is read, and bad `list` commands refused by the contract.
import { describe, expect, it } from 'vitest';
import { decodeCommand, decodeEvent, type ErrorEvent, type Event, type ListEvent, type ListKind } from '../../common/contract.js';
import type { VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import { MOVING_RESTRICTIONS, PARKED_RESTRICTIONS } from '../../main/core/policy/policy.js';
import { SAMPLE_CENTER } from '../../main/simulator/sample-map.js';

const knowledge = loadKnowledge();
const MOVING: VehicleSignals = { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' };
const AT_SAMPLE_TOWN: VehicleSignals = { 'Vehicle.CurrentLocation.Latitude': SAMPLE_CENTER.lat, 'Vehicle.CurrentLocation.Longitude': SAMPLE_CENTER.lon };

function car(start: VehicleSignals = {}, options: { sampleMap?: boolean } = {}) {
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, start: { ...AT_SAMPLE_TOWN, ...start }, sampleMap: options.sampleMap ?? false, onlineWeather: null });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const lists = (what?: ListKind) => events.filter((e): e is ListEvent => e.type === 'list' && (what === undefined || e.what === what));
  const errors = () => events.filter((e): e is ErrorEvent => e.type === 'error');
  /** Asks as a screen does: through the contract's decoder, then the core. */
  const ask = async (command: Record<string, unknown>) => {
    const decoded = decodeCommand({ type: 'list', ...command });
    if (!decoded.ok) throw new Error(decoded.error.message);
    return sim.assistant.handle(decoded.value);
  };
  const last = (what: ListKind): ListEvent => {
    const event = lists(what).at(-1);
    if (!event) throw new Error(`no ${what} list`);
    // Every list the core sends is a valid event of the contract.
    expect(decodeEvent(event)).toEqual({ ok: true, value: event });
    return event;
  };
  /** A message arriving on the phone, as the simulator delivers it. */
  const receive = (name: string, body: string) => {
    const contact = sim.contacts.resolve(name)[0]?.contact;
    if (!contact) throw new Error(`no contact ${name}`);
    expect(sim.phone.receive({ from: contact.numbers[0]?.number ?? '', body, contactId: contact.id }).ok).toBe(true);
    return contact;
  };
  const drive = () => sim.assistant.handle({ type: 'sim.set', signals: MOVING });
  return { sim, events, lists, errors, ask, last, receive, drive };
}

/** Ten saved places and ten recent destinations around the sample town. */
function places(t: ReturnType<typeof car>) {
  for (let i = 0; i < 10; i++) {
    t.sim.maps.setSavedPlace(i === 0 ? 'home' : `place ${i}`, { name: `Saved Place ${i}`, lat: SAMPLE_CENTER.lat + i * 0.001, lon: SAMPLE_CENTER.lon });
    t.sim.maps.recordDestination({ name: `Recent Spot ${i}`, lat: SAMPLE_CENTER.lat - i * 0.001, lon: SAMPLE_CENTER.lon + 0.002 });
  }
}

describe('lists: places', () => {
  it('sends saved and recent places in full when parked, with the request id and distances', async () => {
    const t = car();
    places(t);
    expect(await t.ask({ id: 'r1', what: 'places.saved' })).toEqual({ ok: true, value: undefined });
    const saved = t.last('places.saved');
    expect(saved).toMatchObject({ what: 'places.saved', total: 10, truncated: false, requestId: 'r1' });
    expect(saved.items).toHaveLength(10);
    expect(saved.items).toContainEqual(expect.objectContaining({ type: 'place', kind: 'saved', label: 'home', name: 'Saved Place 0', id: 'saved:home', distanceM: 0 }));

    await t.ask({ what: 'places.recent' });
    const recent = t.last('places.recent');
    expect(recent).toMatchObject({ total: 10, truncated: false });
    expect(recent.requestId).toBeUndefined();
    expect(recent.items[0]).toMatchObject({ type: 'place', kind: 'recent', name: 'Recent Spot 9' });
    t.sim.close();
  });

  it('cuts them to the policy’s short list while moving', async () => {
    const t = car(MOVING);
    places(t);
    await t.ask({ what: 'places.saved' });
    await t.ask({ what: 'places.recent' });
    for (const what of ['places.saved', 'places.recent'] as const) {
      const list = t.last(what);
      expect(list.items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
      expect(list).toMatchObject({ total: 10, truncated: true });
    }
    t.sim.close();
  });

  it('searches the map when parked, and refuses to search while moving (no keyboard)', async () => {
    const t = car({}, { sampleMap: true });
    await t.sim.prepareMap();
    await t.ask({ id: 's1', what: 'places.search', query: 'Harbour Road' });
    const found = t.last('places.search');
    expect(found).toMatchObject({ query: 'Harbour Road', requestId: 's1', truncated: false });
    expect(found.items[0]).toMatchObject({ type: 'place', kind: 'street', name: 'Harbour Road' });
    expect(found.items[0]).toHaveProperty('distanceM');

    await t.drive();
    const before = t.lists().length;
    const refused = await t.ask({ id: 's2', what: 'places.search', query: 'Harbour Road' });
    expect(refused.ok).toBe(false);
    expect(refused.ok ? null : refused.error.code).toBe('not_allowed');
    expect(t.errors().at(-1)).toMatchObject({ id: 's2', code: 'not_allowed' });
    // And the search asked for while parked is not sent again once moving.
    expect(t.lists('places.search').length).toBe(1);
    expect(t.lists().length).toBe(before);
    t.sim.close();
  });
});

describe('lists: POI categories', () => {
  it('sends every category with its name in each language parked, the first few while moving', async () => {
    const t = car();
    await t.ask({ what: 'poi.categories' });
    const parked = t.last('poi.categories');
    expect(parked).toMatchObject({ total: 15, truncated: false });
    expect(parked.items[0]).toEqual({ type: 'category', id: 'fuel', label: { en: 'fuel station', id: expect.any(String), zh: expect.any(String) } });
    for (const item of parked.items) if (item.type === 'category') expect(Object.values(item.label).every((l) => l.length > 0 && !l.startsWith('navigation.'))).toBe(true);

    await t.drive();
    const moving = t.last('poi.categories');
    expect(moving.items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    expect(moving).toMatchObject({ total: 15, truncated: true });
    t.sim.close();
  });
});

describe('lists: messages', () => {
  it('shows threads with their newest text parked, and leaves the text out while moving', async () => {
    const t = car();
    const budi = t.receive('budi', 'where are you');
    t.receive('budi', 'x'.repeat(400));
    t.receive('sari wulandari', 'see you at 7');
    await t.ask({ what: 'messages' });
    const parked = t.last('messages');
    expect(parked).toMatchObject({ total: 2, truncated: false });
    expect(parked.items).toHaveLength(2);
    expect(parked.items[1]).toMatchObject({ type: 'thread', contactName: budi.name, unread: 2, direction: 'in', text: 'x'.repeat(400) });
    expect(parked.items[0]).toMatchObject({ type: 'thread', contactName: 'Sari Wulandari', unread: 1, text: 'see you at 7' });

    await t.drive();
    const moving = t.last('messages');
    expect(moving.items).toHaveLength(2);
    for (const item of moving.items) expect(item).not.toHaveProperty('text');
    expect(moving.items[1]).toMatchObject({ contactName: budi.name, unread: 2 });
    t.sim.close();
  });

  it('cuts a long list while moving', async () => {
    const t = car(MOVING);
    for (let i = 0; i < 9; i++) expect(t.sim.phone.receive({ from: `+62811000${1000 + i}`, body: `hello ${i}` }).ok).toBe(true);
    await t.ask({ what: 'messages' });
    const list = t.last('messages');
    expect(list).toMatchObject({ total: 9, truncated: true });
    expect(list.items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    expect(list.items[0]).not.toHaveProperty('contactName');
    t.sim.close();
  });

  it('pushes a fresh list to every screen when a message arrives and when it is read', async () => {
    const t = car();
    // Nobody asked: an arrival still reaches the screens.
    t.receive('budi', 'where are you');
    expect(t.last('messages').items[0]).toMatchObject({ unread: 1, text: 'where are you' });
    const count = t.lists('messages').length;
    await t.sim.assistant.handle({ type: 'utterance', text: 'read my messages', lang: 'en', source: 'text' });
    expect(t.lists('messages').length).toBeGreaterThan(count);
    expect(t.last('messages').items[0]).toMatchObject({ unread: 0 });
    t.sim.close();
  });

  it('pushes it through the simulator panel’s incoming message too', async () => {
    const t = car();
    expect((await t.sim.assistant.handle({ type: 'sim.message', from: 'Budi Santoso', text: 'on my way' })).ok).toBe(true);
    expect(t.lists('messages').at(0)?.items[0]).toMatchObject({ contactName: 'Budi Santoso', text: 'on my way', unread: 1 });
    t.sim.close();
  });
});

describe('lists: contacts and calls', () => {
  it('ranks the favourites by calls and messages, then by name; every contact with a number', async () => {
    const t = car();
    const all = t.sim.contacts.all().filter((c) => c.numbers.length > 0);
    await t.ask({ what: 'contacts.favourites' });
    const before = t.last('contacts.favourites');
    expect(before).toMatchObject({ total: all.length, truncated: false });
    expect(before.items.map((i) => (i.type === 'contact' ? i.name : ''))).toEqual(all.map((c) => c.name));

    const budi = t.receive('budi', 'hi');
    await t.ask({ what: 'contacts.favourites' });
    expect(t.last('contacts.favourites').items[0]).toEqual({ type: 'contact', id: budi.id, name: budi.name, number: budi.numbers[0]?.number });
    t.sim.close();
  });

  it('cuts the favourites while moving', async () => {
    const t = car(MOVING);
    const all = t.sim.contacts.all().filter((c) => c.numbers.length > 0);
    expect(all.length).toBeGreaterThan(MOVING_RESTRICTIONS.maxListItems);
    await t.ask({ what: 'contacts.favourites' });
    expect(t.last('contacts.favourites')).toMatchObject({ total: all.length, truncated: true });
    expect(t.last('contacts.favourites').items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    t.sim.close();
  });

  it('lists the recent calls with their duration, sent again when a call ends', async () => {
    const t = car();
    const budi = t.sim.contacts.resolve('budi')[0]?.contact;
    const number = budi?.numbers[0]?.number ?? '';
    await t.ask({ what: 'calls.recent' });
    expect(t.last('calls.recent')).toMatchObject({ items: [], total: 0, truncated: false });

    const call = t.sim.phone.dial(number, budi?.id);
    if (!call.ok) throw new Error(call.error.message);
    t.sim.vehicle.advance(10_000);
    expect(t.sim.phone.hangUp(call.value.id).ok).toBe(true);
    const list = t.last('calls.recent');
    expect(list).toMatchObject({ total: 1 });
    expect(list.items[0]).toMatchObject({ type: 'call', name: budi?.name, number, direction: 'outgoing', durationS: 10 });
    t.sim.close();
  });

  it('cuts the recent calls while moving', async () => {
    const t = car(MOVING);
    for (let i = 0; i < 8; i++) {
      const call = t.sim.phone.dial(`+62811000${2000 + i}`);
      if (!call.ok) throw new Error(call.error.message);
      t.sim.phone.hangUp(call.value.id);
    }
    await t.ask({ what: 'calls.recent' });
    expect(t.last('calls.recent')).toMatchObject({ total: 8, truncated: true });
    expect(t.last('calls.recent').items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    t.sim.close();
  });
});

describe('lists: following the restrictions', () => {
  it('sends each list asked for again when the car starts and stops moving', async () => {
    const t = car();
    places(t);
    await t.ask({ what: 'places.saved' });
    await t.ask({ what: 'contacts.favourites' });
    expect(t.last('places.saved').items).toHaveLength(10);

    await t.drive();
    expect(t.last('places.saved')).toMatchObject({ truncated: true, total: 10 });
    expect(t.last('places.saved').items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    expect(t.last('contacts.favourites').items).toHaveLength(MOVING_RESTRICTIONS.maxListItems);
    // A list not asked for is not sent.
    expect(t.lists('calls.recent')).toHaveLength(0);

    const sent = t.lists().length;
    // More signals while still moving send nothing again.
    await t.sim.assistant.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': 70 } });
    expect(t.lists().length).toBe(sent);

    await t.sim.assistant.handle({ type: 'sim.set', signals: { 'Vehicle.Speed': 0, 'Vehicle.Powertrain.Transmission.SelectedGear': 'P' } });
    expect(t.last('places.saved')).toMatchObject({ truncated: false });
    expect(t.last('places.saved').items).toHaveLength(Math.min(10, PARKED_RESTRICTIONS.maxListItems));
    t.sim.close();
  });
});

describe('lists: the contract', () => {
  it.each([
    ['an unknown list', { type: 'list', what: 'places.all' }],
    ['no list named', { type: 'list' }],
    ['a search without a query', { type: 'list', what: 'places.search' }],
    ['a search with an empty query', { type: 'list', what: 'places.search', query: '   ' }],
    ['a search far too long', { type: 'list', what: 'places.search', query: 'a'.repeat(201) }],
    ['a query on a list that takes none', { type: 'list', what: 'messages', query: 'budi' }],
    ['an extra field', { type: 'list', what: 'messages', limit: 500 }],
    ['a query of the wrong type', { type: 'list', what: 'places.search', query: 42 }],
    ['an unknown language', { type: 'list', what: 'places.saved', lang: 'fr' }],
  ])('refuses %s', (_, message) => {
    const result = decodeCommand(message);
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.error.code).toBe('invalid_message');
  });

  it.each([
    ['items of another kind', { type: 'list', what: 'messages', items: [{ type: 'contact', id: 1, name: 'Budi', number: '+62811' }], total: 1, truncated: false }],
    ['more than 50 items', { type: 'list', what: 'poi.categories', items: Array.from({ length: 51 }, () => ({ type: 'category', id: 'fuel', label: { en: 'a', id: 'b', zh: 'c' } })), total: 51, truncated: false }],
    ['a total below the items sent', { type: 'list', what: 'contacts.favourites', items: [{ type: 'contact', id: 1, name: 'Budi', number: '+62811' }], total: 0, truncated: false }],
    ['a thread with an extra field', { type: 'list', what: 'messages', items: [{ type: 'thread', id: 1, number: '+62811', direction: 'in', unread: 0, at: 1, secret: true }], total: 1, truncated: false }],
  ])('an event with %s is not a list', (_, event) => {
    expect(decodeEvent(event).ok).toBe(false);
  });
});
