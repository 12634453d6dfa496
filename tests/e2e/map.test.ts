// The map end to end: the real core and sim server, the built renderer in Debian's Chromium. The core
// does not send roads or routes yet, so the tests inject `map.roads` and `nav` events: through a page on a
// stand-in for the Electron bridge (the head unit's layout), and through the sim server's own WebSocket
// (the simulator's layout). The canvas is checked by its pixels, placed with the renderer's own projection.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Event as KemudiEvent, MapRoadsEvent, NavEvent, StateEvent } from '../../common/contract.js';
import type { Assistant } from '../../main/core/assistant.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { MAP_COLORS, project, viewFor, type View } from '../../renderer/src/state/map.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';

const WAIT_MS = 10_000;
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/map.test.ts');

/** The simulated car's starting point, by the harbour in Monaco. */
const CAR = { lat: 43.7384, lon: 7.4246 };

/** A few roads around the car, one of each class, and one far away (culled). Flat [lat, lon, …]. */
const ROADS: MapRoadsEvent = {
  type: 'map.roads',
  bbox: [43.728, 7.41, 43.75, 7.44],
  attribution: '© OpenStreetMap contributors',
  roads: [
    // A motorway south-east of the car, unnamed (no label over the pixels sampled).
    { cls: 0, points: [43.73, 7.418, 43.736, 7.428, 43.742, 7.438] },
    { cls: 1, name: 'Boulevard Albert 1er', points: [43.7362, 7.412, 43.7362, 7.42, 43.7365, 7.428, 43.7368, 7.436] },
    { cls: 1, name: "Avenue d'Ostende", points: [43.731, 7.431, 43.737, 7.4315, 43.745, 7.432] },
    // Unnamed, so no street name lies over the pixels the test samples.
    { cls: 1, points: [43.7377, 7.4165, 43.7374, 7.4205, 43.7377, 7.4235] },
    { cls: 2, name: 'Avenue de la Costa', points: [43.7384, 7.415, 43.7384, 7.428, 43.742, 7.428, 43.744, 7.432] },
    { cls: 3, points: [43.7395, 7.418, 43.741, 7.418] },
    { cls: 3, points: [43.7405, 7.414, 43.7405, 7.424] },
    { cls: 3, points: [43.733, 7.421, 43.7355, 7.4215] },
    { cls: 0, name: 'Far away', points: [44.5, 8.5, 44.6, 8.6] },
  ],
};

/** East along Avenue de la Costa, left, then north-east: about 1.1 km. */
const ROUTE = [CAR.lat, CAR.lon, 43.7384, 7.428, 43.742, 7.428, 43.744, 7.432];
const NAV: NavEvent = {
  type: 'nav',
  route: {
    destination: 'Grimaldi Forum',
    points: ROUTE,
    remainingM: 1100,
    remainingS: 200,
    next: { text: 'Turn left onto Avenue de la Costa', distanceM: 274, street: 'Avenue de la Costa' },
  },
};

type Rgba = [number, number, number, number];

function hex(color: string): [number, number, number] {
  const value = Number.parseInt(color.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}
const near = (pixel: Rgba, color: string, tolerance = 12) => hex(color).every((channel, i) => Math.abs(channel - (pixel[i] ?? -999)) <= tolerance);

/** The map's view as the page drew it: its zoom and centre (data attributes) and the canvas's CSS size. */
async function drawnView(page: Page): Promise<View & { ratio: number }> {
  const canvas = page.getByTestId('map-canvas');
  const zoom = Number(await canvas.getAttribute('data-zoom'));
  const [lat, lon] = (await canvas.getAttribute('data-center'))!.split(',').map(Number);
  // (Strings: this file is typed for Node, not the DOM.)
  const size = (await page.evaluate(
    `(() => { const c = document.querySelector('[data-testid="map-canvas"]'); const r = c.getBoundingClientRect(); return { width: r.width, height: r.height, ratio: c.width / r.width }; })()`,
  )) as { width: number; height: number; ratio: number };
  return { ...viewFor({ lat: lat!, lon: lon! }, zoom, size), ratio: size.ratio };
}

/** The canvas's pixels at CSS positions (scaled to device pixels), read back with getImageData. */
async function pixels(page: Page, points: Array<[number, number]>): Promise<Rgba[]> {
  return (await page.evaluate(
    `(() => { const c = document.querySelector('[data-testid="map-canvas"]'); const k = c.width / c.getBoundingClientRect().width; const ctx = c.getContext('2d');
      return ${JSON.stringify(points)}.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data)); })()`,
  )) as Rgba[];
}

/** Points along a flat [lat, lon, …] line, at the given fractions of each segment, in CSS pixels. */
function along(points: readonly number[], view: View, fractions: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 3 < points.length; i += 2) {
    const [x0, y0] = project(points[i]!, points[i + 1]!, view);
    const [x1, y1] = project(points[i + 2]!, points[i + 3]!, view);
    for (const f of fractions) out.push([x0 + (x1 - x0) * f, y0 + (y1 - y0) * f]);
  }
  return out.filter(([x, y]) => x > 2 && y > 2 && x < view.width - 2 && y < view.height - 2);
}

(executablePath ? describe : describe.skip)('the map in Chromium', () => {
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Listeners of the sim server's sockets, so the test can send map events down the real WebSocket. */
  const sockets = new Set<(event: KemudiEvent) => void>();

  function watch(target: Page, name: string): void {
    target.on('pageerror', (error) => pageErrors.push(`${name} pageerror: ${error.message}`));
    target.on('console', (message) => {
      // The test's own getImageData readbacks draw Chromium's advice to set willReadFrequently: not the app's.
      if (message.type() === 'warning' && message.text().includes('willReadFrequently')) return;
      if (message.type() === 'error' || message.type() === 'warning') pageErrors.push(`${name} console ${message.type()}: ${message.text()} (${message.location().url})`);
    });
  }

  /** A page on a stand-in for main/preload's window.kemudi (as the car's window has), at the car's
   *  1280×720: the test pushes events with window.kemudiEmit. */
  async function bridgedPage(): Promise<Page> {
    const bridged = await browser.context.newPage();
    await bridged.addInitScript({
      content: `window.kemudi = {
          send() { return Promise.resolve({ ok: true, value: undefined }); },
          onEvent(listener) { window.kemudiEmit = listener; return () => { window.kemudiEmit = undefined; }; },
        };`,
    });
    watch(bridged, 'bridged');
    await bridged.goto(server.url);
    return bridged;
  }

  const emit = (target: Page, event: KemudiEvent) => target.evaluate(`window.kemudiEmit(${JSON.stringify(event)})`);
  const parked = (): StateEvent => ({ ...sim.assistant.snapshot(), dialogue: 'idle' });

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) {
      throw new Error(`${join(renderer, 'index.html')} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`);
    }
    sim = createSimulatedAssistant({ database: ':memory:' });
    // The real assistant, with a tap beside its listeners: what the tap sends goes through the real
    // server, socket, schema check and store, as the core's own map events will.
    const tapped = {
      on(listener: (event: KemudiEvent) => void) {
        sockets.add(listener);
        const off = sim.assistant.on(listener);
        return () => {
          sockets.delete(listener);
          off();
        };
      },
      initialEvents: () => sim.assistant.initialEvents(),
      handle: (command: Parameters<Assistant['handle']>[0]) => sim.assistant.handle(command),
    };
    server = await startSimServer({ assistant: tapped as unknown as Assistant, port: 0, rendererDir: renderer });
    browser = await launchChromium(executablePath!);
    browser.context.setDefaultTimeout(WAIT_MS);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    watch(page, 'simulator');
    await page.goto(server.url);
    mkdirSync(resultsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    sim?.close();
  });

  it('centres on the car from the core, and says when it has no roads yet', async () => {
    const canvas = page.getByTestId('map-canvas');
    await page.getByTestId('status-connection').filter({ hasText: 'Simulator' }).waitFor();
    await expect.poll(() => canvas.getAttribute('data-center'), { timeout: WAIT_MS }).toBe(`${CAR.lat},${CAR.lon}`);
    expect(await canvas.getAttribute('data-orientation')).toBe('north-up');
    await page.getByTestId('map-empty').filter({ hasText: 'No map data' }).waitFor();
    // The default: about 1.5 km across.
    expect(Number(await canvas.getAttribute('data-metres-across'))).toBeCloseTo(1500, -2);
    expect(await page.getByTestId('map-guidance').count()).toBe(0);
  });

  it('draws roads, route, guidance and attribution in the head unit layout, and zooms by touch', async () => {
    const car = await bridgedPage();
    await emit(car, parked());
    await emit(car, ROADS);
    await emit(car, NAV);

    // The next instruction in large type, what is left, and the data's attribution.
    await car.getByTestId('map-next-text').filter({ hasText: 'Turn left onto Avenue de la Costa' }).waitFor();
    expect(await car.getByTestId('map-next-distance').textContent()).toBe('270 m');
    expect(await car.getByTestId('map-remaining').textContent()).toBe('1.1 km · 3 min · Grimaldi Forum');
    const attribution = car.getByTestId('map-attribution');
    expect(await attribution.textContent()).toBe('© OpenStreetMap contributors');
    expect(await attribution.isVisible()).toBe(true);
    expect(await car.getByTestId('map-empty').count()).toBe(0);
    const distanceSize = await car.getByTestId('map-next-distance').evaluate((element) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(element).fontSize);
    expect(Number.parseFloat(distanceSize)).toBeGreaterThanOrEqual(36);

    await car.screenshot({ path: join(resultsDir, 'map.png') });

    // Roads are drawn where the projection puts them, not in the background colour; the route in the accent.
    let view = await drawnView(car);
    // Whole device pixels over fractional CSS ones: within a pixel of 1.
    expect(view.ratio).toBeCloseTo(1, 2);
    const motorway = along(ROADS.roads[0]!.points, view, [0.25, 0.75]);
    const primary = along(ROADS.roads[3]!.points, view, [0.3, 0.7]);
    expect(motorway.length).toBeGreaterThan(0);
    expect(primary.length).toBeGreaterThan(0);
    await expect.poll(async () => (await pixels(car, motorway)).every((p) => near(p, MAP_COLORS.roads[0])), { timeout: WAIT_MS }).toBe(true);
    for (const pixel of await pixels(car, primary)) expect(near(pixel, MAP_COLORS.roads[1])).toBe(true);
    for (const pixel of await pixels(car, along(ROADS.roads[6]!.points, view, [0.5]))) expect(near(pixel, MAP_COLORS.background, 3)).toBe(false);
    // The route's segments away from the car and the pin: the accent along (nearly) all of them.
    const route = along(ROUTE, view, [0.3, 0.45, 0.6, 0.75]);
    const routePixels = await pixels(car, route);
    expect(routePixels.filter((p) => near(p, MAP_COLORS.route)).length).toBeGreaterThanOrEqual(Math.ceil(route.length * 0.75));
    // The car, in its own colour at the centre.
    expect(near((await pixels(car, [[view.width / 2, view.height / 2]]))[0]!, MAP_COLORS.car, 20)).toBe(true);

    // The head unit's screen holds the map, the conversation, the music bar and the composer, none over another.
    const boxes = await Promise.all([car.getByTestId('map'), car.getByRole('log', { name: 'Conversation' }), car.getByTestId('media-bar'), car.locator('footer.composer')].map((l) => l.boundingBox()));
    const [mapBox, talkBox, mediaBox, composerBox] = boxes.map((b) => b!);
    for (const box of boxes) {
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(720.5);
    }
    expect(mapBox!.width).toBeGreaterThanOrEqual(600);
    expect(mapBox!.height).toBeGreaterThanOrEqual(300);
    expect(talkBox!.x).toBeGreaterThanOrEqual(mapBox!.x + mapBox!.width - 0.5);
    expect(talkBox!.width).toBeGreaterThanOrEqual(400);
    expect(mediaBox!.y).toBeGreaterThanOrEqual(mapBox!.y + mapBox!.height - 0.5);
    expect(composerBox!.y).toBeGreaterThanOrEqual(mediaBox!.y + mediaBox!.height - 0.5);

    // Zoom: large touch targets; each step doubles or halves the scale, and the roads follow.
    const zoomIn = car.getByRole('button', { name: 'Zoom in' });
    const zoomOut = car.getByRole('button', { name: 'Zoom out' });
    for (const button of [zoomIn, zoomOut]) {
      const box = await button.boundingBox();
      expect(box!.width).toBeGreaterThanOrEqual(76);
      expect(box!.height).toBeGreaterThanOrEqual(76);
    }
    const canvas = car.getByTestId('map-canvas');
    const across = Number(await canvas.getAttribute('data-metres-across'));
    await zoomIn.click();
    await expect.poll(async () => Number(await canvas.getAttribute('data-zoom')), { timeout: WAIT_MS }).toBeCloseTo(view.zoom + 1, 3);
    expect(Number(await canvas.getAttribute('data-metres-across'))).toBeCloseTo(across / 2, -1);
    expect(await canvas.getAttribute('aria-label')).toMatch(/^Map, north up, \d+ m across$/);
    view = await drawnView(car);
    const closer = along(ROADS.roads[3]!.points, view, [0.4, 0.6]);
    expect(closer.length).toBeGreaterThan(0);
    await expect.poll(async () => (await pixels(car, closer)).every((p) => near(p, MAP_COLORS.roads[1])), { timeout: WAIT_MS }).toBe(true);
    await zoomOut.click();
    await zoomOut.click();
    await expect.poll(async () => Number(await canvas.getAttribute('data-metres-across')), { timeout: WAIT_MS }).toBeCloseTo(across * 2, -1);
    await car.screenshot({ path: join(resultsDir, 'map-zoomed-out.png') });

    // The route ends: the guidance goes, the map stays.
    await emit(car, { type: 'nav', route: null });
    await car.getByTestId('map-guidance').waitFor({ state: 'detached' });
    expect(await attribution.isVisible()).toBe(true);
    await car.close();
  });

  it('draws at the device pixel ratio, and follows a resize', async () => {
    const car = await bridgedPage();
    const cdp = await browser.context.newCDPSession(car);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 720, deviceScaleFactor: 2, mobile: false });
    // (Headless Chromium's emulated pixel ratio fires no resize; a real display change does. Load at 2×.)
    await car.reload();
    await emit(car, parked());
    await emit(car, ROADS);
    const canvas = car.getByTestId('map-canvas');
    await expect.poll(async () => (await drawnView(car)).ratio, { timeout: WAIT_MS }).toBeCloseTo(2, 2);
    const view = await drawnView(car);
    const motorway = along(ROADS.roads[0]!.points, view, [0.25, 0.75]);
    await expect.poll(async () => (await pixels(car, motorway)).every((p) => near(p, MAP_COLORS.roads[0])), { timeout: WAIT_MS }).toBe(true);

    // A narrow screen: the map goes on top of the conversation, and is drawn again at its new size.
    const before = await canvas.boundingBox();
    await cdp.send('Emulation.clearDeviceMetricsOverride');
    await car.setViewportSize({ width: 800, height: 900 });
    await expect.poll(async () => (await canvas.boundingBox())!.width, { timeout: WAIT_MS }).not.toBe(before!.width);
    const ratio = (await car.evaluate('devicePixelRatio')) as number;
    await expect.poll(async () => (await drawnView(car)).ratio, { timeout: WAIT_MS }).toBeCloseTo(ratio, 2);
    const mapBox = (await car.getByTestId('map').boundingBox())!;
    const talkBox = (await car.getByRole('log', { name: 'Conversation' }).boundingBox())!;
    expect(talkBox.y).toBeGreaterThanOrEqual(mapBox.y + mapBox.height - 0.5);
    const narrow = await drawnView(car);
    const again = along(ROADS.roads[0]!.points, narrow, [0.25, 0.75]);
    await expect.poll(async () => (await pixels(car, again)).every((p) => near(p, MAP_COLORS.roads[0])), { timeout: WAIT_MS }).toBe(true);
    await car.screenshot({ path: join(resultsDir, 'map-narrow.png') });
    await cdp.detach();
    await car.close();
  });

  it('takes map events from the sim server, beside the conversation and the simulator panel', async () => {
    for (const listener of sockets) {
      listener(ROADS);
      listener(NAV);
    }
    await page.getByTestId('map-next-text').filter({ hasText: 'Turn left onto Avenue de la Costa' }).waitFor();
    await page.getByTestId('map-attribution').filter({ hasText: '© OpenStreetMap contributors' }).waitFor();
    const view = await drawnView(page);
    const route = along(ROUTE, view, [0.3, 0.45, 0.6, 0.75]);
    await expect.poll(async () => (await pixels(page, route)).filter((p) => near(p, MAP_COLORS.route)).length, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(Math.ceil(route.length * 0.75));

    const [mapBox, talkBox, mediaBox, composerBox, panelBox] = await Promise.all(
      [page.getByTestId('map'), page.getByRole('log', { name: 'Conversation' }), page.getByTestId('media-bar'), page.locator('footer.composer'), page.getByRole('complementary', { name: 'Simulator' })].map((l) => l.boundingBox()),
    );
    expect(panelBox!.x).toBeGreaterThanOrEqual(talkBox!.x + talkBox!.width - 0.5);
    expect(panelBox!.x).toBeGreaterThanOrEqual(composerBox!.x + composerBox!.width - 0.5);
    expect(talkBox!.width).toBeGreaterThanOrEqual(300);
    expect(mapBox!.height).toBeGreaterThanOrEqual(250);
    expect(mediaBox!.y + mediaBox!.height).toBeLessThanOrEqual(composerBox!.y + 0.5);
    expect(composerBox!.y + composerBox!.height).toBeLessThanOrEqual(720.5);

    // The conversation still works beside the map.
    await page.getByLabel('Type what you would say').fill('turn on the headlights');
    await page.getByLabel('Type what you would say').press('Enter');
    await page.getByTestId('response-text').filter({ hasText: 'Headlights on.' }).waitFor();
    await page.screenshot({ path: join(resultsDir, 'map-sim.png') });
  });

  it('logged no page errors, warnings or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
