// Counting limits. Semaphore: N holders at once, waiters served first come, first served.
// KeyedLimits: one count per key ('storage:local-lvm', 'clone-source:900'), taken all-or-nothing
// so a holder never sits on one key while waiting for another (no hold-and-wait, no deadlock).
import { abortError } from './sleep.js';

export class Semaphore {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`semaphore limit must be at least 1, got ${limit}`);
  }

  get inUse(): number {
    return this.used;
  }

  /** tryAcquire takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  /** acquire waits for a slot (in arrival order); rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.waiters.length === 0 && this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortError(signal));
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** release frees a slot, handing it straight to the longest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else if (this.used > 0) this.used--;
  }

  /** with runs `fn` holding a slot. */
  async with<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/** Limit per key: a number for every key, or a function (e.g. 1 for 'clone-source:*'). */
export type LimitOf = Record<string, number> | ((key: string) => number);

export class KeyedLimits {
  private readonly used = new Map<string, number>();

  /** Keys absent from a record limit are unlimited. */
  constructor(private readonly limits: LimitOf = {}) {}

  /** At least 1: a limit of 0 would leave whoever needs the key waiting forever. */
  limitOf(key: string): number {
    const l = typeof this.limits === 'function' ? this.limits(key) : this.limits[key];
    return l === undefined ? Infinity : Math.max(1, l);
  }

  /** The first key in `keys` that has no free slot, or undefined when all have one. */
  busyKey(keys: readonly string[]): string | undefined {
    return unique(keys).find((k) => (this.used.get(k) ?? 0) >= this.limitOf(k));
  }

  /** tryAcquire takes one slot of every key, or none of them. */
  tryAcquire(keys: readonly string[]): boolean {
    if (this.busyKey(keys) !== undefined) return false;
    for (const k of unique(keys)) this.used.set(k, (this.used.get(k) ?? 0) + 1);
    return true;
  }

  release(keys: readonly string[]): void {
    for (const k of unique(keys)) {
      const n = (this.used.get(k) ?? 0) - 1;
      if (n > 0) this.used.set(k, n);
      else this.used.delete(k);
    }
  }

  inUse(key: string): number {
    return this.used.get(key) ?? 0;
  }
}

const unique = (keys: readonly string[]): string[] => [...new Set(keys)];
