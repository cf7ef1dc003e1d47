// The simulated cluster (src/sim, issue 12): several nodes over one /etc/pve, local storages per
// node and shared ones cluster-wide, ids unique across nodes, /cluster/resources listing every
// node's guests, a guest moved out of band, and clones to another node only from shared storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSim } from '../../src/sim/frontend/run.js';
import { addStorage, addTemplate, moveGuest, resetState } from '../../src/sim/state/admin.js';
import { simHarness, DEBIAN, type SimHarness } from '../helpers/sim.js';

const NODES = ['pve1', 'pve2', 'pve3'];

function cluster(): SimHarness & { on: (node: string, ...argv: string[]) => ReturnType<SimHarness['run']> } {
  const h = simHarness();
  resetState(h.dir, { nodes: NODES });
  const on = (node: string, ...argv: string[]) => runSim(argv, { stateDir: h.dir, env: { ...h.env, PHOENIX_SIM_NODE: node }, guestfs: h.fs });
  return Object.assign(h, { on });
}

const conf = (dir: string, node: string, sub: 'lxc' | 'qemu-server', id: number) => join(dir, 'etc/pve/nodes', node, sub, `${id}.conf`);

test('cluster: reset --nodes makes one /etc/pve with a directory per node, and local storages per node', async () => {
  const h = cluster();
  try {
    for (const n of NODES) assert.ok(existsSync(join(h.dir, 'etc/pve/nodes', n, 'lxc')), n);
    // A container on each of two nodes: each node's local-lvm numbers its own disks.
    assert.equal((await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4')).exitCode, 0);
    assert.equal((await h.on('pve2', 'pct', 'create', '102', DEBIAN, '--rootfs', 'local-lvm:4')).exitCode, 0);
    assert.ok(existsSync(conf(h.dir, 'pve1', 'lxc', 101)));
    assert.ok(existsSync(conf(h.dir, 'pve2', 'lxc', 102)));
    const used = async (node: string) => (JSON.parse((await h.on(node, 'pvesh', 'get', `/nodes/${node}/storage`, '--output-format', 'json')).stdout) as Array<{ storage: string; used: number }>).find((s) => s.storage === 'local-lvm')!.used;
    assert.deepEqual([await used('pve1'), await used('pve2'), await used('pve3')], [4 * 1024 ** 3, 4 * 1024 ** 3, 0]);
    // pvesh forwards /nodes/OTHER/... to that node: the same answer from any node.
    const fromPve1 = JSON.parse((await h.on('pve1', 'pvesh', 'get', '/nodes/pve3/storage', '--output-format', 'json')).stdout) as Array<{ storage: string; used: number }>;
    assert.equal(fromPve1.find((s) => s.storage === 'local-lvm')!.used, 0);
  } finally {
    h.cleanup();
  }
});

test("cluster: an id is unique cluster-wide — create of an id used on another node fails with Proxmox's text", async () => {
  const h = cluster();
  try {
    assert.equal((await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4')).exitCode, 0);
    let r = await h.on('pve2', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4');
    assert.deepEqual([r.exitCode, r.stderr], [255, "CT 101 already exists on node 'pve1'\n"]);
    r = await h.on('pve3', 'qm', 'create', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 101 - CT 101 already exists on node 'pve1'\n"]);
    // A guest is handled by its own node only: another node has no config file for it.
    r = await h.on('pve2', 'pct', 'status', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "Configuration file 'nodes/pve2/lxc/101.conf' does not exist\n"]);
  } finally {
    h.cleanup();
  }
});

test('cluster: /cluster/resources lists every node’s guests with their node, read from any node', async () => {
  const h = cluster();
  try {
    await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4');
    await h.on('pve3', 'qm', 'create', '300');
    const rows = JSON.parse((await h.on('pve2', 'pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json')).stdout) as Array<{ vmid: number; node: string; type: string }>;
    assert.deepEqual(
      rows.map((r) => [r.vmid, r.type, r.node]),
      [
        [101, 'lxc', 'pve1'],
        [300, 'qemu', 'pve3'],
      ],
    );
  } finally {
    h.cleanup();
  }
});

test('cluster: a guest moved out of band is on its new node (config and local volumes), gone from the old one', async () => {
  const h = cluster();
  try {
    await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4');
    assert.deepEqual(await moveGuest(h.dir, 101, 'pve2'), { from: 'pve1', to: 'pve2' });
    assert.ok(!existsSync(conf(h.dir, 'pve1', 'lxc', 101)));
    assert.match(readFileSync(conf(h.dir, 'pve2', 'lxc', 101), 'utf8'), /rootfs: local-lvm:vm-101-disk-0/);
    assert.equal((await h.on('pve2', 'pct', 'status', '101')).stdout, 'status: stopped\n');
    // Its volume is now on pve2's local-lvm: pve2 can start and resize it.
    assert.equal((await h.on('pve2', 'pct', 'resize', '101', 'rootfs', '6G')).exitCode, 0);
    await assert.rejects(moveGuest(h.dir, 101, 'pve9'), /no such cluster node 'pve9'/);
  } finally {
    h.cleanup();
  }
});

test("cluster: clone --target another node — refused from local storage with Proxmox's text, done from shared storage", async () => {
  const h = cluster();
  try {
    await addStorage(h.dir, 'nfs1', { type: 'nfs', content: ['rootdir', 'images', 'vztmpl'], size: '1T' });
    await addStorage(h.dir, 'ssd', { type: 'dir', content: ['rootdir', 'images'], size: '1T' });
    await addTemplate(h.dir, `nfs1:vztmpl/${DEBIAN.split('/')[1]}`);
    // CT on local storage: refused before anything is made, a warning naming the volume first.
    await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:4');
    let r = await h.on('pve1', 'pct', 'clone', '101', '201', '--target', 'pve2');
    assert.deepEqual([r.exitCode, r.stderr], [255, "found non-shared volume: local-lvm:vm-101-disk-0\ncan't clone CT to node 'pve2' (CT uses local storage)\n"]);
    assert.ok(!existsSync(conf(h.dir, 'pve1', 'lxc', 201)) && !existsSync(conf(h.dir, 'pve2', 'lxc', 201)));
    // A full clone onto local storage for another node: refused on the storage.
    r = await h.on('pve1', 'pct', 'clone', '101', '201', '--target', 'pve2', '--storage', 'ssd');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't clone to non-shared storage 'ssd'\n"]);
    r = await h.on('pve1', 'pct', 'clone', '101', '201', '--target', 'pve7');
    assert.deepEqual([r.exitCode, r.stderr], [255, "no such cluster node 'pve7'\n"]);
    // ... but onto shared storage it works: the CT's volume lands on nfs1, its config on pve2.
    r = await h.on('pve1', 'pct', 'clone', '101', '201', '--target', 'pve2', '--storage', 'nfs1');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(readFileSync(conf(h.dir, 'pve2', 'lxc', 201), 'utf8'), /rootfs: nfs1:201\/vm-201-disk-0.raw/);
    // VM on shared storage: cloned to pve3; on local storage: refused.
    await h.on('pve1', 'qm', 'create', '300', '--scsi0', 'nfs1:1');
    r = await h.on('pve1', 'qm', 'clone', '300', '301', '--target', 'pve3');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(existsSync(conf(h.dir, 'pve3', 'qemu-server', 301)));
    await h.on('pve1', 'qm', 'create', '310', '--scsi0', 'local-lvm:1');
    r = await h.on('pve1', 'qm', 'clone', '310', '311', '--target', 'pve3');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't clone VM to node 'pve3' (VM uses local storage)\n"]);
    // The local node as target is no target at all.
    r = await h.on('pve1', 'qm', 'clone', '310', '312', '--target', 'pve1');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(existsSync(conf(h.dir, 'pve1', 'qemu-server', 312)));
  } finally {
    h.cleanup();
  }
});

test('cluster: a storage limited to some nodes (`nodes`) cannot hold a disk on the others; an unknown PHOENIX_SIM_NODE is refused', async () => {
  const h = cluster();
  try {
    await addStorage(h.dir, 'fast', { type: 'lvmthin', content: ['rootdir', 'images'], size: '1T', nodes: ['pve1'] });
    let r = await h.on('pve2', 'pct', 'create', '101', DEBIAN, '--rootfs', 'fast:4');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create CT 101 - storage 'fast' is not available on node 'pve2'\n"]);
    assert.equal((await h.on('pve1', 'pct', 'create', '101', DEBIAN, '--rootfs', 'fast:4')).exitCode, 0);
    r = await h.on('pve9', 'pct', 'list');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /no such cluster node 'pve9'/);
  } finally {
    h.cleanup();
  }
});
