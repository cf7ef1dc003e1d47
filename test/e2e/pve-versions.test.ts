// PVE 8.4 and 9.1 differ in defaults Phoenix could otherwise rely on (pct create's `unprivileged`:
// 0 on 8.4, 1 on 9.x). The simulator runs either release (`phoenix sim reset --pve`); Phoenix reads
// the release once per run (pveversion) and sends such options explicitly, so examples/homelab
// comes out the same on both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetState } from '../../src/sim/state/admin.js';
import { isMutatingCall, workspace } from './harness.js';

for (const pve of ['8.4', '9.1'] as const) {
  test(`PVE ${pve}: up on examples/homelab works; every pct create says --unprivileged; pveversion is read once`, async () => {
    const w = workspace({ from: 'examples/homelab' });
    try {
      resetState(w.state, { pve });
      const r = await w.run('--verbose', 'up');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^phoenix: Proxmox VE ${pve.replace('.', '\\.')}\\.\\d+ on node pve$`, 'm'));
      const calls = w.calls();
      assert.equal(calls.filter((c) => c.argv[0] === 'pveversion').length, 1);
      const creates = calls.filter((c) => c.argv[0] === 'pct' && c.argv[1] === 'create');
      assert.ok(creates.length > 0);
      for (const c of creates) assert.ok(c.argv.includes('--unprivileged'), c.argv.join(' '));
      for (const c of creates) assert.equal(w.conf('lxc', Number(c.argv[2]))!.options.unprivileged, '1', c.argv.join(' '));
      // A second run changes nothing.
      w.mark();
      const again = await w.run('up');
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(
        w
          .since()
          .filter(isMutatingCall)
          .map((c) => c.argv.join(' ')),
        [],
      );
    } finally {
      w.cleanup();
    }
  });
}

test('a container whose config leaves unprivileged unset is unprivileged on 8.4 too (Phoenix sends --unprivileged 1)', async () => {
  const w = workspace({
    files: {
      'phoenix_lxc_configs.json': { lxc_configs: { '300': { name: 'ct', template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', memory_mb: 256, storage_pool: 'local-lvm', storage_size_gb: 4 } } },
    },
  });
  try {
    resetState(w.state, { pve: '8.4' });
    const r = await w.run('converge');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const create = w.calls().find((c) => c.argv[1] === 'create')!;
    assert.deepEqual(create.argv.slice(create.argv.indexOf('--unprivileged'), create.argv.indexOf('--unprivileged') + 2), ['--unprivileged', '1']);
    assert.equal(w.conf('lxc', 300)!.options.unprivileged, '1');
  } finally {
    w.cleanup();
  }
});
