// The touchscreen's accessibility (issue 11), against the real simulator core in Chromium: on Home and every
// screen of the rail, in the day and the night theme, every visible control has a name for screen readers,
// text meets WCAG AA contrast against its background, and the buttons are at least the 76 px target; Tab
// walks the rail and into the screen with a visible focus ring, and Enter or Space on the rail opens a
// screen; under prefers-reduced-motion nothing animates (the conversation overlay included), while
// without it the overlay slides in. The simulator's own panel (a developer's tool beside the head unit) is
// left out. Runs after the build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENS, THEME_KEY, type Screen } from '../../renderer/src/state/screen.js';
import { findChromium, warnSkipped } from '../support/chromium.js';
import { expectTouchTargets, openScreenHarness, WAIT_MS, type ScreenHarness } from '../support/screen-harness.js';

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/accessibility.test.ts');

const THEMES = ['day', 'night'] as const;
type Theme = (typeof THEMES)[number];

/** One problem found in the page, with where it is. */
interface Finding {
  where: string;
  what: string;
  ratio?: number;
}

interface TabStop {
  where: string;
  inRail: boolean;
  inMain: boolean;
  inSim: boolean;
  indicator: boolean;
  indicatorContrast: number;
  style: string;
}

// The audits run in the page. They are plain JavaScript in strings: the Node tsconfig has no DOM types, and
// a string keeps the bundler's helpers out of the function Playwright sends.
const SHARED = String.raw`
  const INTERACTIVE = 'button, input:not([type=hidden]), select, textarea, [role=button], a[href]';
  const inSim = (el) => !!el.closest('.sim-panel');
  const visible = (el) => {
    if (!el.isConnected || el.closest('[hidden], [aria-hidden="true"], [inert]')) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.visibility === 'collapse') return false;
      if (s.clipPath && s.clipPath !== 'none' && e.getBoundingClientRect().width <= 1) return false;
    }
    return true;
  };
  const where = (el) => {
    const parts = [];
    for (let e = el; e && parts.length < 3 && e !== document.body; e = e.parentElement) {
      const id = e.getAttribute('data-testid');
      parts.unshift(e.tagName.toLowerCase() + (id ? '[' + id + ']' : e.classList.length ? '.' + [...e.classList].join('.') : ''));
      if (id) break;
    }
    const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return parts.join(' > ') + (text ? ' "' + text + '"' : '');
  };
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map((x) => (x.endsWith('%') ? parseFloat(x) / 100 : parseFloat(x)));
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  /** The colour behind the element: the backgrounds up its ancestors, composited until one is opaque;
   *  null where an image (a gradient, the map) is behind it and no colour can be said. */
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      if (e.tagName === 'CANVAS' || e.tagName === 'IMG' || e.tagName === 'VIDEO') return null;
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  /** The product of the opacities from the element up: a faded element fades its text too. */
  const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; };
`;

/** Visible controls of the head unit without an accessible name (aria-labelledby, aria-label, a label,
 *  text not hidden from screen readers, alt, title, placeholder). */
const NAMELESS = String.raw`(() => {${SHARED}
  const text = (node) => {
    if (node.nodeType === 3) return node.textContent;
    if (node.nodeType !== 1) return '';
    if (node.getAttribute('aria-hidden') === 'true' || node.hidden) return '';
    if (node.getAttribute('aria-label')) return node.getAttribute('aria-label');
    if (node.tagName === 'IMG') return node.getAttribute('alt') || '';
    return [...node.childNodes].map(text).join(' ');
  };
  const name = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const t = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean).map(text).join(' ').trim();
      if (t) return t;
    }
    const label = el.getAttribute('aria-label');
    if (label && label.trim()) return label.trim();
    if (el.labels && el.labels.length) {
      const t = [...el.labels].map(text).join(' ').trim();
      if (t) return t;
    }
    if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type) && el.value) return el.value;
    if (el.tagName !== 'INPUT' && el.tagName !== 'SELECT' && el.tagName !== 'TEXTAREA') {
      const t = text(el).trim();
      if (t) return t;
    }
    return (el.getAttribute('title') || el.getAttribute('placeholder') || '').trim();
  };
  return [...document.querySelectorAll(INTERACTIVE)]
    .filter((el) => !inSim(el) && visible(el))
    .filter((el) => !name(el))
    .map((el) => ({ where: where(el), what: 'no accessible name' }));
})()`;

/** Visible text of the head unit below WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
 *  Disabled controls are exempt (WCAG 1.4.3), as is text over an image. */
const LOW_CONTRAST = `(async () => {${SHARED}
  // What is fading in (the conversation overlay) is measured once it is there.
  const ending = document.getAnimations().filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime));
  await Promise.all(ending.map((a) => a.finished.catch(() => undefined)));
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (inSim(el) || ['SCRIPT', 'STYLE', 'SVG', 'PATH', 'OPTION'].includes(el.tagName.toUpperCase())) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const field = (el.tagName === 'INPUT' || el.tagName === 'SELECT') && (el.value || '').trim();
    // An empty text box shows its placeholder: that text is read too.
    const placeholder = el.tagName === 'INPUT' && !el.value && (el.getAttribute('placeholder') || '').trim();
    if (!own && !field && !placeholder) continue;
    if (el.closest(':disabled, [aria-disabled="true"]') || !visible(el)) continue;
    const s = getComputedStyle(el, placeholder ? '::placeholder' : null);
    const bg = background(el);
    const fg = parse(s.color);
    if (!bg || !fg) continue;
    const fgOn = over({ ...fg, a: fg.a * opacity(el) }, bg);
    const size = parseFloat(s.fontSize);
    const bold = parseInt(s.fontWeight, 10) >= 700;
    const large = size >= 24 || (size >= 18.66 && bold);
    const need = large ? 3 : 4.5;
    const r = ratio(fgOn, bg);
    if (r < need - 0.005) found.push({ where: where(el), what: s.color + ' on ' + 'rgb(' + [bg.r, bg.g, bg.b].map(Math.round).join(', ') + ') ' + size + 'px' + (bold ? ' bold' : '') + ', needs ' + need, ratio: Math.round(r * 100) / 100 });
  }
  return found.sort((a, b) => a.ratio - b.ratio);
})()`;

/** The focused element: where it is and whether a focus ring shows (an outline of 2 px or more, or a
 *  box-shadow), and the ring's contrast against what is around it (WCAG 1.4.11 asks 3:1). */
const FOCUSED = `(() => {${SHARED}
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  let contrast = 0;
  const ring = parse(outline ? s.outlineColor : '');
  const around = background(el.parentElement || el);
  if (ring && around) contrast = Math.round(ratio(over(ring, around), around) * 100) / 100;
  else if (shadow) contrast = 99;
  return {
    where: where(el),
    inRail: !!el.closest('[data-testid="nav-rail"]'),
    inMain: !!el.closest('main'),
    inSim: inSim(el),
    indicator: outline || !!shadow,
    indicatorContrast: contrast,
    style: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + (shadow ? ' / ' + s.boxShadow : ''),
  };
})()`;

/** Running animations under the element (or the whole page), with their names. */
const animationsUnder = (selector: string | null) => `(() => {
  const root = ${selector === null ? 'document' : `document.querySelector(${JSON.stringify(selector)})`};
  if (!root) return null;
  const list = root.getAnimations(${selector === null ? '' : '{ subtree: true }'});
  return list.filter((a) => a.playState === 'running' || a.playState === 'pending').map((a) => a.animationName || a.transitionProperty || a.constructor.name);
})()`;

const report = (findings: Finding[]): string =>
  findings
    .slice(0, 15)
    .map((f) => `  ${f.ratio === undefined ? '' : `${f.ratio}:1 `}${f.where}: ${f.what}`)
    .join('\n');

(executablePath ? describe : describe.skip)('the touchscreen is accessible (Chromium)', () => {
  let h: ScreenHarness;

  const setTheme = async (theme: Theme | null): Promise<void> => {
    await h.page.evaluate(
      ([key, value]) => {
        const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void; removeItem(k: string): void } }).localStorage;
        if (value === null) storage.removeItem(key!);
        else storage.setItem(key!, value);
      },
      [THEME_KEY, theme] as const,
    );
    await h.page.reload();
    await h.page.getByTestId('screen-home').waitFor();
    if (theme) expect(await h.page.locator('html').getAttribute('data-theme')).toBe(theme);
  };

  const open = async (screen: Screen): Promise<void> => {
    await h.page.getByTestId(`nav-${screen}`).click();
    await h.page.getByTestId(`screen-${screen}`).waitFor();
  };

  /** Ends what Kemudi is saying until the dialogue is idle and the overlay gone. */
  const quiet = async (): Promise<void> => {
    await expect
      .poll(async () => {
        const dialogue = h.sim.assistant.snapshot().dialogue;
        if (dialogue === 'speaking') await h.sim.assistant.handle({ type: 'spoken' });
        return dialogue;
      })
      .toBe('idle');
    await h.page.getByTestId('talk-overlay').waitFor({ state: 'detached' });
  };

  /** Asks the question that keeps the conversation open ("What should I say to Sari?"). */
  const askSari = async (): Promise<void> => {
    const box = h.page.getByLabel('Type what you would say');
    await box.fill('text Sari');
    await box.press('Enter');
    await expect.poll(() => h.sim.assistant.snapshot().dialogue).toBe('clarifying');
    await h.page.getByTestId('talk-overlay').filter({ hasText: 'text Sari' }).waitFor({ timeout: WAIT_MS });
  };

  const cancel = async (): Promise<void> => {
    const box = h.page.getByLabel('Type what you would say');
    await box.fill('cancel');
    await box.press('Enter');
    await quiet();
  };

  beforeAll(async () => {
    h = await openScreenHarness(executablePath!);
    // Parked: the keyboard and the dial pad are shown, so their controls are checked too.
    await h.page.getByTestId('screen-home').waitFor();
  });

  afterAll(async () => {
    await h?.page.emulateMedia({ reducedMotion: null }).catch(() => undefined);
    await h?.close();
  });

  it('the audits themselves catch a nameless button, faint text and a missing focus ring', async () => {
    await open('vehicle');
    // Styled through the CSSOM: the page's CSP refuses style attributes.
    await h.page.evaluate(`(() => {
      const probe = document.createElement('div');
      probe.id = 'a11y-probe';
      Object.assign(probe.style, { position: 'fixed', top: '0', left: '0', zIndex: '99', background: '#ffffff', padding: '8px' });
      const button = document.createElement('button');
      button.type = 'button';
      Object.assign(button.style, { width: '80px', height: '80px', outline: 'none' });
      button.innerHTML = '<svg aria-hidden="true" width="20" height="20"></svg>';
      const span = document.createElement('span');
      span.textContent = 'faint words';
      Object.assign(span.style, { color: '#bbbbbb', fontSize: '16px' });
      probe.append(button, span);
      document.querySelector('main').append(probe);
      button.focus();
    })()`);
    const nameless = (await h.page.evaluate(NAMELESS)) as Finding[];
    const faint = (await h.page.evaluate(LOW_CONTRAST)) as Finding[];
    const focused = (await h.page.evaluate(FOCUSED)) as TabStop;
    await h.page.evaluate(`document.getElementById('a11y-probe').remove()`);
    expect(nameless).toEqual([{ where: 'main.home-main > div > button', what: 'no accessible name' }]);
    expect(faint.map((f) => f.where)).toEqual([expect.stringContaining('faint words')]);
    expect(faint[0]!.ratio).toBeCloseTo(1.92, 1);
    expect(focused.indicator).toBe(false);
  });

  for (const theme of THEMES) {
    it(`${theme}: every control has a name, the text meets WCAG AA, and the buttons are large`, { timeout: 90_000 }, async () => {
      await setTheme(theme);
      const nameless: Finding[] = [];
      const contrast: Finding[] = [];
      for (const screen of SCREENS) {
        await open(screen);
        for (const f of (await h.page.evaluate(NAMELESS)) as Finding[]) nameless.push({ ...f, where: `${screen}: ${f.where}` });
        for (const f of (await h.page.evaluate(LOW_CONTRAST)) as Finding[]) contrast.push({ ...f, where: `${screen}: ${f.where}` });
        // Playwright's own accessible-name computation agrees: no control in the tree without a name.
        const tree = await h.page.locator('.home').ariaSnapshot();
        const bare = tree.split('\n').filter((line) => /^\s*- (button|textbox|combobox|link|checkbox|radio|slider|spinbutton|switch)( \[[^\]]*\])*:?\s*$/.test(line));
        for (const line of bare) nameless.push({ where: `${screen} (aria snapshot)`, what: line.trim() });
        // Home's own controls are mostly the mic and the music bar, outside screen-home; they are checked below.
        if ((await h.page.getByTestId(`screen-${screen}`).getByRole('button').count()) > 0) await expectTouchTargets(h.page, `screen-${screen}`);
      }
      await expectTouchTargets(h.page, 'nav-rail');
      // The conversation too: a question back ("What should I say to Sari?") over a screen, then on Home.
      await open('vehicle');
      await askSari();
      for (const screen of ['vehicle', 'home'] as const) {
        await open(screen);
        await h.page.locator('.turn-user').first().waitFor();
        for (const f of (await h.page.evaluate(NAMELESS)) as Finding[]) nameless.push({ ...f, where: `${screen} talking: ${f.where}` });
        for (const f of (await h.page.evaluate(LOW_CONTRAST)) as Finding[]) contrast.push({ ...f, where: `${screen} talking: ${f.where}` });
      }
      await cancel();
      await setTheme(null);
      contrast.sort((a, b) => (a.ratio ?? 0) - (b.ratio ?? 0));
      expect(nameless, `controls without a name (${theme}):\n${report(nameless)}`).toEqual([]);
      expect(contrast, `text below WCAG AA (${theme}), worst first:\n${report(contrast)}`).toEqual([]);
    });
  }

  for (const theme of THEMES) {
    it(`${theme}: Tab walks the rail and into each screen with a visible focus ring`, { timeout: 90_000 }, async () => {
      await setTheme(theme);
      const problems: string[] = [];
      for (const screen of SCREENS) {
        await open(screen);
        // From the top of the page, as a keyboard user would start: a click on the brand in the status strip
        // (nothing focusable) moves the point Tab goes on from there.
        await h.page.locator('.status .brand').click();
        const stops: TabStop[] = [];
        let afterRail = 0;
        for (let i = 0; i < 40 && afterRail < 10; i++) {
          await h.page.keyboard.press('Tab');
          const stop = (await h.page.evaluate(FOCUSED)) as TabStop | null;
          if (!stop || stop.inSim) break;
          stops.push(stop);
          if (stops.some((s) => s.inRail) && !stop.inRail) afterRail++;
        }
        const rail = stops.filter((s) => s.inRail);
        if (rail.length !== SCREENS.length) problems.push(`${screen}: Tab reached ${rail.length} of the rail's ${SCREENS.length} buttons`);
        const firstRail = stops.findIndex((s) => s.inRail);
        const intoScreen = stops.slice(firstRail + rail.length).some((s) => s.inMain);
        const screenHasControls = (await h.page.getByTestId(`screen-${screen}`).locator('button, input, select, a[href], [tabindex="0"]').count()) > 0;
        if (screenHasControls && !intoScreen) problems.push(`${screen}: Tab never went from the rail into the screen (${stops.map((s) => s.where).join(' | ')})`);
        for (const stop of stops) {
          if (!stop.indicator) problems.push(`${screen}: no focus ring on ${stop.where} (${stop.style})`);
          else if (stop.indicatorContrast < 3) problems.push(`${screen}: focus ring ${stop.indicatorContrast}:1 on ${stop.where} (${stop.style})`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);

      // Enter and Space on a focused rail button open its screen.
      await open('home');
      for (const [screen, key] of [
        ['media', 'Enter'],
        ['climate', ' '],
        ['home', 'Enter'],
      ] as const) {
        await h.page.getByTestId(`nav-${screen}`).focus();
        await h.page.keyboard.press(key === ' ' ? 'Space' : key);
        await h.page.getByTestId(`screen-${screen}`).waitFor();
        expect(await h.page.getByTestId(`nav-${screen}`).getAttribute('aria-current')).toBe('page');
      }
      await setTheme(null);
    });
  }

  it("Home's own controls (the mic, the music bar, the text box) are large too", async () => {
    await open('home');
    for (const selector of ['.composer', '.media']) {
      // Left out: the voice line's "tap to type", a link-like shortcut in the line of text under the mic,
      // shown only while parked (typing is refused while moving), that focuses the 76 px text box beside it.
      const buttons = h.page.locator(selector).getByRole('button').and(h.page.locator(':not(.voice-type)'));
      const count = await buttons.count();
      for (let i = 0; i < count; i++) {
        const box = await buttons.nth(i).boundingBox();
        const label = (await buttons.nth(i).getAttribute('aria-label')) ?? (await buttons.nth(i).textContent());
        if (!box) continue;
        expect(box.height, `${selector} ${label}`).toBeGreaterThanOrEqual(76);
        expect(box.width, `${selector} ${label}`).toBeGreaterThanOrEqual(76);
      }
    }
    const box = await h.page.getByLabel('Type what you would say').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(76);
  });

  it('animates the conversation overlay, but nothing moves under prefers-reduced-motion', async () => {
    // Without a preference: the overlay slides in.
    await h.page.emulateMedia({ reducedMotion: 'no-preference' });
    await open('vehicle');
    await askSari();
    const name = () => h.page.getByTestId('talk-overlay').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { animationName: string } }).getComputedStyle(el).animationName);
    expect(await name()).toBe('overlay-in');
    await cancel();

    // Reduced: no animation on the overlay, and none running anywhere on any screen.
    await h.page.emulateMedia({ reducedMotion: 'reduce' });
    await open('vehicle');
    await askSari();
    expect(await name()).toBe('none');
    expect(await h.page.evaluate(animationsUnder('[data-testid="talk-overlay"]'))).toEqual([]);
    await cancel();
    const moving: string[] = [];
    for (const screen of SCREENS) {
      await open(screen);
      for (const a of (await h.page.evaluate(animationsUnder(null))) as string[]) moving.push(`${screen}: ${a}`);
    }
    expect(moving).toEqual([]);
    await h.page.emulateMedia({ reducedMotion: null });
  });

  it('logged no page errors', () => {
    expect(h.pageErrors).toEqual([]);
  });
});
