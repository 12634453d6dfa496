// Electron's main process: one sandboxed window showing the built renderer, the headless core behind IPC.
// Every decision about what the page may do lives in security.ts; this file only applies them.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { createSimulatedAssistant, loadKnowledge, type SimulatedAssistant, type SimulatedAssistantOptions } from '../core/compose.js';
import { LlmService } from '../llm/index.js';
import { installedVoiceModels, voiceModelFiles } from '../llm/models.js';
import { ModelService } from '../llm/model-service.js';
import { logCrashes, openProcessLog, type Logger, type RootLogger } from '../core/log.js';
import { logLlmStatus } from '../core/log-wiring.js';
import { rendererDir } from '../core/paths.js';
import { createEspeak } from '../services/speech/espeak.js';
import { COMMAND_CHANNEL, EVENT_CHANNEL } from './channels.js';
import { mediaResponse, speechProtocolResponse, voiceModelResponse } from './media-protocol.js';
import {
  cspFor,
  createCommandHandler,
  isSpeechUrl,
  kioskRequested,
  MEDIA_SCHEME,
  mediaVoiceId,
  navigationAllowed,
  pageUrl,
  permissionAllowed,
  permissionCheckAllowed,
  requestAllowed,
  trustedSender,
  windowOpenDecision,
  windowOptions,
} from './security.js';

const renderer = rendererDir();
const page = pageUrl(renderer);
const preload = join(dirname(fileURLToPath(import.meta.url)), 'preload.cjs');
let win: BrowserWindow | null = null;
// The process's log (<dataDir>/logs/kemudi.log), opened once the app is ready to start.
let log: RootLogger | null = null;

function fail(message: string): void {
  log?.fatal('app.failed', { message });
  process.stderr.write(`kemudi: ${message}\n`);
  app.exit(1);
}

// Every WebContents, whoever creates it: no new windows, no navigation away, no <webview>.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(windowOpenDecision);
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (!navigationAllowed(url, page)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.enableSandbox();
// The music library's tracks, by id, for the page's audio element (registered before the app is ready).
protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true, corsEnabled: true } }]);
if (!app.requestSingleInstanceLock()) {
  // A head unit shows one Kemudi: a second start focuses the first and leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  // One window; when it is gone, so is the app (on every platform: this is a kiosk, not a document app).
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(start, (error: unknown) => fail(`Electron did not start: ${String(error)}`));
}

function openCore(log: Logger): { core: SimulatedAssistant; llm: LlmService; models: ModelService } | null {
  // better-sqlite3 is built for Node's ABI; Electron needs its own build. scripts/start.mjs makes one and
  // names it in KEMUDI_SQLITE_BINDING.
  const binding = process.env.KEMUDI_SQLITE_BINDING;
  const options: SimulatedAssistantOptions = binding ? { nativeBinding: binding } : {};
  try {
    // The simulated car is the only VehicleBus so far; a real one (KUKSA.val) will be chosen here.
    // The head unit is live: the car's physics and the dialogue's timing follow the wall clock.
    const knowledge = loadKnowledge();
    // The LLM runs in its own process and opens after the window: the car works on templates meanwhile.
    const llmLog = logLlmStatus(log.child('llm'));
    const llm = new LlmService(knowledge.catalog, (state, detail) => {
      llmLog(state, detail);
      core.assistant.setLlmStatus(state, detail);
    });
    // The Settings screen's models and downloads; a language model downloaded there opens at once when none is.
    const models = new ModelService();
    models.onInstalled((model) => {
      if (model.kind === 'llm') void llm.startIfIdle();
    });
    const core = createSimulatedAssistant({ ...options, knowledge, fallback: llm, generator: () => llm.generator(), realtime: true, log, voiceModels: () => installedVoiceModels(), models });
    return { core, llm, models };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(
      /NODE_MODULE_VERSION|better_sqlite3|bindings file/i.test(message)
        ? `better-sqlite3 is not built for Electron (set KEMUDI_SQLITE_BINDING, or run \`npm start\`): ${message}`
        : `the core did not start: ${message}`,
    );
    return null;
  }
}

function start(): void {
  const processLog = openProcessLog();
  log = processLog;
  const stopCrashLog = logCrashes(processLog);
  const opened = openCore(processLog);
  if (!opened) return;
  const { core, llm, models } = opened;
  app.on('will-quit', () => {
    // Downloads stop; their parts are kept, so the next pull resumes them.
    void models.close();
    void llm.close();
    core.close();
    processLog.info('app.quit');
    stopCrashLog();
    processLog.close();
  });

  const ses = session.defaultSession;
  // Speech for languages the system has no voice for, when espeak-ng is installed.
  const espeak = createEspeak({ log: processLog.child('speech') });
  ses.protocol.handle(MEDIA_SCHEME, (request) =>
    isSpeechUrl(request.url)
      ? speechProtocolResponse(request, espeak)
      : mediaVoiceId(request.url) !== null
        ? voiceModelResponse(request, voiceModelFiles())
        : mediaResponse(request, (id) => core.library.get(id)?.path ?? null),
  );
  // Nothing remote and no file outside the renderer build, whatever the page asks for.
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url, renderer) }));
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [cspFor(details.url, renderer)] } }),
  );
  ses.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(
      permissionAllowed(
        {
          permission,
          fromOurWindow: contents.id === win?.webContents.id,
          requestingUrl: details.requestingUrl,
          isMainFrame: details.isMainFrame,
          mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
        },
        page,
      ),
    ),
  );
  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    permissionCheckAllowed({ permission, fromOurWindow: contents !== null && contents.id === win?.webContents.id, requestingOrigin, mediaType: details.mediaType }),
  );

  ipcMain.handle(
    COMMAND_CHANNEL,
    createCommandHandler({
      assistant: core.assistant,
      vehicle: 'simulated',
      trusted: (event) => trustedSender(event, { webContentsId: win?.webContents.id, page }),
    }),
  );

  const window = new BrowserWindow(windowOptions({ preload, kiosk: kioskRequested(process.argv, process.env) }));
  win = window;
  const send = (event: unknown): void => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  };
  const off = core.assistant.on(send);
  // A fresh page (first load, reload after a crash) starts from the current state.
  window.webContents.on('did-finish-load', () => {
    for (const event of core.assistant.initialEvents()) send(event);
  });
  // A crashed page must not leave the driver with a dead screen.
  window.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit' || window.isDestroyed()) return;
    processLog.error('renderer.gone', { reason: details.reason, exitCode: details.exitCode });
    process.stderr.write(`kemudi: the renderer stopped (${details.reason}); reloading\n`);
    window.webContents.reload();
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    off();
    win = null;
  });
  window.loadFile(join(renderer, 'index.html')).catch((error: unknown) => {
    fail(`cannot show the renderer (${page}): run \`npm run build\` (${error instanceof Error ? error.message : String(error)})`);
  });
  void llm.start();
}
