// What `npm run dist` (scripts/dist.mjs) decides before electron-builder runs, kept apart so that a test can
// check it without building anything: the effective configuration (electron-builder.yml plus the overrides the
// build flags ask for), and whether the hosts electron-builder downloads from can be reached at all.
//   KEMUDI_LLM_GPU=cuda | vulkan | cuda,vulkan   ship node-llama-cpp's GPU builds too (default: CPU only)
//   KEMUDI_AUTOSTART=1                            the deb also installs an XDG autostart entry (kiosk mode)
//   KEMUDI_DIST_PROBE_URL=<url>                   probe this address instead of the download hosts (tests)
//   KEMUDI_DIST_SKIP_PROBE=1                      no probe (electron-builder's caches already hold everything)
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

export const CONFIG_FILE = 'electron-builder.yml';
export const PROBE_TIMEOUT_MS = 3000;

/** The `files` exclusions that keep node-llama-cpp's GPU builds out; KEMUDI_LLM_GPU drops the ones it names. */
export const GPU_EXCLUSIONS = Object.freeze({
  cuda: '!node_modules/@node-llama-cpp/*-cuda*{,/**/*}',
  vulkan: '!node_modules/@node-llama-cpp/*-vulkan*{,/**/*}',
});

/** The kiosk variant's autostart entry: this file, installed by the deb at that path. */
export const AUTOSTART_SOURCE = 'build/linux/kemudi-kiosk.desktop';
export const AUTOSTART_TARGET = '/etc/xdg/autostart/kemudi-kiosk.desktop';

/** A build flag with a value we do not understand: dist.mjs says so and stops. */
export class DistConfigError extends Error {}

/** electron-builder.yml, parsed. */
export function readBuilderConfig(root) {
  return parse(readFileSync(join(root, CONFIG_FILE), 'utf8'));
}

/** The GPU builds KEMUDI_LLM_GPU asks for: [] (unset, empty or "none"), or some of "cuda" and "vulkan". */
export function gpuVariants(env = process.env) {
  const value = (env.KEMUDI_LLM_GPU ?? '').trim().toLowerCase();
  if (value === '' || value === 'none' || value === 'cpu') return [];
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !Object.hasOwn(GPU_EXCLUSIONS, name));
  if (unknown.length > 0) {
    throw new DistConfigError(`KEMUDI_LLM_GPU=${env.KEMUDI_LLM_GPU} names no GPU build we know (${unknown.join(', ')}); use cuda, vulkan or cuda,vulkan.`);
  }
  return [...new Set(names)].sort();
}

/** Whether KEMUDI_AUTOSTART asks for the kiosk deb: "1" yes; unset, empty or "0" no; anything else is an error. */
export function autostartRequested(env = process.env) {
  const value = (env.KEMUDI_AUTOSTART ?? '').trim();
  if (value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new DistConfigError(`KEMUDI_AUTOSTART=${env.KEMUDI_AUTOSTART}: use 1 (kiosk deb with autostart) or leave it unset.`);
}

/** The configuration electron-builder gets: a copy of `base` (electron-builder.yml) with the flags applied, and a
 *  line per flag for the log. `root` makes the autostart file's path absolute (fpm runs elsewhere). */
export function distConfig(base, env = process.env, root = process.cwd()) {
  const config = structuredClone(base);
  const notes = [];

  const gpu = gpuVariants(env);
  if (gpu.length > 0) {
    const drop = new Set(gpu.map((name) => GPU_EXCLUSIONS[name]));
    const missing = [...drop].filter((pattern) => !(config.files ?? []).includes(pattern));
    if (missing.length > 0) throw new DistConfigError(`${CONFIG_FILE} no longer has ${missing.join(' and ')} in files; update scripts/dist-config.mjs.`);
    config.files = config.files.filter((pattern) => !drop.has(pattern));
    notes.push(`KEMUDI_LLM_GPU: node-llama-cpp's ${gpu.join(' and ')} builds are included.`);
  }

  if (autostartRequested(env)) {
    const source = join(root, AUTOSTART_SOURCE);
    if (!existsSync(source)) throw new DistConfigError(`KEMUDI_AUTOSTART=1 needs ${AUTOSTART_SOURCE}, which is missing.`);
    // fpm (which builds the deb) takes extra files as source=destination arguments. The kiosk deb gets its own
    // file name, so that it is never mistaken for the plain one; both install the same package, kemudi.
    config.deb = {
      ...config.deb,
      fpm: [...(config.deb?.fpm ?? []), `${source}=${AUTOSTART_TARGET}`],
      artifactName: '${productName}-kiosk-${version}-${arch}.${ext}',
    };
    notes.push(`KEMUDI_AUTOSTART: the deb installs ${AUTOSTART_TARGET} (Kemudi starts with --kiosk when the session starts).`);
  }
  return { config, notes };
}

/** electron-builder's command-line script, or null when electron-builder is not installed. */
export function electronBuilderCli(root) {
  const pkgFile = join(root, 'node_modules', 'electron-builder', 'package.json');
  if (!existsSync(pkgFile)) return null;
  const { bin } = JSON.parse(readFileSync(pkgFile, 'utf8'));
  return join(root, 'node_modules', 'electron-builder', typeof bin === 'string' ? bin : bin['electron-builder']);
}

const firstSet = (env, names) => names.map((name) => env[name]?.trim()).find(Boolean);

/** What electron-builder will download and from where, resolved as electron-builder and @electron/get resolve it
 *  (the same environment variables, in the same order). KEMUDI_DIST_PROBE_URL replaces every address. */
export function probeTargets(env = process.env, config = {}) {
  const targets = [];
  if (!config.electronDist) {
    targets.push({
      what: "Electron's runtime",
      mirrorVar: 'ELECTRON_MIRROR',
      url:
        firstSet(env, ['npm_config_electron_mirror', 'NPM_CONFIG_ELECTRON_MIRROR', 'npm_package_config_electron_mirror', 'ELECTRON_MIRROR']) ??
        config.electronDownload?.mirror ??
        'https://github.com/electron/electron/releases/download/',
    });
  }
  targets.push({
    what: 'its packaging tools (fpm, appimagetool)',
    mirrorVar: 'ELECTRON_BUILDER_BINARIES_MIRROR',
    url:
      firstSet(env, [
        'ELECTRON_BUILDER_BINARIES_DOWNLOAD_OVERRIDE_URL',
        'NPM_CONFIG_ELECTRON_BUILDER_BINARIES_MIRROR',
        'npm_config_electron_builder_binaries_mirror',
        'npm_package_config_electron_builder_binaries_mirror',
        'ELECTRON_BUILDER_BINARIES_MIRROR',
      ]) ?? 'https://github.com/electron-userland/electron-builder-binaries/releases/download/',
  });
  const override = env.KEMUDI_DIST_PROBE_URL?.trim();
  return override ? targets.map((target) => ({ ...target, url: override })) : targets;
}

/** The proxy a request to `url` goes through, as the usual variables say (NO_PROXY honoured by host suffix). */
function proxyFor(url, env) {
  const { protocol, hostname } = new URL(url);
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((entry) => entry.trim().replace(/^\*?\./, '')).filter(Boolean);
  if (noProxy.includes('*') || noProxy.some((entry) => hostname === entry || hostname.endsWith(`.${entry}`))) return null;
  const proxy = protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  return proxy?.trim() ? new URL(proxy.includes('://') ? proxy : `http://${proxy}`) : null;
}

function reasonOf(error, timeoutMs) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError' || error?.code === 'ETIMEDOUT') return `no answer within ${timeoutMs / 1000} s`;
  const code = error?.cause?.code ?? error?.code;
  const words = { ENOTFOUND: 'no such host', EAI_AGAIN: 'name lookup failed', ECONNREFUSED: 'connection refused', ENETUNREACH: 'network unreachable', EHOSTUNREACH: 'host unreachable', ECONNRESET: 'connection reset' };
  return words[code] ?? (code ? String(code) : (error?.cause?.message ?? error?.message ?? String(error)));
}

function tcpProbe(host, port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(null));
    socket.once('error', (error) => done(reasonOf(error, timeoutMs)));
  });
}

/** null when `url` answers (any HTTP status will do: the host is there), else why not, in a few words.
 *  A HEAD request, or, behind a proxy, a connection to the proxy. Never longer than timeoutMs. */
export async function probe(url, { timeoutMs = PROBE_TIMEOUT_MS, env = process.env } = {}) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  const proxy = proxyFor(url, env);
  if (proxy) {
    const reason = await tcpProbe(proxy.hostname, Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80), timeoutMs);
    return reason && `proxy ${proxy.host}: ${reason}`;
  }
  try {
    const response = await fetch(parsed, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return null;
  } catch (error) {
    return reasonOf(error, timeoutMs);
  }
}

/** Probes every target at once; the ones that did not answer, with the reason. */
export async function unreachableTargets(targets, options = {}) {
  const reasons = await Promise.all(targets.map((target) => probe(target.url, options)));
  return targets.flatMap((target, i) => (reasons[i] ? [{ ...target, reason: reasons[i] }] : []));
}

/** What an offline machine is told: the host(s), what electron-builder wanted from them, and what to do. */
export function offlineMessage(failed) {
  const byHost = new Map();
  for (const target of failed) {
    const host = new URL(target.url).host;
    const entry = byHost.get(host) ?? { reason: target.reason, what: [], vars: [] };
    entry.what.push(`${target.what} from ${target.url}`);
    entry.vars.push(target.mirrorVar);
    byHost.set(host, entry);
  }
  const lines = [...byHost].map(
    ([host, { reason, what }]) => `kemudi: \`npm run dist\` needs ${host}, which cannot be reached (${reason}): electron-builder downloads ${what.join(' and ')}.`,
  );
  const vars = [...new Set([...byHost.values()].flatMap((entry) => entry.vars))];
  lines.push(
    `kemudi: nothing was built. Run it on a machine with internet access, or set ${vars.join(' and ')} to mirrors this machine can reach ` +
      "(KEMUDI_DIST_SKIP_PROBE=1 skips this check when electron-builder's caches already hold everything).",
  );
  return `${lines.join('\n')}\n`;
}

/** electron-builder rebuilds better-sqlite3 for Electron in place, inside node_modules; the CLI, the simulator and the
 *  tests need Node's build. Copies it aside now; the function returned puts it back. */
export function keepNodeBuild(root, stash = join(root, '.cache', 'dist', 'better-sqlite3-build')) {
  const build = join(root, 'node_modules', 'better-sqlite3', 'build');
  if (!existsSync(build)) return () => {};
  rmSync(stash, { recursive: true, force: true });
  cpSync(build, stash, { recursive: true });
  return () => {
    rmSync(build, { recursive: true, force: true });
    cpSync(stash, build, { recursive: true });
  };
}
