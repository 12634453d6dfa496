// Each vehicle handler through the real core (NLU → policy → handler): its effect on the simulated
// car and its spoken answer in en, id and zh.
import { describe, expect, it } from 'vitest';
import type { Event, Lang, ResponseEvent } from '../../common/contract.js';
import type { SignalPath, SignalValue, VehicleSignals } from '../../common/vss.js';
import { createSimulatedAssistant, loadKnowledge } from '../../main/core/compose.js';

const knowledge = loadKnowledge();

async function turn(text: string, lang: Lang, start: VehicleSignals = {}) {
  const sim = createSimulatedAssistant({ database: ':memory:', knowledge, start });
  const events: Event[] = [];
  sim.assistant.on((e) => events.push(e));
  await sim.assistant.handle({ type: 'utterance', text, lang, source: 'text' });
  const response = events.filter((e): e is ResponseEvent => e.type === 'response').at(-1);
  const vehicle = sim.vehicle.snapshot();
  sim.close();
  return { say: response?.text, trace: response?.trace, card: response?.card, get: (path: SignalPath): SignalValue | undefined => vehicle[path] };
}

const DRIVER_TEMP = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature';
const PASSENGER_TEMP = 'Vehicle.Cabin.HVAC.Station.Row1.Passenger.Temperature';
const FAN = 'Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed';
const DRIVER_WINDOW = 'Vehicle.Cabin.Door.Row1.DriverSide.Window.Position';
const REAR_RIGHT_WINDOW = 'Vehicle.Cabin.Door.Row2.PassengerSide.Window.Position';
const DRIVER_LOCK = 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked';
const FRONT_DEFROST = 'Vehicle.Cabin.HVAC.IsFrontDefrosterActive';
const REAR_DEFROST = 'Vehicle.Cabin.HVAC.IsRearDefrosterActive';
const AIR_CONDITIONING = 'Vehicle.Cabin.HVAC.IsAirConditioningActive';
const moving = { 'Vehicle.Speed': 50, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' } as const;

describe('climate', () => {
  it.each([
    ['set the temperature to 24 degrees', 'en', 'Temperature set to 24 degrees.'],
    ['suhu 24 derajat', 'id', 'Suhu diatur ke 24 derajat.'],
    ['把温度调到24度', 'zh', '温度已调到24度。'],
  ] as const)('"%s" sets both seats to 24 °C', async (text, lang, say) => {
    const r = await turn(text, lang);
    expect([r.get(DRIVER_TEMP), r.get(PASSENGER_TEMP), r.say]).toEqual([24, 24, say]);
  });

  it('converts Fahrenheit to the half degree Celsius the car takes', async () => {
    const r = await turn('set the temperature to 72 fahrenheit', 'en');
    expect(r.get(DRIVER_TEMP)).toBe(22); // 72 °F = 22.2 °C
  });

  it('refuses a set-point the car cannot reach, without touching it', async () => {
    const r = await turn('set the temperature to 35 degrees', 'en');
    expect([r.get(DRIVER_TEMP), r.say]).toEqual([21, 'I can set the temperature from 16 to 30 degrees.']);
  });

  it.each([
    ["i'm cold", 'en', 22, 'Warmer: Temperature now 22 degrees.'],
    ['saya kedinginan', 'id', 22, 'Lebih hangat: Suhu sekarang 22 derajat.'],
    ['我有点冷', 'zh', 22, '调暖了：温度现在22度。'],
  ] as const)('"%s" warms the cabin a degree', async (text, lang, temp, say) => {
    const r = await turn(text, lang);
    expect([r.get(DRIVER_TEMP), r.say]).toEqual([temp, say]);
  });

  it('stops at the warmest set-point and says so', async () => {
    const r = await turn("i'm cold", 'en', { [DRIVER_TEMP]: 30, [PASSENGER_TEMP]: 30 });
    expect([r.get(DRIVER_TEMP), r.say]).toEqual([30, "It's already as warm as it goes, 30 degrees."]);
  });

  it.each([
    ['turn the fan up', 'en', 50, 'Fan at level 5.'],
    ['kipas dikencangkan', 'id', 50, 'Kipas di level 5.'],
    ['风量调大', 'zh', 50, '风量5档。'],
  ] as const)('"%s" raises the fan one step', async (text, lang, fan, say) => {
    const r = await turn(text, lang);
    expect([r.get(FAN), r.say]).toEqual([fan, say]);
  });
});

describe('defrost and air conditioning', () => {
  it.each([
    ['turn on the defroster', 'en', 'Windscreen defroster on.'],
    ['nyalakan defroster kaca depan', 'id', 'Penghilang embun kaca depan dinyalakan.'],
    ['打开前挡除雾', 'zh', '前挡除雾已打开。'],
  ] as const)('"%s" switches on the front defroster only, also while moving', async (text, lang, say) => {
    for (const start of [{}, moving]) {
      const r = await turn(text, lang, start);
      expect([r.get(FRONT_DEFROST), r.get(REAR_DEFROST), r.say, r.trace?.intent, r.trace?.policy]).toEqual([true, false, say, 'vehicle.defrost', 'allow']);
    }
  });

  it.each([
    ["I can't see out of the windscreen", 'en', true, false],
    ['the windows are fogging up', 'en', true, true],
    ['the back window is fogged up', 'en', false, true],
    ['kaca belakang berembun', 'id', false, true],
    ['车窗起雾了', 'zh', true, true],
  ] as const)('"%s" is a request to defrost', async (text, lang, front, rear) => {
    const r = await turn(text, lang, moving);
    expect([r.trace?.intent, r.get(FRONT_DEFROST), r.get(REAR_DEFROST)]).toEqual(['vehicle.defrost', front, rear]);
  });

  it.each([
    ['turn off the rear defroster', 'en', 'Rear window defroster off.'],
    ['matikan defroster kaca belakang', 'id', 'Penghilang embun kaca belakang dimatikan.'],
    ['关闭后窗加热', 'zh', '后挡除雾已关闭。'],
  ] as const)('"%s" switches the rear defroster off and leaves the front on', async (text, lang, say) => {
    const r = await turn(text, lang, { [FRONT_DEFROST]: true, [REAR_DEFROST]: true });
    expect([r.get(FRONT_DEFROST), r.get(REAR_DEFROST), r.say]).toEqual([true, false, say]);
  });

  it('says the defroster is already on rather than pretending to switch it', async () => {
    const r = await turn('turn on the defroster', 'en', { [FRONT_DEFROST]: true });
    expect([r.say, r.trace?.actions]).toEqual(['Windscreen defroster already on.', []]);
  });

  it.each([
    ['turn on the ac', 'en', 'Air conditioning on.'],
    ['nyalakan ac', 'id', 'AC dinyalakan.'],
    ['打开空调', 'zh', '空调制冷已打开。'],
  ] as const)('"%s" switches the A/C on, also while moving, and leaves the fan alone', async (text, lang, say) => {
    for (const start of [{}, moving]) {
      const r = await turn(text, lang, start);
      expect([r.get(AIR_CONDITIONING), r.get(FAN), r.say, r.trace?.intent, r.trace?.policy]).toEqual([true, 30, say, 'vehicle.ac', 'allow']);
    }
  });

  it.each([
    ['turn off the air conditioning', 'en', 'Air conditioning off.'],
    ['matikan ac', 'id', 'AC dimatikan.'],
    ['关掉空调', 'zh', '空调制冷已关闭。'],
  ] as const)('"%s" switches the A/C off', async (text, lang, say) => {
    const r = await turn(text, lang, { [AIR_CONDITIONING]: true });
    expect([r.get(AIR_CONDITIONING), r.say]).toEqual([false, say]);
  });

  it('says the A/C is already off', async () => {
    const r = await turn('ac off', 'en');
    expect([r.say, r.trace?.actions]).toEqual(['The air conditioning is already off.', []]);
  });
});

describe('windows and locks', () => {
  it.each([
    ['open the driver window halfway', 'en', 'Driver\'s window open 50 percent.'],
    ['buka jendela sopir setengah', 'id', 'Jendela pengemudi dibuka 50 persen.'],
    ['把主驾车窗打开一半', 'zh', '主驾车窗已打开百分之50。'],
  ] as const)('"%s" opens one window halfway', async (text, lang, say) => {
    const r = await turn(text, lang);
    expect([r.get(DRIVER_WINDOW), r.get(REAR_RIGHT_WINDOW), r.say]).toEqual([50, 0, say]);
  });

  it('opens every window fully when parked, and asks first at highway speed', async () => {
    const parked = await turn('open all the windows', 'en');
    expect([parked.get(DRIVER_WINDOW), parked.get(REAR_RIGHT_WINDOW)]).toEqual([100, 100]);
    const fast = await turn('open all the windows', 'en', { 'Vehicle.Speed': 120, 'Vehicle.Powertrain.Transmission.SelectedGear': 'D' });
    expect([fast.get(DRIVER_WINDOW), fast.trace?.policy, fast.trace?.policyReason]).toEqual([0, 'confirm', 'policy.reason.window_wide_fast']);
  });

  it.each([
    ['unlock the doors', 'en', 'Doors unlocked.'],
    ['buka kunci pintu', 'id', 'Kunci pintu dibuka.'],
    ['解锁车门', 'zh', '车门已解锁。'],
  ] as const)('"%s" unlocks when parked and is refused while moving', async (text, lang, say) => {
    const parked = await turn(text, lang);
    expect([parked.get(DRIVER_LOCK), parked.say]).toEqual([false, say]);
    const driving = await turn(text, lang, moving);
    expect([driving.get(DRIVER_LOCK), driving.trace?.policy]).toEqual([true, 'deny']);
  });

  it('says the doors are already locked rather than pretending to lock them', async () => {
    const r = await turn('lock the doors', 'en');
    expect([r.say, r.trace?.actions]).toEqual(['The doors are already locked.', []]);
  });
});

describe('status, answered in words', () => {
  it.each([
    ['how much fuel is left', 'en', /^The tank is \d+ percent full\. About \d+ kilometres of range\.$/],
    ['bensin tinggal berapa', 'id', /^Tangki terisi \d+ persen\. Jarak tempuh sekitar \d+ kilometer\.$/],
    ['还有多少油', 'zh', /^油箱还有百分之\d+。大约还能跑\d+公里。$/],
  ] as const)('"%s"', async (text, lang, say) => {
    expect((await turn(text, lang)).say).toMatch(say);
  });

  it('names a low tire', async () => {
    const r = await turn('check the tire pressure', 'en', { 'Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure': 160 });
    expect(r.say).toBe('The rear left tire is low, 160 kPa.');
    const zh = await turn('胎压怎么样', 'zh', { 'Vehicle.Chassis.Axle.Row2.Wheel.Left.Tire.Pressure': 160 });
    expect(zh.say).toBe('左后轮胎压偏低，160千帕。');
  });

  it('answers about the battery in an electric car asked about fuel', async () => {
    const sim = createSimulatedAssistant({ database: ':memory:', knowledge, powertrain: 'electric' });
    const events: Event[] = [];
    sim.assistant.on((e) => events.push(e));
    await sim.assistant.handle({ type: 'utterance', text: 'how much fuel is left', lang: 'en', source: 'text' });
    expect(events.filter((e): e is ResponseEvent => e.type === 'response').at(-1)?.text).toMatch(/^The battery is at \d+ percent\. About \d+ kilometres of range\.$/);
    sim.close();
  });
});

describe('responses', () => {
  it('has every response key a vehicle intent declares, in every language', () => {
    for (const name of knowledge.catalog.names().filter((n) => n.startsWith('vehicle.'))) {
      for (const key of knowledge.catalog.get(name)?.responses ?? []) {
        for (const lang of ['en', 'id', 'zh'] as const) expect(knowledge.responses.has(lang, key), `${lang}: ${key}`).toBe(true);
      }
    }
  });
});
