// `is_template` containers: provisioned once (created, started, features, snapshots), shut down
// and converted with `pct template`; clones are made from the template directly; later runs only
// verify it (Proxmox refuses to start a template) and make no mutating call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isMutatingCall, userFeature, workspace, type Workspace } from './harness.js';

let w: Workspace;
const mutations = () =>
  w
    .since()
    .filter(isMutatingCall)
    .map((c) => c.argv.join(' '));

before(() => {
  w = workspace({
    files: {
      'phoenix_lxc_configs.json': {
        lxc_configs: {
          '700': {
            name: 'ct-template',
            template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            memory_mb: 256,
            cores: 1,
            storage_pool: 'local-lvm',
            storage_size_gb: 4,
            is_template: true,
            features: ['stamp'],
          },
          '701': { name: 'from-template', clone_from_ctid: '700', memory_mb: 512, storage_pool: 'local-lvm', full_clone: true },
        },
      },
    },
  });
  userFeature(w, 'stamp', '#!/bin/sh\necho stamped > /etc/stamp\n');
});
after(() => w.cleanup());

test('an is_template CT is provisioned, shut down and converted once; its clone is made from it', async () => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const m = mutations();
  const order = (s: string) => m.findIndex((c) => c.startsWith(s));
  assert.ok(order('pct create 700') < order('pct start 700'));
  assert.ok(order('pct start 700') < order('pct exec 700') || order('pct exec 700') === -1);
  assert.ok(order('pct shutdown 700') < order('pct template 700'), m.join('\n'));
  assert.ok(order('pct template 700') < order('pct clone 700 701'), m.join('\n'));
  assert.equal(m.filter((c) => c === 'pct template 700').length, 1);
  assert.equal(w.conf('lxc', 700)!.options.template, '1');
  assert.equal(w.conf('lxc', 701)!.options.memory, '512');
  // The clone carries what the template was provisioned with.
  assert.equal((await w.sim('pct', 'exec', '701', '--', 'cat', '/etc/stamp')).stdout, 'stamped\n');
});

test('later runs only verify the template: zero mutating calls', async () => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(mutations(), []);
  // Verified from the node's bulk read: no call of its own.
  assert.deepEqual(
    w
      .since()
      .filter((c) => c.argv[2] === '700')
      .map((c) => c.argv.slice(0, 2).join(' ')),
    [],
  );
});
