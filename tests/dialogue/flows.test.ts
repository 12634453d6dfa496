// Every flow of the dialogue, through the real core (NLU, policy, handlers, simulated car), in each
// language, on a simulated clock: no real sleeps anywhere.
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Event, Lang, ResponseEvent } from '../../common/contract.js';
import type { VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';
import type { DialogueTimings } from '../../main/core/dialogue/machine.js';

const knowledge = loadKnowledge();
const FAST: VehicleSignals = { 'Vehicle.Speed': 120, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' };
const LIVE: Partial<DialogueTimings> = { listenMs: 8000, answerMs: 8000, followUpMs: 5000, speechMs: () => 2000 };

function car(options: { start?: VehicleSignals; timings?: Partial<DialogueTimings> } = {}) {
  const clock = new SimulatedClock();
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, clock, timings: options.timings ?? LIVE, ...(options.start ? { start: options.start } : {}) });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  const said = (): string[] => events.filter((e): e is ResponseEvent => e.type === 'response').map((r) => r.text);
  const say = (text: string, lang?: Lang) => sim.assistant.handle({ type: 'utterance', text, source: 'voice', ...(lang ? { lang } : {}) });
  const state = (): string => sim.assistant.snapshot().dialogue;
  const machine = (): unknown => sim.assistant.dialogueSnapshot().value;
  // Time passes on the simulated clock in 100 ms steps, so timers started by other timers fire too.
  const wait = (ms: number) => {
    for (let t = 0; t < ms; t += 100) clock.increment(Math.min(100, ms - t));
  };
  return { sim, events, said, say, state, machine, wait, clock };
}

describe('wake, listen, give up', () => {
  it.each([
    ['en', "I'm listening.", "Okay, I'll be here if you need me."],
    ['id', 'Saya mendengarkan.', 'Oke, panggil saya kalau perlu.'],
    ['zh', '我在听。', '好的，需要的时候再叫我。'],
  ] as const)('%s: re-prompts once on silence, then gives up politely', async (lang, reprompt, giveUp) => {
    const c = car();
    // The conversation's language is the last one heard.
    await c.say(lang === 'en' ? 'turn on the headlights' : lang === 'id' ? 'nyalakan lampu utama' : '打开大灯', lang);
    c.wait(10_000);
    expect(c.state()).toBe('idle');
    await c.sim.assistant.handle({ type: 'wake' });
    expect(c.state()).toBe('listening');
    c.wait(8000);
    expect([c.state(), c.said().at(-1)]).toEqual(['listening', reprompt]);
    c.wait(8000);
    expect([c.state(), c.said().at(-1)]).toEqual(['idle', giveUp]);
    c.sim.close();
  });
});

describe('slot filling over several turns', () => {
  it.each([
    ['text Budi', "I'm running late", 'en', 'What should I say to budi?', 'Send "I\'m running late" to Budi Santoso? Should I go ahead?', 'yes'],
    ['kirim pesan ke Budi', 'aku telat', 'id', 'Mau bilang apa ke budi?', 'Kirim "aku telat" ke Budi Santoso? Lanjutkan?', 'iya'],
    ['给王伟发短信', '我晚点到', 'zh', '要对王伟说什么？', '把“我晚点到”发给王伟？要继续吗？', '好的'],
  ] as const)('"%s" → asks for the body → reads it back → a yes sends it', async (request, body, lang, ask, readBack, yes) => {
    const c = car();
    await c.say(request, lang);
    expect([c.state(), c.said().at(-1)]).toEqual(['clarifying', ask]);
    await c.say(body, lang);
    expect([c.state(), c.said().at(-1)]).toEqual(['confirming', readBack]);
    await c.say(yes, lang);
    const last = c.events.filter((e): e is ResponseEvent => e.type === 'response').at(-1);
    expect(last?.trace).toMatchObject({ intent: 'messaging.send', slots: { body }, policy: 'confirm' });
    c.sim.close();
  });

  it('re-prompts once when the answer does not come, then gives up', async () => {
    const c = car();
    await c.say('text Budi', 'en');
    c.wait(8000);
    expect([c.state(), c.said().filter((s) => s === 'What should I say to budi?').length]).toEqual(['clarifying', 2]);
    c.wait(8000);
    expect([c.state(), c.said().at(-1)]).toEqual(['idle', "Okay, I'll be here if you need me."]);
    c.sim.close();
  });

  it('fills a choice by understanding the request again with the answer', async () => {
    const c = car();
    await c.say('把温度调到', 'zh');
    expect([c.state(), c.said().at(-1)]).toEqual(['clarifying', '调到多少度？']);
    await c.say('二十三度', 'zh');
    expect(c.sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature')).toBe(23);
    c.sim.close();
  });
});

describe('confirming by voice and touch', () => {
  it.each([
    ['open all the windows', 'yes', 'en', 100],
    ['buka semua jendela', 'iya', 'id', 100],
    ['打开所有车窗', '好的', 'zh', 100],
    ['open all the windows', 'no', 'en', 0],
    ['buka semua jendela', 'tidak', 'id', 0],
    ['打开所有车窗', '不用', 'zh', 0],
  ] as const)('at 120 km/h "%s" asks first; "%s" decides', async (request, answer, lang, position) => {
    const c = car({ start: FAST });
    await c.say(request, lang);
    expect(c.state()).toBe('confirming');
    expect(c.sim.vehicle.get('Vehicle.Cabin.Door.Row2.DriverSide.Window.Position')).toBe(0);
    await c.say(answer, lang);
    expect(c.sim.vehicle.get('Vehicle.Cabin.Door.Row2.DriverSide.Window.Position')).toBe(position);
    c.sim.close();
  });

  it('takes a yes by touch, and asks the policy again first: a car that sped up meanwhile still counts', async () => {
    const c = car({ start: FAST });
    await c.say('open all the windows', 'en');
    await c.sim.assistant.handle({ type: 'confirm' });
    expect(c.sim.vehicle.get('Vehicle.Cabin.Door.Row1.DriverSide.Window.Position')).toBe(100);
    // Unlocking needs a stop; confirming it later at speed is still refused.
    const d = car();
    await d.say('unlock the doors', 'en');
    expect(d.sim.vehicle.get('Vehicle.Cabin.Door.Row1.DriverSide.IsLocked')).toBe(false);
    c.sim.close();
    d.sim.close();
  });

  it('treats anything other than yes or no as a new request', async () => {
    const c = car({ start: FAST });
    await c.say('open all the windows', 'en');
    await c.say('turn on the headlights', 'en');
    expect(c.sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(true);
    expect(c.sim.vehicle.get('Vehicle.Cabin.Door.Row1.DriverSide.Window.Position')).toBe(0);
    c.sim.close();
  });
});

describe('cancel anywhere', () => {
  it.each([
    ['text Sari', 'cancel', 'en', 'Okay.'],
    ['kirim pesan ke Sari', 'batal', 'id', 'Baik.'],
    ['给王伟发短信', '算了', 'zh', '好的。'],
    ['text Sari', 'never mind', 'en', 'Okay.'],
  ] as const)('"%s" then "%s" drops the request', async (request, cancel, lang, okay) => {
    const c = car();
    await c.say(request, lang);
    await c.say(cancel, lang);
    expect([c.state(), c.said().at(-1)]).toEqual(['idle', okay]);
    c.sim.close();
  });

  it('cancels a pending confirmation by touch', async () => {
    const c = car({ start: FAST });
    await c.say('open all the windows', 'en');
    await c.sim.assistant.handle({ type: 'cancel' });
    await c.sim.assistant.handle({ type: 'confirm' });
    expect(c.sim.vehicle.get('Vehicle.Cabin.Door.Row1.DriverSide.Window.Position')).toBe(0);
    c.sim.close();
  });
});

describe('barge-in, follow-up and guidance', () => {
  it.each([
    ['turn on the headlights', 'en'],
    ['nyalakan lampu utama', 'id'],
    ['打开大灯', 'zh'],
  ] as const)('%s: the wake word while speaking stops speech and listens', async (text, lang) => {
    const c = car();
    await c.say(text, lang);
    expect(c.state()).toBe('speaking');
    await c.sim.assistant.handle({ type: 'wake' });
    expect(c.state()).toBe('listening');
    c.sim.close();
  });

  it('after an answer the driver goes on without the wake word, until the window closes', async () => {
    const c = car();
    await c.say('turn on the headlights', 'en');
    c.wait(2000); // speech ends
    expect(c.state()).toBe('listening'); // the follow-up window
    await c.say('and the high beams too', 'en');
    c.wait(2000 + 5000);
    expect(c.state()).toBe('idle');
    c.sim.close();
  });

  it('turn-by-turn guidance cuts into an answer, which is said again after it', async () => {
    const c = car();
    await c.say('turn on the headlights', 'en');
    await c.sim.assistant.guidance({ key: 'policy.reason.moving_confirm' });
    expect(c.said().slice(-3)).toEqual(['Headlights on.', 'That needs your attention while the car is moving.', 'Headlights on.']);
    c.sim.close();
  });
});

describe('multi-intent', () => {
  it.each([
    ['turn on the headlights and set the temperature to 20', 'en', ['Headlights on.', 'Temperature set to 20 degrees.']],
    ['nyalakan lampu utama lalu atur suhu 20 derajat', 'id', ['Lampu utama dinyalakan.', 'Suhu diatur ke 20 derajat.']],
    ['打开大灯然后把温度调到20度', 'zh', ['已打开大灯。', '温度已调到20度。']],
  ] as const)('"%s" runs the requests in order', async (text, lang, answers) => {
    const c = car();
    await c.say(text, lang);
    expect(c.said()).toEqual(answers);
    expect(c.sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature')).toBe(20);
    c.sim.close();
  });

  it.each([
    ['unlock the doors and turn on the headlights', 'en'],
    ['buka kunci pintu lalu nyalakan lampu utama', 'id'],
    ['解锁车门然后打开大灯', 'zh'],
  ] as const)('"%s" at speed stops at the first denial and says why', async (text, lang) => {
    const c = car({ start: FAST });
    await c.say(text, lang);
    expect(c.sim.vehicle.get('Vehicle.Body.Lights.Beam.Low.IsOn')).toBe(false);
    const responses = c.events.filter((e): e is ResponseEvent => e.type === 'response');
    expect(responses.map((r) => [r.trace?.intent, r.trace?.policy])).toEqual([['vehicle.lock', 'deny']]);
    c.sim.close();
  });
});

describe('interruptions', () => {
  it.each([
    ['en', 'New message from Sari. Read it?'],
    ['id', 'Ada pesan baru dari Sari. Mau dibacakan?'],
    ['zh', 'Sari发来一条新消息。要我读给你听吗？'],
  ] as const)('%s: an incoming message while driving is offered when the driver is free', async (lang, offer) => {
    const c = car({ start: FAST });
    // The driver is busy (a question is open) in their language; the message is in English.
    await c.say({ en: 'text Budi', id: 'kirim pesan ke Budi', zh: '给王伟发短信' }[lang], lang);
    await c.sim.assistant.incoming('Sari', 'where are you', 'en');
    expect(c.said().includes(offer)).toBe(false);
    await c.say({ en: 'cancel', id: 'batal', zh: '算了' }[lang], lang);
    expect([c.state(), c.said().at(-1)]).toEqual(['confirming', offer]);
    await c.say(lang === 'zh' ? '好的' : lang === 'id' ? 'iya' : 'yes', lang);
    const last = c.events.filter((e): e is ResponseEvent => e.type === 'response').at(-1);
    expect(last?.trace).toMatchObject({ intent: 'messaging.read', slots: { contact: 'Sari' } });
    c.sim.close();
  });
});

describe('context for follow-ups', () => {
  it('"and the passenger side too" repeats the last climate request for that side', async () => {
    const c = car();
    await c.say('set the driver side to 19 degrees', 'en');
    expect(c.sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature')).toBe(21);
    await c.say('and the passenger side too', 'en');
    expect(c.sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature')).toBe(19);
    c.sim.close();
  });

  it('"call her" calls the person just mentioned', async () => {
    const c = car();
    await c.say('text Budi', 'en');
    await c.say('cancel', 'en');
    await c.say('call him', 'en');
    const last = c.events.filter((e): e is ResponseEvent => e.type === 'response').at(-1);
    expect(last?.trace).toMatchObject({ intent: 'phone.call', slots: { contact: 'Budi Santoso' } });
    c.sim.close();
  });
});

describe('errors', () => {
  it('a failing handler leads to an apology and a clean state, and the next turn works', async () => {
    const c = car({ timings: { followUpMs: 0, speechMs: () => 0 } });
    const handlers = (c.sim.assistant as unknown as { deps: { handlers: Record<string, unknown> } }).deps.handlers;
    handlers['vehicle.lights'] = () => {
      throw new Error('CAN bus timeout');
    };
    const result = await c.say('turn on the headlights', 'en');
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect([c.state(), c.said().at(-1)]).toEqual(['idle', 'Sorry, something went wrong. Please try again.']);
    await c.say('set the temperature to 22', 'en');
    expect(c.sim.vehicle.get('Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature')).toBe(22);
    c.sim.close();
  });
});
