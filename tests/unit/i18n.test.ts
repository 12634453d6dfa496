// The screen's strings (renderer/src/i18n/strings): every key of every area in English, Indonesian and
// Chinese, none empty, the same {{placeholders}} in each; the pure lookup the state helpers use agrees with
// them; and no component writes user-visible English of its own (JSX text or a label attribute).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LANGS } from '../../common/contract.js';
import { interpolate, text } from '../../renderer/src/i18n/text.js';
import { NAMESPACES, RESOURCES } from '../../renderer/src/i18n/strings/index.js';
import { restrictionSummary, vehicleStatus } from '../../renderer/src/state/ui.js';
import { vehicleDetails } from '../../renderer/src/state/simPanel.js';
import { formatDistance, formatTemperature, parseUnits } from '../../renderer/src/state/units.js';

type Tree = { readonly [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (value: string): string[] => [...value.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

describe('the strings', () => {
  it('has the areas the screen uses', () => {
    expect(NAMESPACES).toEqual(expect.arrayContaining(['common', 'home', 'sim', 'settings']));
  });

  for (const ns of NAMESPACES) {
    it(`${ns}: every key in en, id and zh, none empty, the same placeholders`, () => {
      const en = flatten(RESOURCES.en[ns] as Tree);
      expect(en.size).toBeGreaterThan(0);
      for (const lang of LANGS) {
        const other = flatten(RESOURCES[lang][ns] as Tree);
        expect([...other.keys()].sort(), `${lang} keys of ${ns}`).toEqual([...en.keys()].sort());
        for (const [key, value] of other) {
          expect(value.trim(), `${lang} ${ns}:${key}`).not.toBe('');
          expect(placeholders(value), `${lang} ${ns}:${key}`).toEqual(placeholders(en.get(key) ?? ''));
        }
      }
    });
  }

  it('is translated, not copied: most Indonesian and Chinese texts differ from the English', () => {
    for (const lang of ['id', 'zh'] as const) {
      let same = 0;
      let total = 0;
      for (const ns of NAMESPACES) {
        const en = flatten(RESOURCES.en[ns] as Tree);
        for (const [key, value] of flatten(RESOURCES[lang][ns] as Tree)) {
          total++;
          if (value === en.get(key)) same++;
        }
      }
      // Names (Kemudi, openWakeWord, Vosk, the keywords), units and symbols stay as they are.
      expect(same / total, lang).toBeLessThan(lang === 'zh' ? 0.12 : 0.2);
    }
  });
});

describe('the pure lookup for the state helpers', () => {
  it('fills placeholders and falls back to English, then the key', () => {
    expect(interpolate('{{a}} of {{b}}', { a: 1, b: 'x' })).toBe('1 of x');
    expect(interpolate('{{a}} left', {})).toBe('{{a}} left');
    expect(text('id', 'common:nav.settings')).toBe('Pengaturan');
    expect(text('zh', 'home:status.doors.some', { unlocked: 1, total: 4 })).toBe('4 个车门中有 1 个未锁');
    expect(text('en', 'home:no.such.key')).toBe('home:no.such.key');
  });

  it('gives the status strip, the restrictions and the simulator rows in each language, English unchanged', () => {
    const vehicle = { 'Vehicle.Speed': 42.4, 'Vehicle.Body.Lights.Beam.Low.IsOn': true, 'Vehicle.Cabin.Door.Row1.DriverSide.IsLocked': true } as const;
    expect(vehicleStatus(vehicle).map((item) => item.text)).toEqual(['42 km/h', 'Gear –', 'Headlights on', 'High beams unknown', 'Driver –', 'Fuel –', 'Doors locked']);
    expect(vehicleStatus(vehicle, 'id').map((item) => item.text)).toContain('Lampu utama menyala');
    expect(vehicleStatus(vehicle, 'zh').map((item) => item.text)).toContain('大灯已开');
    const moving = { moving: true, keyboard: false, maxListItems: 6, maxChars: 120 } as const;
    expect(restrictionSummary(moving)).toBe('Moving: keyboard off, lists ≤ 6, text ≤ 120 characters');
    expect(restrictionSummary(moving, 'id')).toBe('Bergerak: papan ketik mati, daftar ≤ 6, teks ≤ 120 karakter');
    expect(restrictionSummary(moving, 'zh')).toBe('行驶中：键盘关闭，列表 ≤ 6，文字 ≤ 120 个字符');
    expect(vehicleDetails(vehicle, 'zh').find((row) => row.id === 'lights')?.value).toBe('近光灯开，远光灯–');
  });
});

describe('units', () => {
  it('reads a stored choice, each part checked', () => {
    expect(parseUnits(null)).toEqual({ temperature: 'c', distance: 'km' });
    expect(parseUnits('{"temperature":"f","distance":"mi"}')).toEqual({ temperature: 'f', distance: 'mi' });
    expect(parseUnits('{"temperature":"k","distance":"mi"}')).toEqual({ temperature: 'c', distance: 'mi' });
    expect(parseUnits('not json')).toEqual({ temperature: 'c', distance: 'km' });
  });

  it('formats temperatures and distances in the unit and language given', () => {
    expect(formatTemperature(21.5, 'c')).toBe('21.5 °C');
    expect(formatTemperature(21.5, 'c', 'id')).toBe('21,5 °C');
    expect(formatTemperature(22, 'f')).toBe('72 °F');
    expect(formatDistance(1234, 'km')).toBe('1.2 km');
    expect(formatDistance(1234, 'km', 'zh')).toBe('1.2 公里');
    expect(formatDistance(100, 'mi')).toBe('330 ft');
    expect(formatDistance(2414, 'mi')).toBe('1.5 mi');
    expect(formatDistance(2414, 'mi', 'id')).toBe('1,5 mil');
    expect(formatDistance(32187, 'mi')).toBe('20 mi');
  });
});

// ---- no hard-coded English in the components ----

const rendererSrc = fileURLToPath(new URL('../../renderer/src/', import.meta.url));
/** Attributes a person reads or hears. */
const TEXT_ATTRIBUTES = new Set(['aria-label', 'aria-valuetext', 'aria-description', 'placeholder', 'title', 'alt', 'label']);
/** Text with no letters is fine: symbols ("−", "+", "°", "✓", "·", "%"); so are the temperature units. */
const ALLOWED = new Set(['°C', '°F']);
const hasWords = (value: string): boolean => !ALLOWED.has(value.trim()) && /\p{L}/u.test(value);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return name.endsWith('.tsx') ? [path] : [];
  });
}

function hardCoded(path: string, content = readFileSync(path, 'utf8')): string[] {
  const source = ts.createSourceFile(path, content, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  // A text node starts with the line break before it: count from its first visible character.
  const where = (node: ts.Node): string => {
    const lead = ts.isJsxText(node) ? node.text.length - node.text.trimStart().length : 0;
    return `${path.slice(rendererSrc.length)}:${source.getLineAndCharacterOfPosition(node.getStart() + lead).line + 1}`;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(`${where(node)} text "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText(source))) {
      const init = node.initializer;
      const literal = init && ts.isStringLiteral(init) ? init : init && ts.isJsxExpression(init) && init.expression && (ts.isStringLiteral(init.expression) || ts.isNoSubstitutionTemplateLiteral(init.expression)) ? init.expression : null;
      if (literal && hasWords(literal.text)) found.push(`${where(node)} ${node.name.getText(source)}="${literal.text}"`);
    }
    // A string literal as a JSX child ({'Hello'}) is text too.
    if (ts.isJsxExpression(node) && node.expression && ts.isStringLiteral(node.expression) && ts.isJsxElement(node.parent) && hasWords(node.expression.text)) {
      found.push(`${where(node)} text {'${node.expression.text}'}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the components', () => {
  const files = tsxFiles(rendererSrc);

  it('are found', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('have no user-visible text of their own: every word comes from the strings', () => {
    expect(files.flatMap((file) => hardCoded(file))).toEqual([]);
  });

  it('the scan would catch one', () => {
    const sample = `export const X = ({ name }: { name: string }) => (
  <p aria-label="Close" title={'Help me'}>
    Hello {name} — <b>−</b> {'Bye'} <i>{name}</i> °C <i>km</i>
  </p>
);`;
    expect(hardCoded(join(rendererSrc, 'sample.tsx'), sample)).toEqual(['sample.tsx:2 aria-label="Close"', 'sample.tsx:2 title="Help me"', 'sample.tsx:3 text "Hello"', "sample.tsx:3 text {'Bye'}", 'sample.tsx:3 text "km"']);
  });
});
