// A driver without a cluster (pve-cli on a node, no node_ssh) works on its one node: guests placed elsewhere
// by the config are refused before anything runs, located at their `node` field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preflightRun } from '../src/app/preflight.js';
import type { Session } from '../src/app/session.js';
import type { ProxmoxDriver } from '../src/proxmox/driver.js';
import { validate, lxcFile, ct } from './helpers/config.js';

const reader = {
  node: 'pve1',
  list: async () => [],
  storages: async () => [
    { storage: 'local', type: 'dir', content: ['vztmpl'], enabled: true, active: true, shared: false, total: 100 * 2 ** 30, used: 0, avail: 100 * 2 ** 30 },
    { storage: 'local-lvm', type: 'lvmthin', content: ['rootdir', 'images'], enabled: true, active: true, shared: false, total: 400 * 2 ** 30, used: 0, avail: 400 * 2 ** 30 },
  ],
  bridges: async () => ['vmbr0'],
  nodeMemory: async () => ({ total: 64 * 2 ** 30, used: 0, free: 64 * 2 ** 30 }),
  storageContent: async () => ['local:vztmpl/debian-12.tar.zst'],
} as unknown as ProxmoxDriver;

test('preflight without a cluster driver (pve-cli on one node): a guest on another node and a nodes list naming others are refused, located', async () => {
  const r = validate({ hypervisor: { nodes: ['pve1', 'pve2'] }, lxc: lxcFile({ '200': ct({ node: 'pve2' }), '201': ct({ node: 'pve1' }), '202': ct() }) });
  assert.ok(r.config, JSON.stringify(r.diagnostics.items));
  const s = { config: r.config, driver: reader, driverKind: 'pve-cli' } as unknown as Session;
  const errors = (await preflightRun(s, [200, 201, 202])).filter((d) => d.severity === 'error').map((d) => `${d.file} ${d.path}: ${d.message}`);
  assert.deepEqual(errors, [
    `/virtual/phoenix_hypervisor_config.json nodes: nodes pve2: --driver pve-cli reaches only this node (pve1); to place guests on other nodes, name how each is reached in the host file's node_ssh (or use --driver api)`,
    `phoenix_lxc_configs.json lxc_configs."200".node: node 'pve2': --driver pve-cli reaches only this node (pve1); to place guests on other nodes, name how each is reached in the host file's node_ssh (or use --driver api)`,
  ]);
});

test('a cluster whose nodes cannot be read to place the guests stops the run (PlacementFailed): without placement every guest would go to the home node', async () => {
  const { ClusterDriver } = await import('../src/proxmox/cluster.js');
  const { PlacementFailed } = await import('../src/app/preflight.js');
  const r = validate({ hypervisor: { nodes: ['pve1', 'pve2'] }, lxc: lxcFile({ '200': ct() }) });
  assert.ok(r.config, JSON.stringify(r.diagnostics.items));
  // pve2 does not answer its memory read (its pveproxy is down).
  const down = { ...reader, node: 'pve2', nodeMemory: async () => Promise.reject(new Error('595 Connection refused')) } as unknown as ProxmoxDriver;
  const withInventory = { ...reader, inventory: async () => ({ node: 'pve1', guests: [], requests: 1 }) } as unknown as ProxmoxDriver;
  const cluster = new ClusterDriver({ home: 'pve1', nodes: ['pve1', 'pve2'], on: (n) => (n === 'pve2' ? down : withInventory) });
  const s = { config: r.config, driver: cluster, cluster, driverKind: 'sim' } as unknown as Session;
  await assert.rejects(preflightRun(s, [200]), (e: Error) => e instanceof PlacementFailed && /^cannot place the guests on the cluster: 595 Connection refused; nothing was done$/.test(e.message));
  assert.equal(s.placement, undefined);
});
