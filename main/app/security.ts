// The Electron shell's security decisions as pure functions: window options, what may load, where the
// page may navigate, which permissions it gets, who may send commands. No runtime import of electron,
// so the unit tests check exactly what main.ts applies.
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';
import { type Command, decodeCommand, isSimulatorCommand } from '../../common/contract.js';
import { err, ok, type Result } from '../../common/result.js';
import type { Assistant } from '../core/assistant.js';

/** The renderer's policy inside Electron. Like the simulator's SIM_CSP, but with no WebSocket:
 *  here the core is reached over IPC, so the page may connect to nothing at all. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: kemudi-media:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Our Web Workers' scripts (the build's `workers/` folder): vosk-browser's glue needs 'unsafe-eval' (it builds
 *  functions with `new Function`). A dedicated worker gets its script's own policy and a blob: worker it
 *  starts inherits it, so the page keeps APP_CSP. The worker fetches voice models through kemudi-media:. */
export const APP_WORKER_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self' kemudi-media:",
].join('; ');

/** The policy for a response: APP_WORKER_CSP for the recognizer worker's script (the one that needs eval),
 *  else APP_CSP — the wake-word worker and the capture worklet run under the page's own policy. */
/** The recognizer worker's bundle (Vite names it `workers/recognizer-worker-<hash>.js`): vosk-browser's
 *  Emscripten glue needs `new Function`, so it alone gets the eval-allowing policy. */
export function isEvalWorker(path: string): boolean {
  return /^\/?workers\/recognizer-worker-[A-Za-z0-9_-]+\.js$/.test(path);
}

export function cspFor(url: string, rendererDir: string): string {
  try {
    const u = new URL(url);
    if (u.protocol !== 'file:') return APP_CSP;
    const rel = relative(rendererDir, fileURLToPath(u)).split(sep).join('/');
    return isEvalWorker(rel) ? APP_WORKER_CSP : APP_CSP;
  } catch {
    return APP_CSP;
  }
}

/** The voice model id in `kemudi-media://voice/<id>` (a manifest id, never a path), or null. */
export function mediaVoiceId(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const match = u.protocol === `${MEDIA_SCHEME}:` && u.host === 'voice' ? /^\/([a-z0-9][a-z0-9._-]{0,99})$/.exec(u.pathname) : null;
  return match?.[1] && !match[1].includes('..') ? match[1] : null;
}

/** The music library's tracks reach the page through this scheme, by id only (never by path). */
export const MEDIA_SCHEME = 'kemudi-media';

/** The track id in `kemudi-media://tracks/<id>`, or null for anything else. */
export function mediaTrackId(url: string): number | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const match = u.protocol === `${MEDIA_SCHEME}:` && u.host === 'tracks' ? /^\/([1-9]\d{0,9})$/.exec(u.pathname) : null;
  return match ? Number(match[1]) : null;
}

/** Whether `url` is `kemudi-media://speech?…`: speech from espeak-ng (main/services/speech). */
export function isSpeechUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${MEDIA_SCHEME}:` && u.host === 'speech' && (u.pathname === '/' || u.pathname === '');
  } catch {
    return false;
  }
}

/** The file URL of the built renderer's page: the only page this shell shows. */
export function pageUrl(rendererDir: string): string {
  return pathToFileURL(join(rendererDir, 'index.html')).href;
}

/** True when `url` is our page (any query or fragment: the UI may route by hash). */
export function isOurPage(url: string, page: string): boolean {
  try {
    const u = new URL(url);
    const p = new URL(page);
    return u.protocol === 'file:' && u.host === p.host && u.pathname === p.pathname;
  } catch {
    return false;
  }
}

/** `will-navigate` / `will-redirect`: the window never leaves our page. */
export const navigationAllowed = isOurPage;

/** Every request the session makes: files inside the renderer build, and data:, blob: and devtools:.
 *  Nothing remote, and no file elsewhere on the disk. */
export function requestAllowed(url: string, rendererDir: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:') return true;
  if (u.protocol === `${MEDIA_SCHEME}:`) return mediaTrackId(url) !== null || isSpeechUrl(url) || mediaVoiceId(url) !== null;
  if (u.protocol !== 'file:') return false;
  try {
    const rel = relative(rendererDir, fileURLToPath(u));
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  } catch {
    return false; // file://host/… and other paths that are no local file
  }
}

/** `setWindowOpenHandler`: no new windows, ever. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

export function kioskRequested(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--kiosk') || env.KEMUDI_KIOSK === '1';
}

export function windowOptions(options: { preload: string; kiosk: boolean }): BrowserWindowConstructorOptions {
  const { preload, kiosk } = options;
  return {
    title: 'Kemudi',
    width: 1280,
    height: 720,
    minWidth: 800,
    minHeight: 480,
    show: false, // shown on ready-to-show, so the driver never sees a blank frame
    backgroundColor: '#000000',
    autoHideMenuBar: true,
    kiosk,
    fullscreen: kiosk,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: !kiosk, // a head unit in kiosk mode offers no way into the page
      // "Play some jazz" said by voice must play with no tap on the screen.
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}

export interface PermissionAsk {
  permission: string;
  /** The asking WebContents is our window's. */
  fromOurWindow: boolean;
  requestingUrl: string;
  isMainFrame: boolean;
  mediaTypes?: readonly string[] | undefined;
}

/** `setPermissionRequestHandler`: the microphone for our own page, nothing else (no camera, no screen). */
export function permissionAllowed(ask: PermissionAsk, page: string): boolean {
  const types = ask.mediaTypes ?? [];
  return (
    ask.permission === 'media' &&
    ask.fromOurWindow &&
    ask.isMainFrame &&
    isOurPage(ask.requestingUrl, page) &&
    types.length > 0 &&
    types.every((t) => t === 'audio')
  );
}

/** `setPermissionCheckHandler` (navigator.permissions, device lists): the same rule. The check only
 *  gets an origin, and every file: page shares one, so the window decides. */
export function permissionCheckAllowed(check: { permission: string; fromOurWindow: boolean; requestingOrigin: string; mediaType?: string | undefined }): boolean {
  return check.permission === 'media' && check.fromOurWindow && check.requestingOrigin.startsWith('file:') && check.mediaType === 'audio';
}

/** What drives the car behind this shell. Only the simulated car exists so far. */
export type VehicleKind = 'simulated' | 'real';

/** The one place that decides which commands this shell accepts: sim.* only with the simulated car. */
export function commandAllowed(command: Command, vehicle: VehicleKind): Result<void> {
  if (isSimulatorCommand(command) && vehicle !== 'simulated') return err('not_allowed', `${command.type} works only with the simulated car`);
  return ok(undefined);
}

/** The parts of IpcMainInvokeEvent the sender check reads. */
export interface IpcSender {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** A command counts only from our window's top frame showing our page: not from another WebContents,
 *  not from a subframe, not after the page was somehow navigated elsewhere. */
export function trustedSender(event: IpcSender, expected: { webContentsId: number | undefined; page: string }): boolean {
  const frame = event.senderFrame;
  return (
    expected.webContentsId !== undefined &&
    event.sender.id === expected.webContentsId &&
    frame !== null &&
    frame.parent === null &&
    isOurPage(frame.url, expected.page)
  );
}

export type CommandHandler = (event: IpcSender, raw: unknown) => Promise<Result<void>>;

/** `ipcMain.handle('kemudi:command', …)`: checks the sender, decodes, applies commandAllowed, runs the
 *  command in the core. Always resolves with a Result; nothing thrown crosses the IPC boundary. */
export function createCommandHandler(options: {
  assistant: Pick<Assistant, 'handle'>;
  vehicle: VehicleKind;
  trusted: (event: IpcSender) => boolean;
}): CommandHandler {
  return async (event, raw) => {
    try {
      if (!options.trusted(event)) return err('not_allowed', 'commands are accepted only from the Kemudi window');
      const decoded = decodeCommand(raw);
      if (!decoded.ok) return err(decoded.error.code, decoded.error.message);
      const allowed = commandAllowed(decoded.value, options.vehicle);
      if (!allowed.ok) return allowed;
      return await options.assistant.handle(decoded.value);
    } catch (error) {
      return err('internal', error instanceof Error ? error.message : String(error));
    }
  };
}
