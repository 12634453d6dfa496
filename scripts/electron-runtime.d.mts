// Types for scripts/electron-runtime.mjs, so the TypeScript tests can import it.
export function electronRuntimePath(root: string, env?: NodeJS.ProcessEnv): string | null;
export function electronVersion(root: string): string | null;
export function electronNativeDir(root: string, version: string, platform?: string, arch?: string): string;
export function sqliteBindingPath(nativeDir: string): string;
