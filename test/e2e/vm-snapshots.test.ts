// A VM from a cloud image with `snapshots: ["pre-features", "post-features"]` and a
// template_snapshot_name: each snapshot taken once at its moment; a re-run takes none; a changed
// feature script re-runs the feature and retakes only the snapshots after it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMutatingCall, userFeature, workspace, type Workspace } from './harness.js';
import { vmMismatches } from './expect-config.js';

let w: Workspace;
const VM = {
  vmid: 810,
  name: 'snap-vm',
  template_image: 'local:import/debian-12-genericcloud-amd64.qcow2',
  memory_mb: 1024,
  cores: 1,
  disk_size_gb: 6,
  storage_pool: 'local-lvm',
  network_bridge: 'vmbr0',
  network_config: { ip: 'dhcp' },
  user_config: { username: 'ops' },
  features: ['hello'],
  snapshots: ['pre-features', 'post-features'],
  template_snapshot_name: 'golden',
};
const mutations = () =>
  w
    .since()
    .filter(isMutatingCall)
    .map((c) => c.argv.join(' '));
const snapshotCalls = () => mutations().filter((c) => / (del)?snapshot /.test(c));

before(() => {
  w = workspace({ files: { 'phoenix_vm_configs.json': { vms: [VM] } } });
  userFeature(w, 'hello', '#!/bin/sh\necho hi > /etc/hi\n');
});
after(() => w.cleanup());

test('VM snapshots: pre-features before the features, post-features and the template snapshot after', async () => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(vmMismatches(VM, {}, w.conf('vm', 810)), []);
  // Execs included: the feature runs through the guest agent.
  const m = w.since().map((c) => c.argv.join(' '));
  const at = (s: string) => m.findIndex((c) => c.startsWith(s));
  const featureRun = m.findIndex((c) => c.includes('/var/lib/phoenix/run/hello/install.sh /var/lib/phoenix/run/hello/inputs.json'));
  assert.ok(featureRun > 0, m.join('\n'));
  assert.ok(at('qm snapshot 810 pre-features') < featureRun && featureRun < at('qm snapshot 810 post-features'), m.join('\n'));
  assert.ok(at('qm snapshot 810 golden') > featureRun);
  assert.deepEqual(w.conf('vm', 810)!.snapshots.sort(), ['golden', 'post-features', 'pre-features']);
  assert.equal((await w.sim('qm', 'guest', 'exec', '810', '--', 'cat', '/etc/hi')).stdout.includes('hi\\n'), true);
});

test('VM snapshots: a re-run takes none; a changed feature retakes only the snapshots after it', async () => {
  w.mark();
  assert.equal((await w.run('converge')).code, 0);
  assert.deepEqual(mutations(), []);
  userFeature(w, 'hello', '#!/bin/sh\necho hello > /etc/hi\n');
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(snapshotCalls(), ['qm delsnapshot 810 post-features', 'qm snapshot 810 post-features --description taken by phoenix', 'qm delsnapshot 810 golden', 'qm snapshot 810 golden --description taken by phoenix']);
  w.mark();
  assert.equal((await w.run('converge')).code, 0);
  assert.deepEqual(mutations(), []);
});
