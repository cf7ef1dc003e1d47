// One retry module. An error is either retryable (someone holds a lock right now: try again later)
// or terminal (bad input, permission denied: trying again cannot help). Which is which is decided
// by named predicates the caller passes in (Proxmox's live in proxmox/errors.ts); this module only
// knows how long to wait and when to give up. "Not yet" (a task still running, a guest booting) is
// not an error at all: use poll() from sleep.ts for that.
import { systemClock, type Clock } from './sleep.js';

export type ErrorClass = 'retryable' | 'terminal';
/** Decides whether an error is worth another attempt. */
export type Classify = (err: unknown) => ErrorClass;
/** A named yes/no question about an error, e.g. isTransient. */
export type ErrorPredicate = (err: unknown) => boolean;

/** How long to keep trying. Delays grow exponentially and are fully jittered (0..cap). */
export interface Backoff {
  /** Attempts in all, the first included (1 = never retry). */
  maxAttempts: number;
  /** Cap of the first retry's delay; doubles every retry. */
  baseDelayMs: number;
  /** No single delay above this. */
  maxDelayMs: number;
  /** Stop retrying once the next attempt would start this long after the first. */
  maxElapsedMs: number;
}

export interface RetryPolicy extends Backoff {
  classify: Classify;
  /** Source of jitter in [0, 1); injected for repeatable tests. */
  random?: () => number;
}

/**
 * Presets by the kind of call (after bpg's retry module): a long operation's dispatch (clone,
 * create: the storage lock PVE takes times out after ~10 s, so wait long enough for another
 * holder to finish), a quick API/CLI call, and none at all.
 */
export const BACKOFF = {
  task: { maxAttempts: 6, baseDelayMs: 1_000, maxDelayMs: 15_000, maxElapsedMs: 120_000 },
  apiCall: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 2_000, maxElapsedMs: 15_000 },
  none: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxElapsedMs: 0 },
} as const satisfies Record<string, Backoff>;

/** retryWhen(...predicates): retryable when any predicate matches, terminal otherwise. */
export function retryWhen(...predicates: ErrorPredicate[]): Classify {
  return (err) => (predicates.some((p) => p(err)) ? 'retryable' : 'terminal');
}

/** Every error is terminal. */
export const neverRetry: Classify = () => 'terminal';

/** policy(backoff, classify) builds a RetryPolicy from a preset and a classifier. */
export function policy(backoff: Backoff, classify: Classify, random?: () => number): RetryPolicy {
  return { ...backoff, classify, random };
}

/** The cap for the wait before attempt `next` (2, 3, ...): base·2^(next-2), at most maxDelayMs. */
export function backoffCap(b: Backoff, next: number): number {
  return Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** Math.max(0, next - 2));
}

/**
 * nextDelay returns the wait before attempt `next`, or undefined when the policy says stop
 * (attempts used up, or the delay would take the retry past maxElapsedMs since the first start).
 */
export function nextDelay(p: RetryPolicy, next: number, elapsedMs: number): number | undefined {
  if (next > p.maxAttempts) return undefined;
  const delay = Math.floor((p.random ?? Math.random)() * backoffCap(p, next));
  if (elapsedMs + delay > p.maxElapsedMs) return undefined;
  return delay;
}

/** Thrown by retry() when it gives up on a retryable error; `cause` is the last error. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    cause: unknown,
  ) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RetriesExhaustedError';
  }
}

export interface RetryInfo {
  /** The attempt about to be made (2, 3, ...). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/**
 * retry runs `fn` until it resolves, a terminal error (rethrown as is), or the policy gives up
 * (RetriesExhaustedError). Retry the dispatch of an operation, never the wait for its result.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, p: RetryPolicy, opts: { signal?: AbortSignal; clock?: Clock; onRetry?: (info: RetryInfo) => void } = {}): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (opts.signal?.aborted || p.classify(error) === 'terminal') throw error;
      const delayMs = nextDelay(p, attempt + 1, clock.now() - start);
      if (delayMs === undefined) throw new RetriesExhaustedError(attempt, clock.now() - start, error);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await clock.sleep(delayMs, opts.signal);
    }
  }
}
