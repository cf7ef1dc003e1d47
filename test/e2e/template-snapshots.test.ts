// A template has no snapshots: Proxmox refuses `qm/pct template` on a guest with snapshots and any
// snapshot of a template. An is_template guest's configured snapshots (template_snapshot_name,
// snapshots, enable_lifecycle_snapshots) are therefore not taken; validate says so for each key,
// with file, line and path, before anything runs; the guest is provisioned and converted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isMutatingCall, ORIGINAL, workspace, type Workspace } from './harness.js';

let w: Workspace;

before(() => {
  w = workspace({
    files: {
      'phoenix_vm_configs.json': `{
  "vms": [
    {
      "vmid": 9000,
      "name": "tpl",
      "is_template": true,
      "template_image": "local:import/noble-server-cloudimg-amd64.qcow2",
      "snapshots": ["pre-features", "post-features"],
      "template_snapshot_name": "initial_clean_state",
      "network_config": { "ip": "dhcp" }
    }
  ]
}
`,
      'phoenix_lxc_configs.json': {
        lxc_configs: {
          '700': {
            name: 'ct-template',
            template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            memory_mb: 256,
            storage_pool: 'local-lvm',
            storage_size_gb: 4,
            is_template: true,
            template_snapshot_name: 'final-form',
            enable_lifecycle_snapshots: true,
          },
        },
      },
    },
  });
});
after(() => w.cleanup());

test('validate: each snapshot key of an is_template guest is named, with file, line and path', async () => {
  const r = await w.run('validate');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = r.stdout + r.stderr;
  assert.match(out, /^warning: phoenix_vm_configs\.json:8:7: vms\[0\]\.snapshots: VM 9000 is a template \(is_template\): Proxmox takes no snapshot of a template and makes no template of a VM with snapshots, so Phoenix does not take snapshots "pre-features", "post-features"; clones start from the template itself$/m);
  assert.match(out, /^warning: phoenix_vm_configs\.json:9:7: vms\[0\]\.template_snapshot_name: VM 9000 is a template .* snapshot "initial_clean_state"/m);
  assert.match(out, /^warning: phoenix_lxc_configs\.json:\d+:\d+: lxc_configs\."700"\.template_snapshot_name: container 700 is a template/m);
  assert.match(out, /^warning: phoenix_lxc_configs\.json:\d+:\d+: lxc_configs\."700"\.enable_lifecycle_snapshots: container 700 is a template .* the lifecycle snapshots/m);
});

test('converge: the templates are made, no snapshot is taken of them', async () => {
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const m = w
    .calls()
    .filter(isMutatingCall)
    .map((c) => c.argv.join(' '));
  assert.deepEqual(
    m.filter((c) => / (snapshot|delsnapshot) /.test(c)),
    [],
  );
  assert.ok(m.includes('qm template 9000') && m.includes('pct template 700'), m.join('\n'));
  assert.equal(w.conf('vm', 9000)!.options.template, '1');
  assert.equal(w.conf('lxc', 700)!.options.template, '1');
  assert.deepEqual(w.conf('vm', 9000)!.snapshots, []);
});

test("the original config: validate and plan name 9000's template snapshot before any call", { skip: !existsSync(ORIGINAL) && 'needs ../shared/reference/original-config' }, async () => {
  const o = workspace({ from: ORIGINAL });
  try {
    for (const verb of ['validate', 'plan']) {
      const r = await o.run(verb);
      assert.match(r.stdout + r.stderr, /^warning: phoenix_vm_configs\.json:16:13: vms\[0\]\.template_snapshot_name: VM 9000 is a template \(is_template\): .* snapshot "initial_clean_state"/m, verb);
    }
    assert.deepEqual(o.calls().filter(isMutatingCall), []);
  } finally {
    o.cleanup();
  }
});
