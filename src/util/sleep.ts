// Time, injected: every wait in Phoenix goes through a Clock so tests (and the benchmark's latency
// model) can run on virtual time. Also the abortable sleep and the "not yet" poll loop.

/** A source of time. `sleep` must reject with the signal's reason when the signal aborts. */
export interface Clock {
  /** Milliseconds since the epoch (events are stamped with it). */
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The error a cancelled wait rejects with when the signal carries no reason of its own. */
export function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** True for the rejection of an aborted wait or fetch (DOMException or Error named AbortError). */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/** sleep resolves after `ms` real milliseconds, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now(), sleep };

/** What a poll check returns: finished with a value, or "not yet" (optionally saying when to look again). */
export type PollResult<T> = { done: true; value: T } | { done: false; reason?: string; afterMs?: number };

/** done(value) ends a poll. */
export const done = <T>(value: T): PollResult<T> => ({ done: true, value });
/** notYet(reason, afterMs) asks the poll to look again (after `afterMs`, else its interval). */
export const notYet = (reason?: string, afterMs?: number): PollResult<never> => ({ done: false, reason, afterMs });

/** Thrown when a poll runs out of time; carries the last "not yet" reason. */
export class PollTimeoutError extends Error {
  constructor(
    readonly lastReason: string | undefined,
    readonly elapsedMs: number,
  ) {
    super(`timed out after ${Math.round(elapsedMs)} ms${lastReason ? `: ${lastReason}` : ''}`);
    this.name = 'PollTimeoutError';
  }
}

export interface PollOptions {
  /** Time between checks, unless a check asks for another. */
  interval: number;
  /** Give up (PollTimeoutError) once this much time has passed since the first check. */
  timeout: number;
  signal?: AbortSignal;
  clock?: Clock;
}

/**
 * poll calls `check` until it reports done, waiting `interval` (or what the check asks for) between
 * calls. "Not yet" is not an error; errors thrown by `check` end the poll at once (wrap the check
 * in `retry` if some of them are transient). The last check happens at the deadline, not after it.
 */
export async function poll<T>(check: (attempt: number) => Promise<PollResult<T>> | PollResult<T>, opts: PollOptions): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const r = await check(attempt);
    if (r.done) return r.value;
    const elapsed = clock.now() - start;
    const left = opts.timeout - elapsed;
    if (left <= 0) throw new PollTimeoutError(r.reason, elapsed);
    await clock.sleep(Math.min(r.afterMs ?? opts.interval, left), opts.signal);
  }
}
