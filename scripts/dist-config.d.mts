// Types for scripts/dist-config.mjs, so the TypeScript tests can import it.

/** The parts of electron-builder's configuration that Kemudi's scripts and tests read; the rest passes through. */
export interface BuilderConfig {
  appId?: string;
  productName?: string;
  executableName?: string;
  directories?: { output?: string; buildResources?: string };
  asar?: boolean;
  asarUnpack?: string[];
  files?: string[];
  npmRebuild?: boolean;
  buildDependenciesFromSource?: boolean;
  electronDist?: string;
  electronDownload?: { mirror?: string };
  linux?: { target?: unknown; category?: string; icon?: string; [key: string]: unknown };
  deb?: { fpm?: string[]; artifactName?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ProbeTarget {
  what: string;
  mirrorVar: string;
  url: string;
}

export const CONFIG_FILE: string;
export const PROBE_TIMEOUT_MS: number;
export const GPU_EXCLUSIONS: Readonly<{ cuda: string; vulkan: string }>;
export const AUTOSTART_SOURCE: string;
export const AUTOSTART_TARGET: string;
export class DistConfigError extends Error {}

export function readBuilderConfig(root: string): BuilderConfig;
export function gpuVariants(env?: NodeJS.ProcessEnv): Array<'cuda' | 'vulkan'>;
export function autostartRequested(env?: NodeJS.ProcessEnv): boolean;
export function distConfig(base: BuilderConfig, env?: NodeJS.ProcessEnv, root?: string): { config: BuilderConfig; notes: string[] };
export function electronBuilderCli(root: string): string | null;
export function probeTargets(env?: NodeJS.ProcessEnv, config?: BuilderConfig): ProbeTarget[];
export function probe(url: string, options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string | null>;
export function unreachableTargets(targets: ProbeTarget[], options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<Array<ProbeTarget & { reason: string }>>;
export function offlineMessage(failed: Array<ProbeTarget & { reason: string }>): string;
export function keepNodeBuild(root: string, stash?: string): () => void;
