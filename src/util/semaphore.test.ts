import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLimits, Semaphore } from './semaphore.js';
import { isAbortError } from './sleep.js';

test('Semaphore: at most `limit` holders; waiters served in arrival order', async () => {
  const s = new Semaphore(2);
  const order: string[] = [];
  await s.acquire();
  await s.acquire();
  assert.equal(s.tryAcquire(), false);
  const a = s.acquire().then(() => order.push('a'));
  const b = s.acquire().then(() => order.push('b'));
  s.release();
  await a;
  assert.deepEqual(order, ['a']);
  assert.equal(s.inUse, 2);
  s.release();
  await b;
  assert.deepEqual(order, ['a', 'b']);
});

test('Semaphore: an aborted waiter leaves the queue', async () => {
  const s = new Semaphore(1);
  await s.acquire();
  const ac = new AbortController();
  const p = s.acquire(ac.signal);
  ac.abort();
  await assert.rejects(p, (e) => isAbortError(e));
  s.release();
  assert.equal(s.inUse, 0);
  assert.equal(await s.with(async () => 'x'), 'x');
});

test('KeyedLimits: all-or-nothing per key; unlisted keys unlimited', () => {
  const l = new KeyedLimits({ 'clone-source:900': 1 });
  assert.ok(l.tryAcquire(['clone-source:900', 'storage:a']));
  assert.equal(l.busyKey(['storage:a', 'clone-source:900']), 'clone-source:900');
  assert.equal(l.tryAcquire(['storage:a', 'clone-source:900']), false);
  assert.equal(l.inUse('storage:a'), 1, 'a refused acquire takes nothing');
  l.release(['clone-source:900', 'storage:a']);
  assert.ok(l.tryAcquire(['clone-source:900']));
  const byFn = new KeyedLimits((k) => (k.startsWith('storage:') ? 2 : Infinity));
  assert.ok(byFn.tryAcquire(['storage:x']) && byFn.tryAcquire(['storage:x']));
  assert.equal(byFn.tryAcquire(['storage:x']), false);
});
