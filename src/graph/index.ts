// Public surface of the graph layer.
export { Dag, CycleError } from './dag.js';
export { compareKeys, sortKeys } from './compare.js';
