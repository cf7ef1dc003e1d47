import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterDriver } from './cluster.js';
import type { ProxmoxDriver } from './driver.js';
import type { HostInventory } from './types.js';

/** A node driver that answers the inventory and counts the reads; every other call is a no-op. */
function fakeNode(fail = { next: false }) {
  const reads = { n: 0 };
  const inv: HostInventory = { node: 'pve', guests: [], requests: 1 };
  const d = new Proxy({} as ProxmoxDriver, {
    get: (_t, k) => {
      if (k === 'node') return 'pve';
      if (k === 'then') return undefined;
      if (k === 'inventory')
        return async () => {
          reads.n++;
          if (fail.next) {
            fail.next = false;
            throw new Error('pmxcfs down');
          }
          return inv;
        };
      return async () => undefined;
    },
  });
  return { d, reads };
}

test('the cluster inventory is read once until the run changes something, and a failed read is not kept', async () => {
  const fail = { next: true };
  const { d, reads } = fakeNode(fail);
  const c = new ClusterDriver({ home: 'pve', nodes: ['pve'], on: () => d });
  await assert.rejects(c.inventory(), /pmxcfs down/);
  await c.inventory();
  await c.inventory();
  assert.equal(reads.n, 2, 'the failed read is tried again; the good one is shared');
  await c.set('lxc', 100, { memory: 512 });
  await c.inventory();
  assert.equal(reads.n, 3, 'a change forgets it');
  await c.status('lxc', 100);
  await c.inventory();
  assert.equal(reads.n, 3, 'a read does not');
});
