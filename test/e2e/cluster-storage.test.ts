// Storage across a three-node cluster (issue 12): what lives on one node's own storage is read,
// downloaded and cloned there, and what lives on shared storage serves every node.
//   - A VM from a downloaded image: each node's `local` import storage is its own, so the image is
//     downloaded onto the node the VM goes to (once per node, however many VMs there share it),
//     and the VM is created there from that copy.
//   - A container cloned to another node: pct clone checks the storage each volume is copied to
//     (pve-container API2/LXC.pm clone_vm), so a full clone onto shared storage may go to any node,
//     while one onto local storage is refused before anything runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMutatingCall, workspace, type Workspace } from './harness.js';

const HYP = 'phoenix_hypervisor_config.json';
const LXC = 'phoenix_lxc_configs.json';
const VMS = 'phoenix_vm_configs.json';
const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const JAMMY = 'https://cloud-images.ubuntu.com/jammy/current/jammy-server-cloudimg-amd64.img';

let w: Workspace;
const vm = (vmid: number, node: string) => ({ vmid, name: `vm${vmid}`, node, template_image: JAMMY, template_image_file: 'jammy-server-cloudimg-amd64.qcow2', network_config: { ip: 'dhcp' } });
const ct = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: TEMPLATE, memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true, ...extra });
const confNode = (kind: 'lxc' | 'qemu-server', id: number) => ['pve1', 'pve2', 'pve3'].filter((n) => existsSync(join(w.state, 'etc/pve/nodes', n, kind, `${id}.conf`)));
const logged = (from: number) =>
  readFileSync(w.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(from)
    .map((l) => JSON.parse(l) as { argv: string[]; node?: string });
const lines = () => (existsSync(w.log) ? readFileSync(w.log, 'utf8').split('\n').filter(Boolean).length : 0);

before(async () => {
  w = workspace({
    files: {
      [HYP]: { nodes: ['pve1', 'pve2', 'pve3'] },
      [VMS]: { vms: [vm(9100, 'pve2'), vm(9101, 'pve2'), vm(9102, 'pve3')] },
      [LXC]: { lxc_configs: { '200': ct('base', { node: 'pve1' }) } },
    },
  });
  for (const args of [
    ['sim', 'reset', '--nodes', 'pve1,pve2,pve3'],
    ['sim', 'add-storage', 'nas', '--type', 'nfs', '--content', 'rootdir,images', '--size', '500G'],
  ]) {
    const r = await w.run(...args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  }
});
after(() => w?.cleanup());

test('cluster: an image is downloaded onto the node each VM goes to, once per node, and each VM is made there from that copy', async () => {
  const plan = await w.run('plan', '9100', '9101', '9102');
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /download https:\/\/\S+jammy\S+ to local:import\/jammy-server-cloudimg-amd64\.qcow2 on pve2/);
  assert.match(plan.stdout, /download https:\/\/\S+jammy\S+ to local:import\/jammy-server-cloudimg-amd64\.qcow2 on pve3/);
  assert.match(plan.stdout, /image local:import\/jammy-server-cloudimg-amd64\.qcow2 on pve2 is downloaded by 9100's plan/);

  const from = lines();
  const r = await w.run('converge', '9100', '9101', '9102');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const calls = logged(from);
  const downloads = calls.filter((c) => c.argv[0] === 'pvesh' && c.argv[1] === 'create').map((c) => [c.argv[2], c.node]);
  assert.deepEqual(downloads.sort(), [
    ['/nodes/pve2/storage/local/download-url', 'pve2'],
    ['/nodes/pve3/storage/local/download-url', 'pve3'],
  ]);
  const creates = calls.filter((c) => c.argv[0] === 'qm' && c.argv[1] === 'create').map((c) => [c.argv[2], c.node]);
  assert.deepEqual(creates.sort(), [
    ['9100', 'pve2'],
    ['9101', 'pve2'],
    ['9102', 'pve3'],
  ]);
  assert.deepEqual(
    [9100, 9101, 9102].map((id) => confNode('qemu-server', id)),
    [['pve2'], ['pve2'], ['pve3']],
  );

  // Each node now holds its copy: a second run downloads nothing and changes nothing.
  w.mark();
  const again = await w.run('converge', '9100', '9101', '9102');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(w.since().filter(isMutatingCall), []);
});

test('cluster: a container clone onto shared storage goes to another node (pct clone --storage nas --target); onto local storage it is refused before anything runs', async () => {
  w.edit(LXC, (doc) => {
    doc.lxc_configs['200'] = ct('base', { node: 'pve1', template_snapshot_name: 'golden' });
    doc.lxc_configs['230'] = { name: 'on-nas', clone_from_ctid: 200, node: 'pve2', storage_pool: 'nas' };
  });
  const base = await w.run('converge', '200');
  assert.equal(base.code, 0, base.stdout + base.stderr);

  const from = lines();
  const r = await w.run('converge', '230');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const clone = logged(from).find((c) => c.argv[0] === 'pct' && c.argv[1] === 'clone');
  assert.ok(clone, 'a pct clone was made');
  assert.equal(clone.node, 'pve1', 'run on the source node');
  const opt = (k: string) => clone.argv[clone.argv.indexOf(k) + 1];
  assert.deepEqual([clone.argv[2], clone.argv[3], opt('--storage'), opt('--target'), opt('--snapname')], ['200', '230', 'nas', 'pve2', 'golden']);
  assert.deepEqual(confNode('lxc', 230), ['pve2']);
  assert.match(readFileSync(join(w.state, 'etc/pve/nodes/pve2/lxc/230.conf'), 'utf8'), /^rootfs: nas:/m);

  // The same clone onto the node's own storage: refused, located, nothing done.
  w.edit(LXC, (doc) => {
    doc.lxc_configs['231'] = { name: 'on-local', clone_from_ctid: 200, node: 'pve3', storage_pool: 'local-lvm' };
  });
  w.mark();
  const bad = await w.run('create', '231');
  assert.equal(bad.code, 2, bad.stdout + bad.stderr);
  assert.match(bad.stderr, /lxc_configs\.(231|"231")\.node/);
  assert.match(bad.stderr, /cannot clone 200 \(on pve1\) to pve3: its copy goes to storage local-lvm, which is not shared/);
  assert.deepEqual(w.since().filter(isMutatingCall), []);
});
