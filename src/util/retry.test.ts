import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffCap, BACKOFF, nextDelay, policy, retry, retryWhen, RetriesExhaustedError, neverRetry } from './retry.js';
import { ManualClock } from './manual-clock.js';
import { isAbortError } from './sleep.js';

const locked = (e: unknown) => e instanceof Error && /is locked/.test(e.message);
const timeout = (e: unknown) => e instanceof Error && /got timeout/.test(e.message);

test('retryWhen: retryable when a named predicate matches, terminal otherwise', () => {
  const classify = retryWhen(locked, timeout);
  assert.equal(classify(new Error('CT 901 is locked (create)')), 'retryable');
  assert.equal(classify(new Error("can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout")), 'retryable');
  assert.equal(classify(new Error('unable to parse value of "memory"')), 'terminal');
  assert.equal(neverRetry(new Error('CT 901 is locked')), 'terminal');
});

test('backoff doubles from the base up to the cap; full jitter scales it', () => {
  const b = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000, maxElapsedMs: 1e9 };
  assert.deepEqual(
    [2, 3, 4, 5, 6].map((n) => backoffCap(b, n)),
    [100, 200, 400, 800, 1000],
  );
  assert.equal(
    nextDelay(
      policy(b, neverRetry, () => 0.25),
      4,
      0,
    ),
    100,
  );
  assert.equal(
    nextDelay(
      policy(b, neverRetry, () => 0.25),
      11,
      0,
    ),
    undefined,
    'past maxAttempts',
  );
  assert.equal(
    nextDelay(
      policy({ ...b, maxElapsedMs: 1000 }, neverRetry, () => 0.5),
      6,
      600,
    ),
    undefined,
    'past maxElapsedMs',
  );
  assert.equal(nextDelay(policy(BACKOFF.none, neverRetry), 2, 0), undefined);
});

test('retry: retries retryable errors, reporting each retry, then returns the value', async () => {
  const clock = new ManualClock(0).autoAdvance();
  const seen: Array<[number, number]> = [];
  const v = await retry(
    async (attempt) => {
      if (attempt < 3) throw new Error('VM 100 is locked (clone)');
      return `ok on ${attempt}`;
    },
    policy(BACKOFF.task, retryWhen(locked), () => 0.5),
    { clock, onRetry: (i) => seen.push([i.attempt, i.delayMs]) },
  );
  assert.equal(v, 'ok on 3');
  assert.deepEqual(seen, [
    [2, 500],
    [3, 1000],
  ]);
});

test('retry: a terminal error is rethrown as is, at once', async () => {
  let n = 0;
  const e = new Error('permission denied');
  await assert.rejects(
    retry(
      async () => {
        n++;
        throw e;
      },
      policy(BACKOFF.task, retryWhen(locked)),
    ),
    (x) => x === e,
  );
  assert.equal(n, 1);
});

test('retry: gives up after maxAttempts with RetriesExhaustedError carrying the last error', async () => {
  const clock = new ManualClock(0).autoAdvance();
  await assert.rejects(
    retry(
      async (a) => {
        throw new Error(`CT 901 is locked #${a}`);
      },
      policy(BACKOFF.apiCall, retryWhen(locked), () => 0),
      { clock },
    ),
    (x) => x instanceof RetriesExhaustedError && x.attempts === 4 && (x.cause as Error).message === 'CT 901 is locked #4',
  );
});

test('retry: abort during the backoff rejects with the abort', async () => {
  const clock = new ManualClock(0);
  const ac = new AbortController();
  const p = retry(
    async () => {
      throw new Error('CT 901 is locked');
    },
    policy(BACKOFF.task, retryWhen(locked), () => 0.9),
    { clock, signal: ac.signal },
  );
  await clock.advance(10);
  ac.abort();
  await assert.rejects(p, (e) => isAbortError(e));
});
