import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countOutcomes, rootFailures } from './results.js';
import { runDag } from './run-dag.js';

test('rootFailures reports each failed node once, with what its failure skipped', async () => {
  const deps: Record<string, string[]> = { a: [], b: ['a'], c: ['b'], d: [], e: ['d', 'a'], f: [] };
  const results = await runDag({
    nodes: Object.keys(deps),
    deps: (k) => deps[k],
    concurrency: 2,
    run: async (k) => {
      if (k === 'a' || k === 'd') throw new Error(`${k} broke`);
    },
  });
  assert.deepEqual(
    rootFailures(results).map((f) => [f.node, (f.error as Error).message, f.skipped]),
    [
      ['a', 'a broke', ['b', 'c', 'e']],
      ['d', 'd broke', ['e']],
    ],
  );
  assert.deepEqual(countOutcomes(results), { ok: 1, failed: 2, skipped: 3, cancelled: 0 });
});
