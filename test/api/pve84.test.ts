// `up --driver api` on a simulated Proxmox VE 8.4 host: every request it sent is valid per 8.4's own
// API schema (apidata-pve8.4.js), where options and defaults differ from 9.x.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resetState } from '../../src/sim/index.js';
import { runCliCaptured } from '../helpers/cli.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { workspace } from '../e2e/harness.js';
import { schemaProblems, simApi } from './sim-api.js';

test('up --driver api on PVE 8.4: the guests are made, and every request is valid per apidata-pve8.4.js', { skip: !haveApiSchemas() && 'needs ../shared/pve/apidata-pve8.4.js (absent)' }, async () => {
  const w = workspace({
    files: {
      'phoenix_lxc_configs.json': { lxc_configs: { '700': { name: 'old-ct', template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', memory_mb: 256, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, network_config: { name: 'eth0', bridge: 'vmbr0', ip: 'dhcp' } } } },
      'phoenix_vm_configs.json': { vms: [{ vmid: 710, name: 'old-vm', template_image: 'local:import/debian-12-genericcloud-amd64.qcow2', cores: 1, memory_mb: 1024, disk_size_gb: 6, storage_pool: 'local-lvm', network_bridge: 'vmbr0', network_config: { ip: 'dhcp' } }] },
    },
  });
  resetState(w.env.PHOENIX_SIM_STATE!, { pve: '8.4' });
  const f = await simApi({ state: w.env.PHOENIX_SIM_STATE, env: w.env });
  try {
    const r = await runCliCaptured(['up', '--config', w.config, '--driver', 'api'], { env: { ...w.env, ...f.env }, cwd: w.root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(w.confText('lxc', 700) ?? '', /^unprivileged: 1$/m, 'sent explicitly: 8.4 would default to privileged');
    assert.ok(w.confText('vm', 710));
    assert.deepEqual(schemaProblems(f.requests, '8.4'), []);
  } finally {
    await f.close();
    w.cleanup();
  }
});
