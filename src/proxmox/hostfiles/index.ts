export type { HostFiles, HostFileOp } from './types.js';
export { firewallPath, guestConfDir, lxcConfPath } from './types.js';
export { fsHostFiles } from './fs.js';
export { readRawLxc, replaceRawLxc, uniqueEntries } from './lxc-raw.js';
