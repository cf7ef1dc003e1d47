import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byCriticality } from './converge.js';

test('guests with the longest chain waiting on them come first; ties keep graph order', () => {
  // 1 ← 2 ← 3 ← 4 (a chain), 5 and 6 independent leaves, 7 ← 8
  const deps = new Map([
    [2, [1]],
    [3, [2]],
    [4, [3]],
    [8, [7]],
  ]);
  assert.deepEqual(byCriticality([1, 5, 6, 7, 2, 8, 3, 4], deps), [1, 2, 7, 3, 5, 6, 8, 4]);
});

test('a dependency still precedes what needs it', () => {
  const deps = new Map([
    [20, [10]],
    [30, [10, 20]],
  ]);
  const order = byCriticality([10, 20, 30], deps);
  assert.ok(order.indexOf(10) < order.indexOf(20) && order.indexOf(20) < order.indexOf(30));
});
