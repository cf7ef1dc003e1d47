// The engine's progress events: one discriminated union, stamped by the engine (ts, node) and
// consumed by views (TTY, plain, JSON lines) and log writers. A formatter table is a mapped type
// over `kind` (EventTable), so a new kind without a formatter does not compile.

/** How a node ended. */
export type NodeStatus = 'ok' | 'failed' | 'skipped' | 'cancelled';

/** Where a step is at; 'noop' = the step found nothing to do. */
export type StepStatus = 'started' | 'done' | 'noop' | 'failed';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface At {
  /** Epoch milliseconds, from the engine's clock. */
  ts: number;
}

/** The run begins; `nodes` in input order. */
export interface RunStartEvent<K> extends At {
  kind: 'run-start';
  nodes: K[];
}
/** An attempt starts: once per attempt (after a node-retry, again with the next number), not per 'not-yet' re-check. */
export interface NodeStartEvent<K> extends At {
  kind: 'node-start';
  node: K;
  attempt: number;
}
/** A ready node waits for a keyed resource (emitted once per wait). */
export interface NodeBlockedEvent<K> extends At {
  kind: 'node-blocked';
  node: K;
  resource: string;
}
/** A retryable error: the node runs again as `attempt` after `delayMs`. */
export interface NodeRetryEvent<K> extends At {
  kind: 'node-retry';
  node: K;
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  error: string;
}
/** The node said "not yet" (booting, health pending): it runs again after `delayMs`. */
export interface NodeWaitEvent<K> extends At {
  kind: 'node-wait';
  node: K;
  reason: string;
  delayMs: number;
}
/** A step inside a node's run (emitted by the run function through ctx.emit). */
export interface StepEvent<K> extends At {
  kind: 'step';
  node: K;
  step: string;
  status: StepStatus;
  detail?: string;
}
/** A message from a node's run, for logs and (warn/error) for the terminal. */
export interface LogEvent<K> extends At {
  kind: 'log';
  node: K;
  level: LogLevel;
  message: string;
}
/** A node settled. `rootCauses` for skipped nodes: the failed nodes upstream that caused it. */
export interface NodeEndEvent<K> extends At {
  kind: 'node-end';
  node: K;
  status: NodeStatus;
  /** Attempts made (0 when it never started). */
  attempt: number;
  /** Since the node first started (0 when it never started). */
  elapsedMs: number;
  error?: string;
  note?: string;
  rootCauses?: K[];
  /** Why a cancelled node did not (finish its) run. */
  cancelReason?: 'aborted' | 'fail-fast';
}
/** Every node settled. */
export interface RunEndEvent extends At {
  kind: 'run-end';
  elapsedMs: number;
  counts: Record<NodeStatus, number>;
  /** True when the run was aborted (signal) or stopped early (fail-fast). */
  stopped: boolean;
}

export type EngineEvent<K = string | number> = RunStartEvent<K> | NodeStartEvent<K> | NodeBlockedEvent<K> | NodeRetryEvent<K> | NodeWaitEvent<K> | StepEvent<K> | LogEvent<K> | NodeEndEvent<K> | RunEndEvent;

export type EventKind = EngineEvent['kind'];

/** The event of one kind. */
export type EventOf<Kind extends EventKind, K = string | number> = Extract<EngineEvent<K>, { kind: Kind }>;

/** One handler per kind: leaving a kind out is a compile error. */
export type EventTable<R, K = string | number> = { [Kind in EventKind]: (e: EventOf<Kind, K>) => R };

/** dispatch calls the table's handler for `e`'s kind. */
export function dispatch<R, K>(table: EventTable<R, K>, e: EngineEvent<K>): R {
  return (table[e.kind] as (x: EngineEvent<K>) => R)(e);
}

/** What a run function may emit; the engine adds ts and node. */
export type NodeEmit = { kind: 'step'; step: string; status?: StepStatus; detail?: string } | { kind: 'log'; level: LogLevel; message: string };

/** One line for an error, for events (the error object itself stays in the result). */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
}
