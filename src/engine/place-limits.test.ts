import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDag } from './run-dag.js';
import { placeLimits } from './place-limits.js';
import { ManualClock } from '../util/manual-clock.js';

/** Runs independent nodes of 100 ms on virtual time; the peak of those running at once per group. */
async function peaks(place: Record<string, { node: string; storages: string[] }>, o: { concurrency: number; perNode: number; perStorage: number }) {
  const clock = new ManualClock(0).autoAdvance();
  const live = new Map<string, number>();
  const peak = new Map<string, number>();
  const bump = (key: string, d: number) => {
    live.set(key, (live.get(key) ?? 0) + d);
    peak.set(key, Math.max(peak.get(key) ?? 0, live.get(key)!));
  };
  const keys = (k: string) => [`node:${place[k].node}`, ...place[k].storages.map((s) => `storage:${s}`), 'all'];
  await runDag<string>({
    nodes: Object.keys(place),
    deps: () => [],
    concurrency: o.concurrency,
    clock,
    ...placeLimits<string>({ nodeOf: (k) => place[k].node, storagesOf: (k) => place[k].storages, perNode: o.perNode, perStorage: o.perStorage }),
    run: async (k) => {
      for (const x of keys(k)) bump(x, 1);
      await clock.sleep(100);
      for (const x of keys(k)) bump(x, -1);
    },
  });
  return { peak: Object.fromEntries(peak), elapsed: clock.now() };
}

test('place limits: at most perNode guests at once on one node, and perStorage on one (shared) storage, across nodes', async () => {
  // 6 guests on pve1's local storage, 6 on pve2 and pve3 sharing nfs1.
  const place: Record<string, { node: string; storages: string[] }> = {};
  for (let i = 0; i < 6; i++) place[`a${i}`] = { node: 'pve1', storages: ['pve1/local-lvm'] };
  for (let i = 0; i < 6; i++) place[`b${i}`] = { node: i % 2 ? 'pve2' : 'pve3', storages: ['nfs1'] };
  const r = await peaks(place, { concurrency: 12, perNode: 3, perStorage: 4 });
  assert.equal(r.peak['node:pve1'], 3);
  assert.ok(r.peak['node:pve2']! <= 3 && r.peak['node:pve3']! <= 3);
  // pve2 and pve3 could run 6 together, but nfs1 takes 4 at once.
  assert.equal(r.peak['storage:nfs1'], 4);
  assert.equal(r.peak.all, 7);
  // pve1: 6 guests, 3 at a time → 200 ms; nfs1: 6 guests, 4 at a time → 200 ms.
  assert.equal(r.elapsed, 200);
});

test('place limits: the global bound still holds, and a limit below 1 is refused', async () => {
  const place: Record<string, { node: string; storages: string[] }> = {};
  for (let i = 0; i < 8; i++) place[`g${i}`] = { node: `pve${i % 4}`, storages: [`pve${i % 4}/local-lvm`] };
  const r = await peaks(place, { concurrency: 2, perNode: 8, perStorage: 8 });
  assert.equal(r.peak.all, 2);
  assert.throws(() => placeLimits({ nodeOf: () => 'x', storagesOf: () => [], perNode: 0, perStorage: 1 }), /at least 1/);
});
