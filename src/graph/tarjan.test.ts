import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stronglyConnected } from './tarjan.js';

const adj = (m: Record<string, string[]>) => (k: string) => m[k] ?? [];

test('components come out sinks first, every node exactly once', () => {
  // a → b ⇄ c → d ; e alone
  const g = { a: ['b'], b: ['c'], c: ['b', 'd'], d: [], e: [] };
  const sccs = stronglyConnected(Object.keys(g), adj(g)).map((c) => [...c].sort());
  assert.deepEqual(sccs, [['d'], ['b', 'c'], ['a'], ['e']]);
});

test('a self-loop is a one-node component (callers decide it is a cycle)', () => {
  assert.deepEqual(stronglyConnected(['x'], adj({ x: ['x'] })), [['x']]);
});

test('nested loops collapse into one component', () => {
  const g = { a: ['b'], b: ['c', 'a'], c: ['a', 'd'], d: ['c'] };
  const sccs = stronglyConnected(Object.keys(g), adj(g));
  assert.equal(sccs.length, 1);
  assert.deepEqual([...sccs[0]].sort(), ['a', 'b', 'c', 'd']);
});
