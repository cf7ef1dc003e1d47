// A driver without a cluster (--driver api so far) works on its one node: guests placed elsewhere
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

test('preflight without a cluster driver: a guest on another node and a nodes list naming others are refused, located', async () => {
  const r = validate({ hypervisor: { nodes: ['pve1', 'pve2'] }, lxc: lxcFile({ '200': ct({ node: 'pve2' }), '201': ct({ node: 'pve1' }), '202': ct() }) });
  assert.ok(r.config, JSON.stringify(r.diagnostics.items));
  const s = { config: r.config, driver: reader, driverKind: 'api' } as unknown as Session;
  const errors = (await preflightRun(s, [200, 201, 202])).filter((d) => d.severity === 'error').map((d) => `${d.file} ${d.path}: ${d.message}`);
  assert.deepEqual(errors, [
    '/virtual/phoenix_hypervisor_config.json nodes: nodes pve2: --driver api works on one node (pve1) so far; placing guests on other nodes needs the simulator or pve-cli',
    `phoenix_lxc_configs.json lxc_configs."200".node: node 'pve2': --driver api works on one node (pve1) so far; placing guests on other nodes needs the simulator or pve-cli`,
  ]);
});
