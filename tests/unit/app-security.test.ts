// The Electron shell's security decisions (main/app/security.ts), checked without Electron, and its
// command handler driving a real core.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import {
  APP_CSP,
  commandAllowed,
  createCommandHandler,
  type IpcSender,
  isOurPage,
  kioskRequested,
  navigationAllowed,
  pageUrl,
  permissionAllowed,
  permissionCheckAllowed,
  requestAllowed,
  trustedSender,
  windowOpenDecision,
  windowOptions,
} from '../../main/app/security.js';

const renderer = join('/opt', 'kemudi', 'dist', 'renderer');
const page = pageUrl(renderer);

describe('window options', () => {
  it('isolate and sandbox the page, with no Node in it', () => {
    const prefs = windowOptions({ preload: '/opt/kemudi/dist/app/preload.cjs', kiosk: false }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/opt/kemudi/dist/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('kiosk mode is full screen without devtools; otherwise a normal window', () => {
    expect(windowOptions({ preload: 'p', kiosk: true })).toMatchObject({ kiosk: true, fullscreen: true, webPreferences: { devTools: false } });
    expect(windowOptions({ preload: 'p', kiosk: false })).toMatchObject({ kiosk: false, fullscreen: false });
  });

  it('kiosk comes from --kiosk or KEMUDI_KIOSK=1', () => {
    expect(kioskRequested(['electron', 'main.js', '--kiosk'], {})).toBe(true);
    expect(kioskRequested(['electron', 'main.js'], { KEMUDI_KIOSK: '1' })).toBe(true);
    expect(kioskRequested(['electron', 'main.js'], { KEMUDI_KIOSK: '0' })).toBe(false);
    expect(kioskRequested(['electron', 'main.js'], {})).toBe(false);
  });
});

describe('navigation and loading', () => {
  it('the page is the renderer build index.html as a file URL', () => {
    expect(page).toBe(pathToFileURL(join(renderer, 'index.html')).href);
  });

  it('allows our page only (any hash or query), never a remote or other local page', () => {
    expect(navigationAllowed(page, page)).toBe(true);
    expect(navigationAllowed(`${page}#/climate`, page)).toBe(true);
    expect(navigationAllowed(`${page}?screen=media`, page)).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      pathToFileURL('/etc/passwd').href,
      pathToFileURL(join(renderer, 'other.html')).href,
      'file://evil-host/opt/kemudi/dist/renderer/index.html',
      'data:text/html,<h1>hi</h1>',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(navigationAllowed(url, page), url).toBe(false);
    }
    expect(isOurPage(page, 'not a url')).toBe(false);
  });

  it('requests: files inside the renderer build, data:, blob: and devtools:; nothing remote or elsewhere on disk', () => {
    expect(requestAllowed(pathToFileURL(join(renderer, 'assets', 'index-abc.js')).href, renderer)).toBe(true);
    expect(requestAllowed(page, renderer)).toBe(true);
    expect(requestAllowed('data:image/png;base64,AAAA', renderer)).toBe(true);
    expect(requestAllowed('blob:file:///0b6f-11', renderer)).toBe(true);
    expect(requestAllowed('devtools://devtools/bundled/inspector.html', renderer)).toBe(true);
    for (const url of [
      'https://cdn.example.com/lib.js',
      'http://127.0.0.1:8080/x.js',
      'ws://127.0.0.1:8080/ws',
      pathToFileURL('/etc/passwd').href,
      `file://${renderer}/../../secret.txt`,
      pathToFileURL(`${renderer}-evil/x.js`).href,
      'file://evil-host/share/x.js',
      'garbage',
    ]) {
      expect(requestAllowed(url, renderer), url).toBe(false);
    }
  });

  it('new windows are always denied', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('the CSP allows nothing remote, no eval (only WebAssembly) and no sockets', () => {
    const directives = new Map(APP_CSP.split('; ').map((d) => [d.split(' ')[0], d] as const));
    expect(directives.get('default-src')).toBe("default-src 'self'");
    expect(directives.get('script-src')).toBe("script-src 'self' 'wasm-unsafe-eval'");
    expect(directives.get('connect-src')).toBe("connect-src 'self'");
    expect(directives.get('object-src')).toBe("object-src 'none'");
    expect(APP_CSP).not.toMatch(/unsafe-inline|'unsafe-eval'|https?:|ws:|\*/);
  });
});

describe('permissions', () => {
  const mic = { permission: 'media', fromOurWindow: true, requestingUrl: page, isMainFrame: true, mediaTypes: ['audio'] };

  it('grants the microphone to our page', () => {
    expect(permissionAllowed(mic, page)).toBe(true);
  });

  it.each([
    ['the camera', { mediaTypes: ['video'] }],
    ['camera and microphone together', { mediaTypes: ['audio', 'video'] }],
    ['media with no device named', { mediaTypes: [] }],
    ['media with no details', { mediaTypes: undefined }],
    ['another permission', { permission: 'geolocation' }],
    ['notifications', { permission: 'notifications' }],
    ['screen capture', { permission: 'display-capture' }],
    ['another WebContents', { fromOurWindow: false }],
    ['a subframe', { isMainFrame: false }],
    ['another page', { requestingUrl: 'https://example.com/' }],
    ['another local file', { requestingUrl: pathToFileURL('/tmp/x.html').href }],
  ])('denies %s', (_name, change) => {
    expect(permissionAllowed({ ...mic, ...change }, page)).toBe(false);
  });

  it('permission checks follow the same rule', () => {
    const check = { permission: 'media', fromOurWindow: true, requestingOrigin: 'file:///', mediaType: 'audio' };
    expect(permissionCheckAllowed(check)).toBe(true);
    expect(permissionCheckAllowed({ ...check, mediaType: 'video' })).toBe(false);
    expect(permissionCheckAllowed({ ...check, permission: 'geolocation' })).toBe(false);
    expect(permissionCheckAllowed({ ...check, fromOurWindow: false })).toBe(false);
    expect(permissionCheckAllowed({ ...check, requestingOrigin: 'https://example.com' })).toBe(false);
  });
});

describe('IPC: who may send commands', () => {
  const ours = (over: Partial<IpcSender> = {}): IpcSender => ({ sender: { id: 3 }, senderFrame: { url: page, parent: null }, ...over });
  const expected = { webContentsId: 3, page };

  it('trusts our window top frame showing our page', () => {
    expect(trustedSender(ours(), expected)).toBe(true);
    expect(trustedSender(ours({ senderFrame: { url: `${page}#/media`, parent: null } }), expected)).toBe(true);
  });

  it('refuses other WebContents, subframes, other pages, a gone frame, and a window not open yet', () => {
    expect(trustedSender(ours({ sender: { id: 4 } }), expected)).toBe(false);
    expect(trustedSender(ours({ senderFrame: { url: page, parent: {} } }), expected)).toBe(false);
    expect(trustedSender(ours({ senderFrame: { url: 'https://example.com/', parent: null } }), expected)).toBe(false);
    expect(trustedSender(ours({ senderFrame: null }), expected)).toBe(false);
    expect(trustedSender(ours(), { webContentsId: undefined, page })).toBe(false);
  });

  it('sim.* commands are allowed with the simulated car and refused with a real one', () => {
    const sim: Command = { type: 'sim.reset' };
    const wake: Command = { type: 'wake' };
    expect(commandAllowed(sim, 'simulated')).toEqual({ ok: true, value: undefined });
    expect(commandAllowed(wake, 'real')).toEqual({ ok: true, value: undefined });
    expect(commandAllowed(sim, 'real')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
  });
});

describe('IPC: the command handler with a real core', () => {
  let sim: SimulatedAssistant | undefined;
  afterEach(() => sim?.close());

  const setup = (vehicle: 'simulated' | 'real' = 'simulated') => {
    sim = createSimulatedAssistant({ database: ':memory:' });
    const expected = { webContentsId: 1, page };
    const handler = createCommandHandler({ assistant: sim.assistant, vehicle, trusted: (event) => trustedSender(event, expected) });
    const ours: IpcSender = { sender: { id: 1 }, senderFrame: { url: page, parent: null } };
    return { sim, handler, ours };
  };
  const lowBeam = 'Vehicle.Body.Lights.Beam.Low.IsOn' as const;

  it('a valid utterance from our window reaches the core and the lights come on', async () => {
    const { sim, handler, ours } = setup();
    const events: string[] = [];
    sim.assistant.on((event) => events.push(event.type));
    expect(sim.vehicle.get(lowBeam)).toBe(false);
    const result = await handler(ours, { type: 'utterance', text: 'turn on the headlights', source: 'text' });
    expect(result).toEqual({ ok: true, value: undefined });
    expect(sim.vehicle.get(lowBeam)).toBe(true);
    expect(events).toContain('response');
  });

  it('a command from a foreign sender is refused with a typed error and never runs', async () => {
    const { sim, handler } = setup();
    const foreign: IpcSender = { sender: { id: 2 }, senderFrame: { url: 'https://example.com/', parent: null } };
    const result = await handler(foreign, { type: 'utterance', text: 'turn on the headlights', source: 'text' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(sim.vehicle.get(lowBeam)).toBe(false);
  });

  it.each([
    ['a string', 'turn on the headlights'],
    ['JSON text', '{"type":"wake"}'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an unknown type', { type: 'reboot' }],
    ['an extra field', { type: 'wake', admin: true }],
    ['an array', [{ type: 'wake' }]],
    ['an utterance far too long', { type: 'utterance', text: 'a'.repeat(5000), source: 'text' }],
  ])('garbage (%s) comes back as a typed error, not a throw', async (_name, raw) => {
    const { sim, handler, ours } = setup();
    const result = await handler(ours, raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(['invalid_message', 'bad_json']).toContain(result.error.code);
      expect(result.error.message).toEqual(expect.any(String));
    }
    expect(sim.vehicle.get(lowBeam)).toBe(false);
  });

  it('sim.set works in this shell, which runs the simulated car', async () => {
    const { sim, handler, ours } = setup();
    const result = await handler(ours, { type: 'sim.set', signals: { 'Vehicle.Speed': 90 } });
    expect(result).toEqual({ ok: true, value: undefined });
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(90);
  });

  it('sim.* is refused by the one decision when the car is real', async () => {
    const { sim, handler, ours } = setup('real');
    const result = await handler(ours, { type: 'sim.set', signals: { 'Vehicle.Speed': 90 } });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    expect(sim.vehicle.get('Vehicle.Speed')).toBe(0);
  });

  it('a core that throws still answers with a Result', async () => {
    const handler = createCommandHandler({
      assistant: { handle: () => Promise.reject(new Error('boom')) },
      vehicle: 'simulated',
      trusted: () => true,
    });
    await expect(handler({ sender: { id: 1 }, senderFrame: null }, { type: 'wake' })).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('a sender check that throws (a frame already gone) is an error Result too', async () => {
    const handler = createCommandHandler({
      assistant: { handle: () => Promise.resolve({ ok: true, value: undefined }) },
      vehicle: 'simulated',
      trusted: () => {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    });
    await expect(handler({ sender: { id: 1 }, senderFrame: null }, { type: 'wake' })).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
