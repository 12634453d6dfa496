// The Settings screen end to end (issue 11): the real simulator core with a model service downloading from a
// local HTTP server (tests/llm/file-server.ts), the built renderer in Debian's Chromium. The screen's language
// changes the rail, the status strip and this screen (and survives a reload); the theme changes the page; the
// wake word's settings, the mute, the units and the models' downloads reach the core or stay in the page.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelsEvent } from '../../common/contract.js';
import { createSimulatedAssistant, type SimulatedAssistant } from '../../main/core/compose.js';
import { rendererDir } from '../../main/core/paths.js';
import { ModelService } from '../../main/llm/model-service.js';
import { startSimServer, type SimServer } from '../../main/simulator/server.js';
import { findChromium, launchChromium, warnSkipped, type LaunchedBrowser } from '../support/chromium.js';
import { fakeGguf, FileServer } from '../llm/file-server.js';

const WAIT_MS = 10_000;
const GiB = 1024 ** 3;
const shotsDir = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));

const executablePath = findChromium();
if (!executablePath) warnSkipped('tests/e2e/screen-settings.test.ts');

(executablePath ? describe : describe.skip)('the Settings screen in Chromium', () => {
  const files = new FileServer();
  const gguf = fakeGguf(3 * 1024 * 1024 + 123);
  let dir: string;
  let service: ModelService;
  let sim: SimulatedAssistant;
  let server: SimServer;
  let browser: LaunchedBrowser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const llm = (id: string, name: string, path: string, sha256: string, minMemoryBytes = GiB) => ({
    id,
    name,
    url: files.url(path),
    file: `${id}.gguf`,
    bytes: gguf.data.byteLength,
    sha256,
    license: 'MIT',
    parameters: '1M',
    quantization: 'F32',
    contextLength: 512,
    minMemoryBytes,
  });

  /** Evaluated in the page (the tests' TypeScript has no DOM types). */
  const inPage = <T>(expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;
  const stored = (key: string): Promise<string | null> => inPage<string | null>(`localStorage.getItem(${JSON.stringify(key)})`);
  // A locator, not waitForFunction: a polled string would be eval'd, which the page's CSP forbids.
  const themeIs = (theme: string) => page.locator(`html[data-theme="${theme}"]`).waitFor({ state: 'attached' });
  const modelsNow = (): ModelsEvent | undefined => sim.assistant.initialEvents().find((e): e is ModelsEvent => e.type === 'models');
  const settings = () => page.getByTestId('screen-settings');
  const choice = (group: string, value: string) => page.getByTestId(group).locator(`[data-value="${value}"]`);
  const row = (id: string) => page.locator(`[data-testid="settings-model"][data-model="${id}"]`);

  async function openSettings(): Promise<void> {
    await page.getByTestId('nav-settings').click();
    await settings().waitFor();
  }

  beforeAll(async () => {
    const renderer = rendererDir();
    if (!existsSync(join(renderer, 'index.html'))) throw new Error(`${join(renderer, 'index.html')} is missing: run \`npm run build\` first.`);
    await files.start();
    // Slow enough to see the progress bar; the broken one fails its checksum; the voice model stalls half way.
    files.routes.set('/tiny.gguf', { data: gguf.data, chunkBytes: 256 * 1024, chunkDelayMs: 60 });
    files.routes.set('/broken.gguf', { data: gguf.data });
    files.routes.set('/voice.zip', { data: Buffer.alloc(2 * 1024 * 1024, 7), stallAfter: 900 * 1024 });
    dir = mkdtempSync(join(tmpdir(), 'kemudi-settings-e2e-'));
    const manifest = join(dir, 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        schema: 1,
        default: { policy: 'largest-that-fits', budgetFraction: 0.5 },
        models: [
          llm('tiny-llm', 'Tiny Qwen 0.5B', '/tiny.gguf', gguf.sha256),
          llm('broken-llm', 'Broken Llama 1B', '/broken.gguf', '0'.repeat(64), 6 * GiB),
          { kind: 'voice', id: 'vosk-small-id', name: 'Vosk small Indonesian', url: files.url('/voice.zip'), file: 'vosk-small-id.zip', bytes: 2 * 1024 * 1024, sha256: null, license: 'Apache-2.0', lang: 'id' },
        ],
      }),
    );
    service = new ModelService({ env: { KEMUDI_DATA_DIR: join(dir, 'data'), KEMUDI_MODELS_MANIFEST: manifest }, totalMemBytes: 8 * GiB, progressMs: 100 });
    sim = createSimulatedAssistant({ database: ':memory:', models: service });
    // No wake word: the microphone stays closed.
    sim.voice.update({ wakeEngine: 'off' });
    server = await startSimServer({ assistant: sim.assistant, port: 0, rendererDir: renderer, trackFile: (id) => sim.library.get(id)?.path ?? null });
    browser = await launchChromium(executablePath!);
    context = browser.context;
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()} (${message.location().url})`);
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.url);
    await inPage('localStorage.clear()');
    await page.reload();
    await page.getByTestId('status-headlights').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await service?.close();
    sim?.close();
    await files.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('switches the screen language to Indonesian and Chinese and back, the rail and the status strip too, and keeps it across a reload', async () => {
    await openSettings();
    expect(await settings().getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    expect(await page.getByTestId('status-headlights').textContent()).toBe('Headlights off');

    await choice('settings-ui-lang', 'id').click();
    await settings().getByRole('heading', { name: 'Pengaturan', level: 1 }).waitFor();
    expect(await page.getByTestId('nav-home').textContent()).toBe('Beranda');
    expect(await page.getByTestId('nav-messages').textContent()).toBe('Pesan');
    expect(await page.getByTestId('status-headlights').textContent()).toBe('Lampu utama mati');
    await settings().getByRole('heading', { name: 'Bahasa layar' }).waitFor();
    await settings().getByRole('heading', { name: 'Tema' }).waitFor();
    expect(await inPage<string>('document.documentElement.lang')).toBe('id');
    expect(await choice('settings-ui-lang', 'id').getAttribute('aria-pressed')).toBe('true');
    // The composer and the music bar speak it too.
    expect(await page.getByTestId('composer').locator('.send').textContent()).toBe('Kirim');

    await page.reload();
    await page.getByTestId('nav-settings').filter({ hasText: 'Pengaturan' }).waitFor();
    await openSettings();
    await settings().getByRole('heading', { name: 'Pengaturan', level: 1 }).waitFor();

    await choice('settings-ui-lang', 'zh').click();
    await settings().getByRole('heading', { name: '设置', level: 1 }).waitFor();
    expect(await page.getByTestId('nav-home').textContent()).toBe('主页');
    expect(await page.getByTestId('status-headlights').textContent()).toBe('大灯已关');
    await settings().getByRole('heading', { name: '屏幕语言' }).waitFor();
    expect(await inPage<string>('document.documentElement.lang')).toBe('zh-CN');

    await choice('settings-ui-lang', 'en').click();
    await settings().getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await page.getByTestId('nav-home').textContent()).toBe('Home');
    expect(await page.getByTestId('status-headlights').textContent()).toBe('Headlights off');
    expect(await stored('kemudi.ui.lang')).toBe('en');
  });

  it('lets the speech language follow the screen, or detect it', async () => {
    expect(await choice('settings-speech-lang', 'auto').getAttribute('aria-pressed')).toBe('true');
    await choice('settings-speech-lang', 'screen').click();
    expect(await choice('settings-speech-lang', 'screen').getAttribute('aria-pressed')).toBe('true');
    // The composer's picker shows the language the core will be told.
    expect(await page.locator('#lang').inputValue()).toBe('en');
    await choice('settings-ui-lang', 'id').click();
    expect(await page.locator('#lang').inputValue()).toBe('id');
    await choice('settings-ui-lang', 'en').click();
    await choice('settings-speech-lang', 'zh').click();
    expect(await page.locator('#lang').inputValue()).toBe('zh');
    await choice('settings-speech-lang', 'auto').click();
    expect(await page.locator('#lang').inputValue()).toBe('');
  });

  it('switches the theme: night, day and automatic', async () => {
    await choice('settings-theme', 'night').click();
    await themeIs('night');
    await choice('settings-theme', 'day').click();
    await themeIs('day');
    expect(await stored('kemudi.ui.theme')).toBe('day');
    await choice('settings-theme', 'auto').click();
    expect(await stored('kemudi.ui.theme')).toBe('auto');
    expect(['day', 'night']).toContain(await inPage<string>('document.documentElement.dataset.theme'));
  });

  it('sends the wake word settings to the core: keyword and sensitivity in steps of 0.1', async () => {
    const before = sim.voice.snapshot().settings;
    expect(before.wakeEngine).toBe('off');
    expect(await choice('settings-wake-engine', 'off').getAttribute('aria-pressed')).toBe('true');

    await choice('settings-wake-keyword', 'hey_mycroft').click();
    await expect.poll(() => sim.voice.snapshot().settings.wakeKeyword).toBe('hey_mycroft');
    await page.locator('[data-testid="settings-wake-keyword"] [data-value="hey_mycroft"][aria-pressed="true"]').waitFor();

    const start = sim.voice.snapshot().settings.sensitivity;
    await page.getByTestId('settings-sensitivity-more').click();
    const up = Math.min(1, Math.round((start + 0.1) * 10) / 10);
    await expect.poll(() => sim.voice.snapshot().settings.sensitivity).toBe(up);
    await page.locator(`[data-testid="settings-sensitivity"][data-value="${up}"]`).waitFor();
    await page.getByTestId('settings-sensitivity-less').click();
    await page.getByTestId('settings-sensitivity-less').click();
    const down = Math.max(0, Math.round((up - 0.2) * 10) / 10);
    await expect.poll(() => sim.voice.snapshot().settings.sensitivity).toBe(down);
    expect(sim.voice.snapshot().settings.wakeEngine).toBe('off');
  });

  it('mutes and unmutes Kemudi’s voice, as the composer’s button does', async () => {
    await page.getByTestId('settings-mute').click();
    expect(await page.getByTestId('settings-mute').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('speech-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await stored('kemudi.speech.muted')).toBe('1');
    await page.getByTestId('settings-mute').click();
    expect(await page.getByTestId('speech-toggle').getAttribute('aria-pressed')).toBe('false');
  });

  it('keeps the units in the page', async () => {
    await choice('settings-temperature', 'f').click();
    await choice('settings-distance', 'mi').click();
    expect(JSON.parse((await stored('kemudi.ui.units')) ?? '{}')).toEqual({ temperature: 'f', distance: 'mi' });
    await page.reload();
    await openSettings();
    expect(await choice('settings-distance', 'mi').getAttribute('aria-pressed')).toBe('true');
    await choice('settings-temperature', 'c').click();
    await choice('settings-distance', 'km').click();
  });

  it('downloads a model through the core with a progress bar, shows a failure in words, and cancels a download', async () => {
    await row('tiny-llm').waitFor();
    expect(await row('tiny-llm').getByTestId('settings-model-status').textContent()).toBe('Not installed');
    expect(await row('tiny-llm').textContent()).toContain('Recommended');

    await row('tiny-llm').getByTestId('settings-model-download').click();
    // Progress, then installed — in the core's own state too.
    await row('tiny-llm').getByTestId('settings-model-progress').waitFor();
    expect(await row('tiny-llm').getByTestId('settings-model-status').textContent()).toMatch(/^(Downloading \d+%|Checking the file…)$/);
    await page.locator('[data-testid="settings-model"][data-model="tiny-llm"][data-installed="true"]').waitFor({ timeout: 20_000 });
    expect(await row('tiny-llm').getByTestId('settings-model-status').textContent()).toBe('Installed');
    expect(await row('tiny-llm').getByTestId('settings-model-download').count()).toBe(0);
    expect(modelsNow()?.models.find((m) => m.id === 'tiny-llm')?.installed).toBe(true);

    await row('broken-llm').getByTestId('settings-model-download').click();
    await page.locator('[data-testid="settings-model"][data-model="broken-llm"][data-state="failed"]').waitFor({ timeout: 20_000 });
    expect(await row('broken-llm').getByTestId('settings-model-status').textContent()).toBe('Failed: the file is damaged (checksum mismatch)');
    expect(modelsNow()?.models.find((m) => m.id === 'broken-llm')?.download?.error?.code).toBe('checksum_mismatch');

    // The voice model stalls part way: a percentage and a Cancel button.
    await row('vosk-small-id').getByTestId('settings-model-download').click();
    await row('vosk-small-id').getByTestId('settings-model-status').filter({ hasText: /Downloading [1-9]\d*%/ }).waitFor();
    await row('vosk-small-id').getByTestId('settings-model-cancel').waitFor();
    expect(modelsNow()?.models.find((m) => m.id === 'vosk-small-id')?.download?.state).toBe('downloading');

    // Failure reasons in the other languages too.
    await choice('settings-ui-lang', 'id').click();
    await row('broken-llm').getByTestId('settings-model-status').filter({ hasText: 'Gagal: berkas rusak (checksum tidak cocok)' }).waitFor();
    await choice('settings-ui-lang', 'zh').click();
    await row('broken-llm').getByTestId('settings-model-status').filter({ hasText: '失败：文件已损坏（校验和不符）' }).waitFor();
    await choice('settings-ui-lang', 'en').click();
  });

  it('takes screenshots at 1280×720 and 1920×720, day and night', async () => {
    mkdirSync(shotsDir, { recursive: true });
    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 720 });
      for (const theme of ['day', 'night'] as const) {
        await choice('settings-theme', theme).click();
        await themeIs(theme);
        await settings().evaluate((element) => element.scrollTo(0, 0));
        await page.screenshot({ path: join(shotsDir, `settings-${width}x720-${theme}.png`) });
      }
    }
    // And scrolled to the models, where the downloads are.
    await row('vosk-small-id').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shotsDir, 'settings-1920x720-night-models.png') });
    await choice('settings-ui-lang', 'zh').click();
    await page.screenshot({ path: join(shotsDir, 'settings-1920x720-night-zh.png') });
    await choice('settings-ui-lang', 'en').click();
    await choice('settings-theme', 'auto').click();
  });

  it('cancels the stalled download through the core', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await row('vosk-small-id').getByTestId('settings-model-cancel').click();
    await expect.poll(() => modelsNow()?.models.find((m) => m.id === 'vosk-small-id')?.download?.state).toBe('cancelled');
    await row('vosk-small-id').getByTestId('settings-model-status').filter({ hasText: 'Download cancelled' }).waitFor();
    await row('vosk-small-id').getByTestId('settings-model-download').waitFor();
  });

  it('had no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
