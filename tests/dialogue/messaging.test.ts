// Send, read, reply and call through the dialogue, in en, id and zh, against the sample address book,
// the durable outbox and the simulated phone (its deliveries are what the other side received).
import { describe, expect, it } from 'vitest';
import type { Event, Lang, ResponseEvent } from '../../common/contract.js';
import type { VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';

const knowledge = loadKnowledge();

function car(start: VehicleSignals = {}) {
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, start });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const responses = () => events.filter((e): e is ResponseEvent => e.type === 'response');
  const said = () => responses().map((r) => r.text);
  const say = (text: string, lang: Lang) => sim.assistant.handle({ type: 'utterance', text, lang, source: 'text' });
  /** A message arriving on the phone from a contact, as the simulator or a scenario delivers it. */
  const incoming = async (name: string, body: string, lang: Lang) => {
    const contact = sim.contacts.resolve(name)[0]?.contact;
    if (!contact) throw new Error(`no contact ${name}`);
    const received = sim.phone.receive({ from: contact.numbers[0]?.number ?? '', body, lang, contactId: contact.id });
    expect(received.ok).toBe(true);
    await sim.assistant.incoming(contact.name, body, lang);
  };
  const delivered = () => sim.phone.delivered().map((d) => [d.to, d.body, d.received]);
  return { sim, said, say, incoming, delivered, responses };
}

const CASES = [
  {
    lang: 'en',
    send: ['text Sari', "I'm running late", 'Sari Dewi', 'yes'],
    ask: ['What should I say to sari?', 'Which one: Sari Dewi, Sari Wulandari?', 'Send "I\'m running late" to Sari Dewi? Should I go ahead?', 'Sent to Sari Dewi.'],
    sariDewi: '+6281322227802',
    from: 'budi',
    yes: 'yes',
    read: 'From Budi Santoso: where are you.',
    reply: 'reply on my way',
    replyBody: 'on my way',
    call: 'call him',
    dialing: 'Calling Budi Santoso.',
  },
  {
    lang: 'id',
    send: ['kirim pesan ke Sari', 'aku telat', 'Sari Dewi', 'iya'],
    ask: ['Mau bilang apa ke sari?', 'Yang mana: Sari Dewi, Sari Wulandari?', 'Kirim "aku telat" ke Sari Dewi? Lanjutkan?', 'Terkirim ke Sari Dewi.'],
    sariDewi: '+6281322227802',
    from: 'budi',
    yes: 'iya',
    read: 'Dari Budi Santoso: where are you.',
    reply: 'balas otw',
    replyBody: 'otw',
    call: 'telepon dia',
    dialing: 'Menelepon Budi Santoso.',
  },
  {
    lang: 'zh',
    send: ['给Sari发短信', '我晚点到', 'Sari Dewi', '好的'],
    ask: ['要对sari说什么？', '是哪一位：Sari Dewi、Sari Wulandari？', '把“我晚点到”发给Sari Dewi？要继续吗？', '已发给Sari Dewi。'],
    sariDewi: '+6281322227802',
    from: 'budi',
    yes: '好的',
    read: 'Budi Santoso说：where are you。',
    reply: '回复他马上到',
    replyBody: '马上到',
    call: '给他打电话',
    dialing: '正在呼叫Budi Santoso。',
  },
] as const;

describe.each(CASES)('messaging and phone ($lang)', (c) => {
  it('sends: asks what to say, which Sari, reads it back, and delivers exactly once on a yes', async () => {
    const t = car();
    for (const turn of c.send) await t.say(turn, c.lang);
    expect(t.said()).toEqual(c.ask);
    expect(t.delivered()).toEqual([[c.sariDewi, c.send[1], 1]]);
    t.sim.close();
  });

  it('offers an incoming message, reads it on a yes, replies to its sender, and calls them back', async () => {
    const t = car({ 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    await t.incoming(c.from, 'where are you', c.lang);
    await t.say(c.yes, c.lang);
    const read = t.responses().at(-1);
    expect(read?.text.endsWith(c.read)).toBe(true);
    // While moving, messages are read aloud, never shown.
    expect(read?.spokenOnly).toBe(true);
    expect(read?.card).toBeUndefined();
    await t.say(c.reply, c.lang);
    await t.say(c.yes, c.lang);
    expect(t.delivered()).toEqual([['+6281110007803', c.replyBody, 1]]);
    await t.say(c.call, c.lang);
    expect(t.said().at(-1)).toBe(c.dialing);
    expect(t.sim.phone.current()).toMatchObject({ number: '+6281110007803', state: 'dialing' });
    t.sim.close();
  });
});

describe('messaging edge cases', () => {
  it('says so when nobody in the address book has the name', async () => {
    const t = car();
    await t.say('call Bartholomew', 'en');
    expect(t.said()).toEqual(["I can't find bartholomew in your contacts."]);
    expect(t.sim.phone.current()).toBeNull();
    t.sim.close();
  });

  it('queues a message without signal and delivers it once the phone is back, still exactly once', async () => {
    const t = car();
    t.sim.phone.failNext(1);
    for (const turn of ['text budi', 'see you soon', 'yes']) await t.say(turn, 'en');
    expect(t.said().at(-1)).toBe("No signal right now; I'll send it to Budi Santoso as soon as I can.");
    expect(t.delivered()).toEqual([]);
    await t.sim.outbox.processDue(Date.now() + 60_000);
    expect(t.delivered()).toEqual([['+6281110007803', 'see you soon', 1]]);
    t.sim.close();
  });

  it('reads only the messages from the contact asked about', async () => {
    const t = car();
    await t.incoming('budi', 'parkir di mana', 'id');
    await t.say('no', 'en');
    await t.incoming('王伟', '你在哪', 'zh');
    await t.say('no', 'en');
    await t.say('any messages from budi', 'en');
    expect(t.said().at(-1)).toBe('You have one new message. From Budi Santoso: parkir di mana.');
    t.sim.close();
  });
});

describe('calls', () => {
  it('shows the call as it rings, connects and ends, and hangs up by touch', async () => {
    const t = car();
    const calls: unknown[] = [];
    t.sim.assistant.on((e) => {
      if (e.type === 'call') calls.push(e.call && [e.call.state, e.call.name, e.call.number]);
    });
    expect(t.sim.assistant.initialEvents().find((e) => e.type === 'call')).toEqual({ type: 'call', call: null });
    await t.say('call Budi', 'en');
    t.sim.vehicle.advance(3_500); // the other side answers after three seconds
    expect((await t.sim.assistant.handle({ type: 'hangup' })).ok).toBe(true);
    expect(calls).toEqual([
      ['dialing', 'Budi Santoso', '+6281110007803'],
      ['active', 'Budi Santoso', '+6281110007803'],
      ['ended', 'Budi Santoso', '+6281110007803'],
    ]);
    // The call log keeps it.
    const logged = t.sim.db.prepare('SELECT number, direction, state FROM calls').all();
    expect(logged).toEqual([{ number: '+6281110007803', direction: 'outgoing', state: 'ended' }]);
    // Nothing left to hang up: a typed error, not a crash.
    expect(await t.sim.assistant.handle({ type: 'hangup' })).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    t.sim.close();
  });
});
