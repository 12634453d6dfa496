import { describe, expect, it } from 'vitest';
import { IntentCatalog } from '../../main/nlu/catalog.js';
import { joinTokens, normalize, tokenize } from '../../main/nlu/normalize.js';
import { compileLanguage } from '../../main/nlu/sentences.js';
import { matchAll, parseTemplate, type SlotList, TemplateSyntaxError } from '../../main/nlu/template.js';

describe('normalize', () => {
  it('lowercases, drops punctuation, keeps contractions and decimals', () => {
    expect(normalize('  Turn ON the Headlights, please!! ')).toBe('turn on the headlights please');
    expect(normalize('It’s 22.5 degrees')).toBe("it's 22.5 degrees");
    expect(normalize("'quoted' words")).toBe('quoted words');
  });
  it('folds full-width characters and Chinese punctuation', () => {
    expect(normalize('把温度调到２２度。')).toBe('把温度调到22度');
    expect(normalize('ＡＣ，打开')).toBe('ac 打开');
  });
  it('separates a number from its unit, as the templates write them', () => {
    expect(normalize('Volume 50%')).toBe('volume 50 %');
    expect(normalize('set it to 22°C')).toBe('set it to 22 °c');
    expect(normalize('调到22℃')).toBe('调到22 °c');
  });
});

describe('tokenize', () => {
  it('splits Chinese per character and keeps Latin words and numbers whole', () => {
    expect(tokenize(normalize('把温度调到22度'))).toEqual(['把', '温', '度', '调', '到', '22', '度']);
    expect(tokenize('打开 ac now')).toEqual(['打', '开', 'ac', 'now']);
    expect(joinTokens(['打', '开', 'ac', 'now'])).toBe('打开ac now');
  });
});

describe('templates', () => {
  const lists = new Map<string, SlotList>([
    ['state', { kind: 'values', values: [{ node: parseTemplate('on'), out: 'on' }, { node: parseTemplate('(off|out)'), out: 'off' }] }],
    ['temperature', { kind: 'range', from: 16, to: 30, step: 1 }],
    ['body', { kind: 'wildcard' }],
  ]);
  const lookup = (name: string): SlotList | undefined => lists.get(name);
  const match = (template: string, text: string) => matchAll(parseTemplate(template), tokenize(normalize(text)), lookup);

  it('matches alternatives and optional parts', () => {
    expect(match('(turn|switch) {state} [the] lights', 'switch off lights')?.slots).toEqual({ state: 'off' });
    expect(match('(turn|switch) {state} [the] lights', 'turn on the lights')?.slots).toEqual({ state: 'on' });
    expect(match('(turn|switch) {state} [the] lights', 'turn on the lamps')).toBeNull();
  });
  it('requires the whole sentence to match', () => {
    expect(match('lights {state}', 'lights on now')).toBeNull();
  });
  it('fills a slot under another name with {list:slot}', () => {
    expect(match('{state:power} [the] lights', 'on the lights')?.slots).toEqual({ power: 'on' });
  });
  it('matches number ranges and refuses numbers outside them', () => {
    expect(match('set [it to] {temperature} degrees', 'set it to 22 degrees')?.slots).toEqual({ temperature: 22 });
    expect(match('set [it to] {temperature} degrees', 'set it to 45 degrees')).toBeNull();
  });
  it('takes free text with wildcards, leaving literal words to the template', () => {
    expect(match('text sari {body} please', "text sari I'm ten minutes late please")?.slots).toEqual({ body: "i'm ten minutes late" });
    expect(match('发消息给 {body}', '发消息给小王我马上到')?.slots).toEqual({ body: '小王我马上到' });
  });
  it('matches Chinese without spaces', () => {
    expect(match('[请] 打开 [一下] 大灯', '请打开一下大灯')).not.toBeNull();
    expect(match('[请] 打开 [一下] 大灯', '请 打开 大灯')).not.toBeNull();
  });
  it('reports broken templates', () => {
    expect(() => parseTemplate('(turn|switch on')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('turn on]')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('<missing> rule')).toThrow(TemplateSyntaxError);
  });
});

describe('sentence files', () => {
  const catalog = IntentCatalog.fromYaml(`
intents:
  vehicle.lights:
    description: lights
    slots: { state: { type: string, enum: ["on", "off"], required: true } }
    moving: allow
    responses: []
`);
  it('expands rules that use rules, and refuses cycles and unknown intents', () => {
    const ok = compileLanguage('en', [{ name: 'a.yaml', text: 'language: en\nexpansion_rules:\n  p: "(please|pls)"\n  lead: "[<p>]"\nlists:\n  state: { values: ["on", "off"] }\nintents:\n  vehicle.lights:\n    data:\n      - sentences: ["<lead> lights {state}"]\n' }], catalog);
    expect(ok.match('please lights off')?.slots).toEqual({ state: 'off' });
    expect(() => compileLanguage('en', [{ name: 'b.yaml', text: 'language: en\nexpansion_rules:\n  a: "<b>"\n  b: "<a>"\nintents:\n  vehicle.lights:\n    data:\n      - sentences: ["<a>"]\n' }], catalog)).toThrow(/refers to itself/);
    expect(() => compileLanguage('en', [{ name: 'c.yaml', text: 'language: en\nintents:\n  car.fly:\n    data:\n      - sentences: ["fly"]\n' }], catalog)).toThrow(/not declared/);
    expect(() => compileLanguage('en', [{ name: 'd.yaml', text: 'language: id\n' }], catalog)).toThrow(/language id/);
  });
});

describe('intent catalog', () => {
  const catalog = IntentCatalog.fromYaml(`
intents:
  vehicle.climate_set:
    description: set the temperature
    slots:
      temperature: { type: number, minimum: 16, maximum: 30, required: true }
      side: { type: string, enum: [driver, passenger], default: driver }
    moving: allow
    responses: []
`);
  it('fills defaults and checks types and ranges', () => {
    expect(catalog.validateSlots('vehicle.climate_set', { temperature: 22 })).toEqual({ ok: true, value: { temperature: 22, side: 'driver' } });
    expect(catalog.validateSlots('vehicle.climate_set', { temperature: 45 })).toMatchObject({ ok: false, error: { code: 'invalid_slots' } });
    expect(catalog.validateSlots('vehicle.climate_set', { temperature: '22' })).toMatchObject({ ok: false, error: { code: 'invalid_slots' } });
    expect(catalog.validateSlots('vehicle.climate_set', {})).toMatchObject({ ok: false, error: { code: 'invalid_slots' } });
    expect(catalog.validateSlots('vehicle.climate_set', { temperature: 22, speed: 200 })).toMatchObject({ ok: false, error: { code: 'invalid_slots' } });
    expect(catalog.validateSlots('vehicle.warp', {})).toMatchObject({ ok: false, error: { code: 'unknown_intent' } });
  });
  it('refuses a malformed catalog with the reason', () => {
    expect(() => IntentCatalog.fromYaml('intents:\n  x.y:\n    description: ""\n    slots: {}\n    moving: sometimes\n    responses: []\n')).toThrow(/moving/);
  });
});
