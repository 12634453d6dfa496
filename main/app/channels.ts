// The two IPC channels of the contract. Imported by the main process and the preload alike,
// so this file must stay free of imports (the sandboxed preload can load nothing from disk).
export const COMMAND_CHANNEL = 'kemudi:command';
export const EVENT_CHANNEL = 'kemudi:event';
