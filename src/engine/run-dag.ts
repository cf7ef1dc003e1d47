// The walker: starts each node as soon as everything it depends on succeeded and a slot (plus
// the node's keyed resources) is free. Like Terraform's dag.Walker, a node whose dependency failed
// is skipped as "upstream failed" naming the root causes, so only those are reported as failures.
// Every decision happens synchronously in pump()/settle(), in input order, so runs are repeatable.
import { isAbortError, systemClock } from '../util/sleep.js';
import { KeyedLimits } from '../util/semaphore.js';
import { BACKOFF, neverRetry, nextDelay, policy } from '../util/retry.js';
import { errorText, type EngineEvent, type NodeEmit, type NodeStatus } from './events.js';
import type { NodeResult, RunDagOptions, RunResults, StepOutcome } from './types.js';
import { indexGraph } from './validate.js';

type Phase = 'pending' | 'ready' | 'running' | 'waiting' | 'settled';

interface NodeState {
  phase: Phase;
  waitingOn: number; // dependencies not yet settled
  attempt: number; // 0 until it first starts
  startedAttempt: number; // the last attempt a node-start was emitted for
  startedAt: number;
  firstNotYetAt?: number;
  blockedOn?: string;
  held: readonly string[]; // resource keys taken for the running attempt
  lastError?: unknown;
}

/** Thrown into a node's result when it kept saying "not yet" past notYetTimeoutMs. */
export class NotReadyInTimeError extends Error {
  constructor(
    readonly reason: string,
    readonly waitedMs: number,
  ) {
    super(`still not ready after ${Math.round(waitedMs / 1000)} s: ${reason}`);
    this.name = 'NotReadyInTimeError';
  }
}

const DEFAULT_NOT_YET_TIMEOUT_MS = 15 * 60_000;

/** runDag runs every node of the graph; it resolves (never rejects for a node's failure) with each node's result. */
export function runDag<K>(opts: RunDagOptions<K>): Promise<RunResults<K>> {
  if (!(opts.concurrency >= 1)) throw new RangeError(`runDag: concurrency must be at least 1, got ${opts.concurrency}`);
  const { nodes } = opts;
  const graph = indexGraph(nodes, opts.deps);
  const clock = opts.clock ?? systemClock;
  const retryPolicy = opts.retry ?? policy(BACKOFF.none, neverRetry);
  const notYetTimeout = opts.notYetTimeoutMs ?? DEFAULT_NOT_YET_TIMEOUT_MS;
  const limits = new KeyedLimits(opts.resourceLimits);
  const userSignal = opts.signal ?? new AbortController().signal;
  const waits = new AbortController(); // cuts retry/not-yet waits short when the run stops
  const states: NodeState[] = nodes.map((_, i) => ({ phase: 'pending', waitingOn: graph.deps[i].length, attempt: 0, startedAttempt: 0, startedAt: 0, held: [] }));
  const results: RunResults<K> = new Map();
  const runStart = clock.now();
  let running = 0;
  let settledCount = 0;
  let stopReason: 'aborted' | 'fail-fast' | undefined;
  let finished = false;
  let resolveRun!: (r: RunResults<K>) => void;
  const done = new Promise<RunResults<K>>((r) => (resolveRun = r));

  const emit = (e: EngineEvent<K>): void => {
    try {
      opts.onEvent?.(e);
    } catch (err) {
      queueMicrotask(() => {
        throw err; // a broken view is a bug: surface it, but never leave the walk half-done
      });
    }
  };
  const indexOf = new Map(nodes.map((k, i) => [k, i]));
  const resourcesOf = (i: number): readonly string[] => opts.resources?.(nodes[i]) ?? [];
  const since = (i: number): number => (states[i].attempt ? clock.now() - states[i].startedAt : 0);

  function settle(i: number, result: NodeResult<K>): void {
    const s = states[i];
    if (s.phase === 'settled') return;
    s.phase = 'settled';
    settledCount++;
    results.set(nodes[i], result);
    const end: EngineEvent<K> = {
      kind: 'node-end',
      ts: clock.now(),
      node: nodes[i],
      status: result.status,
      attempt: result.status === 'skipped' ? 0 : result.attempts,
      elapsedMs: result.status === 'skipped' ? 0 : result.elapsedMs,
    };
    if (result.status === 'ok' && result.note !== undefined) end.note = result.note;
    if ((result.status === 'failed' || result.status === 'cancelled') && result.error !== undefined) end.error = errorText(result.error);
    if (result.status === 'skipped') end.rootCauses = result.rootCauses;
    if (result.status === 'cancelled') end.cancelReason = result.reason;
    emit(end);
    for (const d of graph.dependents[i]) if (--states[d].waitingOn === 0 && states[d].phase === 'pending') decide(d);
  }

  // All dependencies of i have settled: ready if they all succeeded, else skipped (or cancelled).
  function decide(i: number): void {
    const causes = new Set<number>();
    let cancelled = false;
    for (const j of graph.deps[i]) {
      const r = results.get(nodes[j])!;
      if (r.status === 'failed') causes.add(j);
      else if (r.status === 'skipped') for (const c of r.rootCauses) causes.add(indexOf.get(c)!);
      else if (r.status === 'cancelled') cancelled = true;
    }
    if (causes.size) settle(i, { status: 'skipped', rootCauses: [...causes].sort((a, b) => a - b).map((c) => nodes[c]) });
    else if (cancelled) settle(i, cancelledResult(i));
    else states[i].phase = 'ready';
  }

  function cancelledResult(i: number, error?: unknown): NodeResult<K> {
    const r: NodeResult<K> = { status: 'cancelled', attempts: states[i].attempt, elapsedMs: since(i), reason: stopReason ?? 'aborted' };
    const e = error ?? states[i].lastError;
    if (e !== undefined) r.error = e;
    return r;
  }

  function pump(): void {
    if (stopReason) return;
    for (let i = 0; i < nodes.length && running < opts.concurrency; i++) {
      const s = states[i];
      if (s.phase !== 'ready') continue;
      const keys = resourcesOf(i);
      const busy = limits.busyKey(keys);
      if (busy !== undefined) {
        if (s.blockedOn !== busy) emit({ kind: 'node-blocked', ts: clock.now(), node: nodes[i], resource: busy });
        s.blockedOn = busy;
        continue;
      }
      limits.tryAcquire(keys);
      s.held = keys;
      start(i);
    }
  }

  function start(i: number): void {
    const s = states[i];
    s.phase = 'running';
    s.blockedOn = undefined;
    running++;
    if (s.attempt === 0) {
      s.attempt = 1;
      s.startedAt = clock.now();
    }
    if (s.startedAttempt < s.attempt) {
      s.startedAttempt = s.attempt;
      emit({ kind: 'node-start', ts: clock.now(), node: nodes[i], attempt: s.attempt });
    }
    const node = nodes[i];
    const nodeEmit = (e: NodeEmit): void => emit(e.kind === 'step' ? { ...e, status: e.status ?? 'started', ts: clock.now(), node } : { ...e, ts: clock.now(), node });
    Promise.resolve()
      .then(() => opts.run(node, { signal: userSignal, attempt: s.attempt, emit: nodeEmit }))
      .then(
        (outcome) => after(i, () => onOutcome(i, outcome ?? { kind: 'ok' })),
        (err) => after(i, () => onError(i, err)),
      );
  }

  // Wraps every callback that changes state: free the slot, decide, start what became startable.
  function after(i: number, handle: () => void): void {
    running--;
    limits.release(states[i].held);
    states[i].held = [];
    handle();
    pump();
    finishIfDone();
  }

  function onOutcome(i: number, outcome: StepOutcome): void {
    const s = states[i];
    if (outcome.kind === 'ok') return settle(i, { status: 'ok', attempts: s.attempt, elapsedMs: since(i), ...(outcome.note !== undefined && { note: outcome.note }) });
    if (stopReason) return settle(i, cancelledResult(i));
    s.firstNotYetAt ??= clock.now();
    const waited = clock.now() - s.firstNotYetAt;
    if (waited + outcome.afterMs > notYetTimeout) {
      return fail(i, new NotReadyInTimeError(outcome.reason, waited), 'not-yet');
    }
    emit({ kind: 'node-wait', ts: clock.now(), node: nodes[i], reason: outcome.reason, delayMs: outcome.afterMs });
    wait(i, outcome.afterMs);
  }

  function onError(i: number, err: unknown): void {
    const s = states[i];
    s.lastError = err;
    // A node that gave up because the run was interrupted did what we asked: cancelled, not failed.
    if (stopReason && isAbortError(err)) return settle(i, cancelledResult(i, err));
    if (classify(err) === 'terminal') return fail(i, err, 'terminal');
    if (stopReason) return settle(i, cancelledResult(i, err));
    const delay = nextDelay(retryPolicy, s.attempt + 1, clock.now() - s.startedAt);
    if (delay === undefined) return fail(i, err, 'retryable');
    s.attempt++;
    emit({ kind: 'node-retry', ts: clock.now(), node: nodes[i], attempt: s.attempt, maxAttempts: retryPolicy.maxAttempts, delayMs: delay, error: errorText(err) });
    wait(i, delay);
  }

  // A classifier that throws must not wedge the walk: treat the error as terminal.
  function classify(err: unknown): 'retryable' | 'terminal' {
    try {
      return retryPolicy.classify(err);
    } catch {
      return 'terminal';
    }
  }

  function fail(i: number, error: unknown, errorClass: 'terminal' | 'retryable' | 'not-yet'): void {
    settle(i, { status: 'failed', attempts: states[i].attempt, elapsedMs: since(i), error, errorClass });
    if (opts.failFast) stop('fail-fast');
  }

  function wait(i: number, ms: number): void {
    states[i].phase = 'waiting';
    clock.sleep(ms, waits.signal).then(
      () => {
        if (states[i].phase !== 'waiting') return;
        states[i].phase = 'ready';
        pump();
        finishIfDone();
      },
      () => {
        settle(i, cancelledResult(i));
        finishIfDone();
      },
    );
  }

  // Stop scheduling: everything not running ends 'cancelled' now; running nodes finish on their own.
  function stop(reason: 'aborted' | 'fail-fast'): void {
    if (stopReason) return;
    stopReason = reason;
    waits.abort();
    for (let i = 0; i < nodes.length; i++) if (states[i].phase !== 'running' && states[i].phase !== 'settled') settle(i, cancelledResult(i));
  }

  function finishIfDone(): void {
    if (finished || settledCount < nodes.length) return;
    finished = true;
    userSignal.removeEventListener('abort', onAbort);
    const counts: Record<NodeStatus, number> = { ok: 0, failed: 0, skipped: 0, cancelled: 0 };
    for (const r of results.values()) counts[r.status]++;
    emit({ kind: 'run-end', ts: clock.now(), elapsedMs: clock.now() - runStart, counts, stopped: stopReason !== undefined });
    resolveRun(new Map(nodes.map((k) => [k, results.get(k)!])));
  }

  const onAbort = (): void => {
    stop('aborted');
    finishIfDone();
  };

  emit({ kind: 'run-start', ts: runStart, nodes: [...nodes] });
  userSignal.addEventListener('abort', onAbort, { once: true });
  if (userSignal.aborted) stop('aborted');
  for (let i = 0; i < nodes.length; i++) if (states[i].phase === 'pending' && states[i].waitingOn === 0) states[i].phase = 'ready';
  pump();
  finishIfDone();
  return done;
}
