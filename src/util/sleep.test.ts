import { test } from 'node:test';
import assert from 'node:assert/strict';
import { done, isAbortError, notYet, poll, PollTimeoutError, sleep } from './sleep.js';
import { ManualClock } from './manual-clock.js';

test('sleep rejects with an AbortError when the signal aborts, and at once when already aborted', async () => {
  const ac = new AbortController();
  const p = sleep(60_000, ac.signal);
  ac.abort();
  await assert.rejects(p, (e) => isAbortError(e));
  await assert.rejects(sleep(1, ac.signal), (e) => isAbortError(e));
  await sleep(1); // and a plain short sleep resolves
});

test('poll checks until done, honouring the interval a check asks for', async () => {
  const clock = new ManualClock(0).autoAdvance();
  const seen: number[] = [];
  const v = await poll(
    (n) => {
      seen.push(clock.now());
      return n < 3 ? notYet('booting', n === 2 ? 5000 : undefined) : done('up');
    },
    { interval: 1000, timeout: 60_000, clock },
  );
  assert.equal(v, 'up');
  assert.deepEqual(seen, [0, 1000, 6000]);
});

test('poll times out with the last reason, checking once more at the deadline', async () => {
  const clock = new ManualClock(0).autoAdvance();
  const seen: number[] = [];
  await assert.rejects(
    poll(() => (seen.push(clock.now()), notYet('port 53 closed')), { interval: 2000, timeout: 5000, clock }),
    (e) => e instanceof PollTimeoutError && e.lastReason === 'port 53 closed' && /port 53 closed/.test(e.message),
  );
  assert.deepEqual(seen, [0, 2000, 4000, 5000]);
});

test('poll stops when the signal aborts during a wait', async () => {
  const clock = new ManualClock(0);
  const ac = new AbortController();
  const p = poll(() => notYet(), { interval: 1000, timeout: 60_000, clock, signal: ac.signal });
  await clock.advance(1500);
  ac.abort();
  await assert.rejects(p, (e) => isAbortError(e));
  assert.equal(clock.pending, 0);
});

test('ManualClock.advance wakes due timers in order and leaves later ones', async () => {
  const clock = new ManualClock(0);
  const woke: string[] = [];
  void clock.sleep(300).then(() => woke.push('c'));
  void clock.sleep(100).then(() => woke.push('a'));
  void clock.sleep(100).then(() => woke.push('b'));
  await clock.advance(200);
  assert.deepEqual(woke, ['a', 'b']);
  assert.equal(clock.now(), 200);
  assert.equal(clock.pending, 1);
});
