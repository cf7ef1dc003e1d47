// Public surface of the generic graph layer (no guest types here, so engine/ can import it).
// The guest graph is in guests.ts and its renderers in render/; import those directly.
export { Dag, CycleError } from './dag.js';
export { compareKeys, sortKeys } from './compare.js';
export { stronglyConnected } from './tarjan.js';
