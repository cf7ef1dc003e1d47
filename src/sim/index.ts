// The Proxmox host simulator: the state engine, the pct/qm front-ends and host administration.
export { runSim, type SimOptions, type SimResult } from './frontend/run.js';
export { defaultSimStateDir, initState, openState } from './state/host.js';
export { addBridge, addHostFile, addNode, addStorage, addTemplate, moveGuest, resetState, summary, type HostSummary } from './state/admin.js';
export { writeShims, simCliPath } from './shims.js';
export { simPaths } from './state/paths.js';
