// main/app/main.ts wired to a fake Electron (the only mock: this machine has no Electron runtime) and the
// real core: the window gets the secure options, every hook applies security.ts, and IPC drives the car.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Event } from '../../common/contract.js';
import { rendererDir } from '../../main/core/paths.js';
import { APP_CSP, APP_WORKER_CSP, pageUrl } from '../../main/app/security.js';

type Listener = (...args: unknown[]) => unknown;

const fake = vi.hoisted(() => {
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }
  class WebContents extends Emitter {
    static next = 7;
    readonly id = WebContents.next++;
    readonly sent: [string, unknown][] = [];
    openHandler: (() => unknown) | undefined;
    send(channel: string, value: unknown): void {
      this.sent.push([channel, value]);
    }
    setWindowOpenHandler(handler: () => unknown): void {
      this.openHandler = handler;
    }
    reload(): void {}
  }
  class BrowserWindow extends Emitter {
    static readonly all: BrowserWindow[] = [];
    readonly webContents = new WebContents();
    readonly loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.all.push(this);
    }
    loadFile(file: string): Promise<void> {
      this.loaded.push(file);
      return Promise.resolve();
    }
    isDestroyed(): boolean {
      return false;
    }
    show(): void {}
  }
  const app = Object.assign(new Emitter(), {
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => Promise.resolve(),
    quit: vi.fn(),
    exit: vi.fn(),
  });
  const hooks: Record<string, Listener> = {};
  const session = {
    defaultSession: {
      webRequest: {
        onBeforeRequest: (l: Listener) => (hooks.beforeRequest = l),
        onHeadersReceived: (l: Listener) => (hooks.headersReceived = l),
      },
      protocol: { handle: (scheme: string, l: Listener) => (hooks[`protocol:${scheme}`] = l) },
      setPermissionRequestHandler: (l: Listener) => (hooks.permissionRequest = l),
      setPermissionCheckHandler: (l: Listener) => (hooks.permissionCheck = l),
    },
  };
  const ipc = new Map<string, Listener>();
  const ipcMain = { handle: (channel: string, listener: Listener) => ipc.set(channel, listener) };
  const protocol = { registerSchemesAsPrivileged: vi.fn() };
  return { app, BrowserWindow, WebContents, session, hooks, ipc, ipcMain, protocol };
});

vi.mock('electron', () => ({ app: fake.app, BrowserWindow: fake.BrowserWindow, ipcMain: fake.ipcMain, session: fake.session, protocol: fake.protocol }));

const page = pageUrl(rendererDir());
let dataDir = '';
let win: InstanceType<typeof fake.BrowserWindow>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kemudi-app-'));
  vi.stubEnv('KEMUDI_DATA_DIR', dataDir);
  vi.stubEnv('KEMUDI_KIOSK', '1');
  vi.stubEnv('KEMUDI_SQLITE_BINDING', '');
  await import('../../main/app/main.js');
  await vi.waitFor(() => expect(fake.BrowserWindow.all).toHaveLength(1));
  win = fake.BrowserWindow.all[0]!;
});

afterAll(() => {
  fake.app.emit('will-quit'); // closes the core and its database
  vi.unstubAllEnvs();
  rmSync(dataDir, { recursive: true, force: true });
});

const lowBeamOf = (value: unknown): unknown => (value as Event & { type: 'state' }).vehicle['Vehicle.Body.Lights.Beam.Low.IsOn'];

describe('Electron main process (fake Electron, real core)', () => {
  it('turns on the sandbox, takes the single-instance lock, and opens one secure kiosk window on our page', () => {
    expect(fake.app.enableSandbox).toHaveBeenCalled();
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(win.options).toMatchObject({
      kiosk: true,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false },
    });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(win.loaded).toEqual([join(rendererDir(), 'index.html')]);
  });

  it('every WebContents: new windows denied, navigation away and <webview> prevented', () => {
    const contents = new fake.WebContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    const navigate = (name: string, url: string): boolean => {
      const event = { preventDefault: vi.fn() };
      contents.emit(name, event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('will-navigate', 'https://example.com/')).toBe(true);
    expect(navigate('will-redirect', 'https://example.com/')).toBe(true);
    expect(navigate('will-navigate', `${page}#/climate`)).toBe(false);
    expect(navigate('will-attach-webview', 'https://example.com/')).toBe(true);
  });

  it('the session cancels remote requests and serves the CSP', () => {
    const cancel = (url: string): unknown => {
      let answer: unknown;
      fake.hooks.beforeRequest!({ url }, (response: { cancel: boolean }) => (answer = response.cancel));
      return answer;
    };
    expect(cancel('https://example.com/tracker.js')).toBe(true);
    expect(cancel(page)).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.hooks.headersReceived!({ url: page, responseHeaders: { 'X-Other': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [APP_CSP] });
    // Worker scripts get their own policy (vosk-browser's glue needs 'unsafe-eval'; the page never does).
    const worker = new URL('workers/recognizer-worker-x1.js', page).href;
    fake.hooks.headersReceived!({ url: worker, responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [APP_WORKER_CSP] });
  });

  it('the microphone is granted to our window only', () => {
    const ask = (contents: { id: number }, permission: string, mediaTypes: string[]): unknown => {
      let granted: unknown;
      fake.hooks.permissionRequest!(contents, permission, (g: boolean) => (granted = g), { requestingUrl: page, isMainFrame: true, mediaTypes });
      return granted;
    };
    expect(ask(win.webContents, 'media', ['audio'])).toBe(true);
    expect(ask(win.webContents, 'media', ['video'])).toBe(false);
    expect(ask(win.webContents, 'geolocation', [])).toBe(false);
    expect(ask(new fake.WebContents(), 'media', ['audio'])).toBe(false);
    expect(fake.hooks.permissionCheck!(win.webContents, 'media', 'file:///', { mediaType: 'audio' })).toBe(true);
    expect(fake.hooks.permissionCheck!(null, 'media', 'file:///', { mediaType: 'audio' })).toBe(false);
  });

  it('a loaded page gets the current state at once, with the simulator and phone views', () => {
    const before = win.webContents.sent.length;
    win.webContents.emit('did-finish-load');
    const sent = win.webContents.sent.slice(before);
    expect(sent.every(([channel]) => channel === 'kemudi:event')).toBe(true);
    expect(sent[0]?.[1]).toMatchObject({ type: 'state', dialogue: 'idle' });
    expect(sent.map(([, event]) => (event as Event).type)).toEqual(expect.arrayContaining(['state', 'sim', 'call']));
  });

  it('kemudi:command from our page drives the car, and the events reach the window', async () => {
    const handle = fake.ipc.get('kemudi:command')!;
    const fromPage = { sender: win.webContents, senderFrame: { url: page, parent: null } };
    await expect(handle(fromPage, { type: 'utterance', text: 'turn on the headlights', source: 'text' })).resolves.toEqual({ ok: true, value: undefined });
    const events = win.webContents.sent.filter(([channel]) => channel === 'kemudi:event').map(([, event]) => event as Event);
    expect(events.some((e) => e.type === 'response')).toBe(true);
    expect(lowBeamOf(events.filter((e) => e.type === 'state').at(-1))).toBe(true);
  });

  it('plays music by voice and serves its file to the page through kemudi-media, whole and by range', async () => {
    const handle = fake.ipc.get('kemudi:command')!;
    const fromPage = { sender: win.webContents, senderFrame: { url: page, parent: null } };
    await expect(handle(fromPage, { type: 'utterance', text: 'play some jazz', source: 'text' })).resolves.toEqual({ ok: true, value: undefined });
    const media = win.webContents.sent.map(([, event]) => event as Event).filter((e) => e.type === 'media').at(-1);
    expect(media).toMatchObject({ type: 'media', status: 'playing', track: { genre: 'Jazz' } });
    const id = (media as Event & { type: 'media' }).track?.id as number;
    const url = `kemudi-media://tracks/${id}`;
    // The session lets the page fetch it, and only by id.
    const allowed = (u: string): boolean => {
      let decision: { cancel: boolean } = { cancel: true };
      fake.hooks.beforeRequest?.({ url: u }, (d: { cancel: boolean }) => (decision = d));
      return !decision.cancel;
    };
    expect(allowed(url)).toBe(true);
    expect(allowed('kemudi-media://tracks/../../etc/passwd')).toBe(false);
    const respond = fake.hooks['protocol:kemudi-media'] as (r: { url: string; headers: Headers }) => Response;
    const whole = respond({ url, headers: new Headers() });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(bytes.length).toBe(Number(whole.headers.get('content-length')));
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe('RIFF');
    const part = respond({ url, headers: new Headers({ range: 'bytes=4-11' }) });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(4, 12));
    expect(respond({ url, headers: new Headers({ range: `bytes=${bytes.length}-` }) }).status).toBe(416);
    expect(respond({ url: 'kemudi-media://tracks/999999', headers: new Headers() }).status).toBe(404);
  });

  it('serves speech from espeak-ng through kemudi-media://speech, for languages the page has no voice for', async () => {
    const url = `kemudi-media://speech?lang=id&text=${encodeURIComponent('Lampu jauh dinyalakan.')}`;
    let cancelled: unknown;
    fake.hooks.beforeRequest!({ url }, (response: { cancel: boolean }) => (cancelled = response.cancel));
    expect(cancelled).toBe(false);
    const respond = fake.hooks['protocol:kemudi-media'] as (r: { url: string; headers: Headers }) => Response | Promise<Response>;
    const answer = await respond({ url, headers: new Headers() });
    // Without espeak-ng on this machine, a clear 503 (tests/unit/speech-espeak.test.ts covers both cases).
    if (answer.status === 503) expect(await answer.text()).toMatch(/espeak-ng/);
    else {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('audio/wav');
      expect(new TextDecoder().decode(new Uint8Array(await answer.arrayBuffer()).slice(0, 4))).toBe('RIFF');
    }
    expect((await respond({ url: 'kemudi-media://speech?lang=xx&text=Hi', headers: new Headers() })).status).toBe(400);
  });

  it('kemudi:command from anywhere else is refused with a typed error', async () => {
    const handle = fake.ipc.get('kemudi:command')!;
    const before = win.webContents.sent.length;
    const foreign = { sender: new fake.WebContents(), senderFrame: { url: page, parent: null } };
    await expect(handle(foreign, { type: 'utterance', text: 'turn off the headlights', source: 'text' })).resolves.toMatchObject({ ok: false, error: { code: 'not_allowed' } });
    await expect(handle({ sender: win.webContents, senderFrame: { url: page, parent: null } }, '{"type":"wake"}')).resolves.toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(win.webContents.sent.length).toBe(before);
  });
});
