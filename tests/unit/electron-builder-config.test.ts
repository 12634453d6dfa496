// The packaging configuration, checked offline: electron-builder.yml against electron-builder's own schema, and
// the decisions in it run through electron-builder's own file matchers (what goes into the package, what is
// unpacked from app.asar) for each architecture and build flag; the flags' overrides (scripts/dist-config.mjs);
// and `npm run dist` on a machine that cannot reach the download hosts, pointed at a closed local port.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AUTOSTART_SOURCE,
  AUTOSTART_TARGET,
  DistConfigError,
  GPU_EXCLUSIONS,
  autostartRequested,
  distConfig,
  electronBuilderCli,
  gpuVariants,
  keepNodeBuild,
  offlineMessage,
  probe,
  probeTargets,
  readBuilderConfig,
  type BuilderConfig,
} from '../../scripts/dist-config.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const base = readBuilderConfig(root);

// app-builder-lib is electron-builder's own library: load it from where electron-builder finds it.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const lib = <T>(path: string): T => fromBuilder(`app-builder-lib/${path}`) as T;
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
interface Matcher {
  patterns: string[];
  createFilter(): Filter;
}
type MacroExpander = (pattern: string) => string;
const { validateSchema } = lib<{ validateSchema(schema: unknown, data: unknown, config?: { name?: string }): void }>('out/util/config/schemaValidator.js');
const schema = lib<unknown>('scheme.json');
const { expandMacro } = lib<{ expandMacro(pattern: string, arch: string | null, appInfo: unknown, extra?: Record<string, string>): string }>(
  'out/util/macroExpander.js',
);
// getMainFileMatchers and getNodeModuleFileMatcher are electron-builder's internals (what PlatformPackager calls);
// getFileMatchers is public. Typed here by hand.
const fileMatcher = lib<{
  getFileMatchers(config: BuilderConfig, name: 'asarUnpack', destination: string, options: object): Matcher[] | null;
  getMainFileMatchers(appDir: string, destination: string, macroExpander: MacroExpander, platformOptions: object, packager: object, outDir: string, electronCompile: boolean): Matcher[];
  getNodeModuleFileMatcher(appDir: string, destination: string, macroExpander: MacroExpander, platformOptions: object, packager: object): Matcher;
}>('out/fileMatcher.js');
const { convertIcon, getPngSize } = lib<{
  convertIcon(options: { sources: string[]; fallbackSources: string[]; roots: string[]; format: 'set'; outDir: string }): Promise<{ icons: { file: string; size: number }[]; isFallback: boolean }>;
  getPngSize(file: string): Promise<{ width: number; height: number }>;
}>('out/util/iconConverter.js');

const temps: string[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
afterAll(async () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  for (const socket of sockets) socket.destroy();
  await Promise.all(
    servers.map((server) => {
      (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kemudi-dist-'));
  temps.push(dir);
  return dir;
};

/** The matchers electron-builder makes for one Linux architecture, as PlatformPackager makes them. */
function matchers(config: BuilderConfig, arch: 'x64' | 'arm64') {
  const appInfo = { productName: 'Kemudi', sanitizedProductName: 'Kemudi', version: '0.1.0' };
  const expand: MacroExpander = (pattern) => expandMacro(pattern, arch, appInfo, { os: 'linux', '/*': '{,/**/*}' });
  const destination = '/tmp/kemudi-pack/resources/app';
  const outDir = join(root, config.directories?.output ?? 'dist');
  const platformOptions = config.linux ?? {};
  const info = { projectDir: root, buildResourcesDir: config.directories?.buildResources ?? 'build', isPrepackedAppAsar: false, config, debugLogger: { isEnabled: false } };
  const main = fileMatcher.getMainFileMatchers(root, destination, expand, platformOptions, { info }, outDir, false)[0]!.createFilter();
  const modules = fileMatcher.getNodeModuleFileMatcher(root, destination, expand, platformOptions, info).createFilter();
  const unpack = fileMatcher.getFileMatchers(config, 'asarUnpack', destination, { macroExpander: expand, customBuildOptions: platformOptions, globalOutDir: outDir, defaultSrc: root })![0]!.createFilter();
  const asFile = { isDirectory: () => false };
  const test = (filter: Filter) => (path: string) => filter(join(root, path), asFile);
  return { packed: test(main), packedModule: test(modules), unpacked: test(unpack) };
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema, as it is and with every build flag applied", () => {
    expect(() => validateSchema(schema, structuredClone(base))).not.toThrow();
    const flagged = distConfig(base, { KEMUDI_LLM_GPU: 'cuda,vulkan', KEMUDI_AUTOSTART: '1' }, root).config;
    expect(() => validateSchema(schema, flagged)).not.toThrow();
    // and the validator does catch a mistake
    expect(() => validateSchema(schema, { ...structuredClone(base), asarUnpak: [] })).toThrow(/unknown property 'asarUnpak'/);
    expect(() => validateSchema(schema, { ...structuredClone(base), linux: { ...base.linux, target: [{ target: 'AppImage', arch: ['pdp11'] }] } })).toThrow();
  });

  it('makes an AppImage and a deb, each for x64 and arm64, into release/ (dist/ is our build output)', () => {
    expect(base.appId).toBe('id.kemudi.headunit');
    expect(base.productName).toBe('Kemudi');
    expect(base.linux?.category).toBeTruthy();
    expect(base.linux?.target).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
    expect(base.directories?.output).toBe('release');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('release/');
  });

  it('has an icon electron-builder takes for Linux as it is (no conversion tool to download)', async () => {
    const icon = base.linux?.icon;
    expect(icon).toMatch(/\.png$/);
    const size = await getPngSize(join(root, icon!));
    expect(size.width).toBe(size.height);
    expect(size.width).toBeGreaterThanOrEqual(256);
    const converted = await convertIcon({ sources: [icon!], fallbackSources: [], roots: [join(root, 'build'), root], format: 'set', outDir: tempDir() });
    expect(converted.isFallback).toBe(false);
    expect(converted.icons).toEqual([{ file: join(root, icon!), size: size.width }]);
  });

  it('packs the app, its intents, scenarios and the model manifest, and no model, source or test', () => {
    const { packed } = matchers(base, 'x64');
    for (const path of [
      'package.json',
      'dist/app/main.js',
      'dist/app/preload.cjs',
      'dist/llm-worker.js',
      'dist/nlu/models.json',
      'dist/renderer/index.html',
      'intents/intents.yaml',
      'intents/sentences/zh/vehicle.yaml',
      'intents/training/id.yaml',
      'models/manifest.json',
      'scenarios/address-book.vcf',
    ]) {
      expect(packed(path), path).toBe(true);
    }
    for (const path of [
      'models/qwen2.5-0.5b-instruct-q4_k_m.gguf',
      'models/verified.json',
      'dist/train.js',
      'dist/app/main.js.map',
      'main/app/main.ts',
      'renderer/index.html',
      'tests/unit/electron-builder-config.test.ts',
      'intents/tests/en/media.yaml',
      'build/icon.png',
      'release/linux-unpacked/kemudi',
      '.cache/dist/electron-builder.json',
      'electron-builder.yml',
      'README.md',
    ]) {
      expect(packed(path), path).toBe(false);
    }
  });

  it('asar, with the native addons, node-llama-cpp binaries and the forked LLM worker unpacked as real files', () => {
    expect(base.asar).toBe(true);
    for (const arch of ['x64', 'arm64'] as const) {
      const { unpacked } = matchers(base, arch);
      expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
      expect(unpacked(`node_modules/@node-llama-cpp/linux-${arch}/bins/linux-${arch}/llama-addon.node`)).toBe(true);
      expect(unpacked(`node_modules/@node-llama-cpp/linux-${arch}/bins/linux-${arch}/libllama.so`)).toBe(true);
      expect(unpacked('dist/llm-worker.js')).toBe(true);
      expect(unpacked('dist/app/main.js')).toBe(false);
      expect(unpacked('node_modules/node-llama-cpp/dist/index.js')).toBe(false);
    }
    // electron-builder rebuilds better-sqlite3 for Electron's ABI, from prebuilt binaries where they exist
    expect(base.npmRebuild).toBe(true);
    expect(base.buildDependenciesFromSource).toBe(false);
  });

  it("ships node-llama-cpp's CPU build for the target architecture only, and its GPU builds when KEMUDI_LLM_GPU says so", () => {
    const addon = (pkg: string): string => `node_modules/@node-llama-cpp/${pkg}/bins/${pkg.replace(/-ext$/, '')}/llama-addon.node`;
    const all = ['linux-x64', 'linux-x64-cuda', 'linux-x64-cuda-ext', 'linux-x64-vulkan', 'linux-arm64', 'linux-armv7l', 'mac-arm64-metal', 'win-x64', 'win-x64-cuda'];
    const shipped = (arch: 'x64' | 'arm64', gpu?: string): string[] => {
      const config = distConfig(base, gpu ? { KEMUDI_LLM_GPU: gpu } : {}, root).config;
      const { packedModule } = matchers(config, arch);
      return all.filter((pkg) => packedModule(addon(pkg)));
    };
    expect(shipped('x64')).toEqual(['linux-x64']);
    expect(shipped('arm64')).toEqual(['linux-arm64']);
    expect(shipped('x64', 'cuda')).toEqual(['linux-x64', 'linux-x64-cuda', 'linux-x64-cuda-ext']);
    expect(shipped('x64', 'vulkan')).toEqual(['linux-x64', 'linux-x64-vulkan']);
    expect(shipped('x64', 'cuda,vulkan')).toEqual(['linux-x64', 'linux-x64-cuda', 'linux-x64-cuda-ext', 'linux-x64-vulkan']);
    expect(shipped('arm64', 'cuda,vulkan')).toEqual(['linux-arm64']); // there are no arm64 GPU builds

    const { packedModule } = matchers(base, 'x64');
    expect(packedModule('node_modules/node-llama-cpp/dist/index.js')).toBe(true);
    expect(packedModule('node_modules/node-llama-cpp/llama/gitRelease.bundle')).toBe(false);
    expect(packedModule('node_modules/better-sqlite3/lib/index.js')).toBe(true);
    expect(packedModule('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(packedModule('node_modules/better-sqlite3/build/Release/obj.target/better_sqlite3/src/better_sqlite3.o')).toBe(false);
    expect(packedModule('node_modules/better-sqlite3/build/Release/test_extension.node')).toBe(false);
    expect(packedModule('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    expect(packedModule('node_modules/@reflink/reflink-linux-x64-gnu/reflink.linux-x64-gnu.node')).toBe(true);
    expect(matchers(base, 'arm64').packedModule('node_modules/@reflink/reflink-linux-x64-gnu/reflink.linux-x64-gnu.node')).toBe(false);
  });
});

describe('the build flags (scripts/dist-config.mjs)', () => {
  it('KEMUDI_LLM_GPU drops exactly the exclusion it names, and refuses a name it does not know', () => {
    expect(base.files).toEqual(expect.arrayContaining(Object.values(GPU_EXCLUSIONS)));
    expect(distConfig(base, {}, root)).toEqual({ config: base, notes: [] });
    expect(gpuVariants({ KEMUDI_LLM_GPU: 'none' })).toEqual([]);
    expect(gpuVariants({ KEMUDI_LLM_GPU: ' Vulkan , cuda ' })).toEqual(['cuda', 'vulkan']);
    const cuda = distConfig(base, { KEMUDI_LLM_GPU: 'cuda' }, root);
    expect(cuda.config.files).toEqual(base.files!.filter((pattern) => pattern !== GPU_EXCLUSIONS.cuda));
    expect(cuda.notes).toEqual(["KEMUDI_LLM_GPU: node-llama-cpp's cuda builds are included."]);
    expect(base.files).toContain(GPU_EXCLUSIONS.cuda); // the base is not changed
    expect(() => gpuVariants({ KEMUDI_LLM_GPU: 'rocm' })).toThrow(DistConfigError);
    expect(() => gpuVariants({ KEMUDI_LLM_GPU: 'rocm' })).toThrow('KEMUDI_LLM_GPU=rocm names no GPU build we know (rocm); use cuda, vulkan or cuda,vulkan.');
  });

  it('KEMUDI_AUTOSTART=1 makes the kiosk deb, which installs an XDG autostart entry that starts Kemudi with --kiosk', () => {
    expect(autostartRequested({})).toBe(false);
    expect(autostartRequested({ KEMUDI_AUTOSTART: '0' })).toBe(false);
    expect(() => autostartRequested({ KEMUDI_AUTOSTART: 'yes' })).toThrow(DistConfigError);
    expect(base.deb?.fpm).toBeUndefined();

    const { config, notes } = distConfig(base, { KEMUDI_AUTOSTART: '1' }, root);
    expect(config.deb?.fpm).toEqual([`${join(root, AUTOSTART_SOURCE)}=${AUTOSTART_TARGET}`]);
    expect(AUTOSTART_TARGET).toMatch(/^\/etc\/xdg\/autostart\/[a-z-]+\.desktop$/);
    expect(config.deb?.artifactName).toContain('kiosk');
    expect(config.linux).toEqual(base.linux); // the AppImage is unchanged
    expect(notes).toHaveLength(1);

    const entry = Object.fromEntries(
      readFileSync(join(root, AUTOSTART_SOURCE), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Za-z-]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    // where the deb installs the app: /opt/<productName>/<executableName>
    expect(entry).toMatchObject({ Type: 'Application', Exec: `/opt/${base.productName}/${base.executableName} --kiosk` });
  });

  it('probes the hosts electron-builder downloads from, honouring the same mirror variables', () => {
    expect(probeTargets({}).map((target) => target.url)).toEqual([
      'https://github.com/electron/electron/releases/download/',
      'https://github.com/electron-userland/electron-builder-binaries/releases/download/',
    ]);
    const mirrored = probeTargets({ ELECTRON_MIRROR: 'https://mirror.example/electron/', ELECTRON_BUILDER_BINARIES_MIRROR: 'https://mirror.example/tools/' });
    expect(mirrored.map((target) => target.url)).toEqual(['https://mirror.example/electron/', 'https://mirror.example/tools/']);
    expect(probeTargets({}, { electronDist: '/opt/electron' }).map((target) => target.mirrorVar)).toEqual(['ELECTRON_BUILDER_BINARIES_MIRROR']);
    expect(probeTargets({ KEMUDI_DIST_PROBE_URL: 'http://127.0.0.1:9/' }).map((target) => target.url)).toEqual(['http://127.0.0.1:9/', 'http://127.0.0.1:9/']);
    expect(offlineMessage(probeTargets({}).map((target) => ({ ...target, reason: 'no such host' })))).toBe(
      "kemudi: `npm run dist` needs github.com, which cannot be reached (no such host): electron-builder downloads Electron's runtime from " +
        'https://github.com/electron/electron/releases/download/ and its packaging tools (fpm, appimagetool) from https://github.com/electron-userland/electron-builder-binaries/releases/download/.\n' +
        'kemudi: nothing was built. Run it on a machine with internet access, or set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR to mirrors this machine can reach ' +
        "(KEMUDI_DIST_SKIP_PROBE=1 skips this check when electron-builder's caches already hold everything).\n",
    );
  });

  it('a probe: any HTTP answer means reachable; a refused connection or silence means not', async () => {
    const http = createHttpServer((_, response) => response.writeHead(404).end());
    const silent = createTcpServer((socket) => sockets.push(socket)); // accepts, never answers
    servers.push(http, silent);
    const listen = (server: Server): Promise<number> => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const [httpPort, silentPort, closedPort] = await Promise.all([listen(http), listen(silent), closedLocalPort()]);
    const env = {};
    expect(await probe(`http://127.0.0.1:${httpPort}/releases/`, { env })).toBeNull();
    expect(await probe(`http://127.0.0.1:${closedPort}/`, { env })).toBe('connection refused');
    expect(await probe(`http://127.0.0.1:${silentPort}/`, { env, timeoutMs: 200 })).toBe('no answer within 0.2 s');
    // behind a proxy, the proxy is what must answer
    expect(await probe('https://github.com/', { env: { HTTPS_PROXY: `http://127.0.0.1:${closedPort}` } })).toBe(`proxy 127.0.0.1:${closedPort}: connection refused`);
  });

  it("keeps node_modules' better-sqlite3 built for Node while electron-builder rebuilds it for Electron", () => {
    const fake = tempDir();
    const addon = join(fake, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    mkdirSync(join(addon, '..'), { recursive: true });
    writeFileSync(addon, 'node');
    const restore = keepNodeBuild(fake);
    writeFileSync(addon, 'electron');
    restore();
    expect(readFileSync(addon, 'utf8')).toBe('node');
    expect(electronBuilderCli(fake)).toBeNull();
    expect(electronBuilderCli(root)).toMatch(/electron-builder/);
  });
});

/** A local port nothing listens on (bound, then closed): connecting to it is refused at once. */
async function closedLocalPort(): Promise<number> {
  const server = createTcpServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run dist on a machine that cannot reach the download hosts', () => {
  it('stops at once, before building anything, saying which host and what to do', async () => {
    const port = await closedLocalPort();
    const env: NodeJS.ProcessEnv = { ...process.env, KEMUDI_DIST_PROBE_URL: `http://127.0.0.1:${port}/` };
    for (const name of Object.keys(env)) {
      if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(name) || /ELECTRON_(BUILDER_BINARIES_)?MIRROR$/i.test(name)) delete env[name];
    }
    for (const name of ['KEMUDI_DIST_SKIP_PROBE', 'KEMUDI_LLM_GPU', 'KEMUDI_AUTOSTART', 'ELECTRON_BUILDER_BINARIES_DOWNLOAD_OVERRIDE_URL']) delete env[name];
    const child = spawn(process.execPath, [join(root, 'scripts', 'dist.mjs')], { cwd: root, env, timeout: 20_000 });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));

    expect(code).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `kemudi: \`npm run dist\` needs 127.0.0.1:${port}, which cannot be reached (connection refused): electron-builder downloads Electron's runtime from ` +
        `http://127.0.0.1:${port}/ and its packaging tools (fpm, appimagetool) from http://127.0.0.1:${port}/.`,
    );
    expect(lines[1]).toMatch(/^kemudi: nothing was built\. Run it on a machine with internet access, or set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR/);
    expect(out).not.toContain('built in'); // scripts/build.mjs never ran
  }, 30_000);
});
