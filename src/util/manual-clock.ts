// A virtual clock for tests and latency models: time moves only when told to (advance) or, in
// auto mode, jumps to the next timer as soon as everything else has settled. Durations measured on
// it are exact and repeatable, so tests can assert them without ever waiting for real time.
import { abortError, type Clock } from './sleep.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Yields to the event loop so every pending promise reaction (microtask) has run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private auto = false;
  private ticking = false;

  /** `start` is the epoch-ms the clock reads first (default 2026-11-26T01:00:00Z). */
  constructor(start = Date.UTC(2026, 10, 26, 1, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Number of sleeps not yet woken. */
  get pending(): number {
    return this.timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(abortError(signal));
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.timers.push(timer);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.auto) this.kick();
    });
  }

  /**
   * advance moves time forward by `ms`, waking due timers one at a time in order (letting the
   * woken code run, and perhaps schedule more, before the next).
   */
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    await settle();
    while (this.timers.length && this.timers[0].at <= until) {
      await this.fireNext();
    }
    this.t = until;
  }

  /**
   * autoAdvance: whenever nothing but timers is pending, jump to the next one. Only valid when
   * the code under test waits on this clock alone (no real I/O or real timers in between).
   */
  autoAdvance(on = true): this {
    this.auto = on;
    if (on) this.kick();
    return this;
  }

  private async fireNext(): Promise<void> {
    const next = this.timers.shift();
    if (!next) return;
    this.t = Math.max(this.t, next.at);
    next.resolve();
    await settle();
  }

  private kick(): void {
    if (this.ticking) return;
    this.ticking = true;
    void (async () => {
      await settle();
      while (this.auto && this.timers.length) await this.fireNext();
      this.ticking = false;
    })();
  }
}
