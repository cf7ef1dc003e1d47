// The engine's public surface: a generic DAG runner with typed progress events.
export { runDag, NotReadyInTimeError } from './run-dag.js';
export type { NodeContext, NodeResult, RunDagOptions, RunResults, StepOutcome } from './types.js';
export * from './events.js';
export { rootFailures, countOutcomes } from './results.js';
export { placeLimits, type PlaceLimitOptions } from './place-limits.js';
