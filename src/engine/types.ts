// The engine's contract: what a caller hands runDag and what it gets back. Generic in the node
// key K (a guest id for Phoenix, but the engine never knows that).
import type { Clock } from '../util/sleep.js';
import type { LimitOf } from '../util/semaphore.js';
import type { ErrorClass, RetryPolicy } from '../util/retry.js';
import type { EngineEvent, NodeEmit } from './events.js';

/**
 * What one run of a node reports. Resolving with nothing means ok. 'not-yet' means "look again
 * after afterMs" (controller-runtime's RequeueAfter): not an error and not counted as an attempt.
 * Errors are thrown, and the policy's classify decides retryable or terminal.
 */
export type StepOutcome = { kind: 'ok'; note?: string } | { kind: 'not-yet'; afterMs: number; reason: string };

export interface NodeContext {
  /**
   * Aborts when the run is interrupted. Cooperate: stop at the next safe point (between steps);
   * do not kill a Proxmox task half-way.
   */
  signal: AbortSignal;
  /** 1 on the first run, +1 per retry after an error ('not-yet' re-runs keep the number). */
  attempt: number;
  /** Report a step or a log line; the engine stamps time and node. */
  emit: (e: NodeEmit) => void;
}

export interface RunDagOptions<K> {
  /** Every node, in the order ready nodes should start (ties go to the earlier one). */
  nodes: readonly K[];
  /** What `k` depends on (must be in `nodes`); `k` starts only after all of them succeeded. */
  deps: (k: K) => readonly K[];
  run: (k: K, ctx: NodeContext) => Promise<StepOutcome | void>;
  /** Nodes running at once (at least 1). */
  concurrency: number;
  /** Keyed resources a node holds while running, e.g. 'storage:local-lvm', 'clone-source:900'. */
  resources?: (k: K) => readonly string[];
  /** Holders per resource key at once; keys left out of a record are unlimited. */
  resourceLimits?: LimitOf;
  /** Retries of thrown errors. Default: none (every error terminal). */
  retry?: RetryPolicy;
  /** How long a node may keep saying 'not-yet' (since its first 'not-yet') before it fails. Default 15 min. */
  notYetTimeoutMs?: number;
  /** Interrupt: stop scheduling, running nodes see it on ctx.signal, the rest end 'cancelled'. */
  signal?: AbortSignal;
  /** On the first terminal failure, start nothing more (running nodes finish). */
  failFast?: boolean;
  onEvent?: (e: EngineEvent<K>) => void;
  clock?: Clock;
}

export type NodeResult<K> =
  | { status: 'ok'; attempts: number; elapsedMs: number; note?: string }
  | {
      status: 'failed';
      attempts: number;
      elapsedMs: number;
      error: unknown;
      /** 'retryable' when retries were used up, 'not-yet' when the node never became ready in time. */
      errorClass: ErrorClass | 'not-yet';
    }
  /** Not run because something upstream failed; rootCauses are those failed nodes. */
  | { status: 'skipped'; rootCauses: K[] }
  /**
   * Stopped by the signal or fail-fast: never started (attempts 0), or started and then
   * interrupted while waiting to retry or cooperating with the signal.
   */
  | { status: 'cancelled'; attempts: number; elapsedMs: number; reason: 'aborted' | 'fail-fast'; error?: unknown };

export type RunResults<K> = Map<K, NodeResult<K>>;
