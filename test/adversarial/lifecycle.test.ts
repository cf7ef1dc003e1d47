// Issue 9, item 9: `start` never starts a guest that never converged. A clone whose post-clone
// `pct set` failed still carries its source's address; starting it would put two guests on one
// IP. The run records the guest as not configured until its configuration is applied; `start`
// (and `restart`, `up`'s boot phase) refuse it and say to run `converge`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const conf = (state: string, id: number) => readFileSync(join(state, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');

test("start refuses a clone whose post-clone set failed (it has its source's IP) and says to run converge", { skip: NO_CLI }, async (t) => {
  const w = workspace('halfclone', {
    'phoenix_lxc_configs.json': {
      lxc_configs: {
        300: ctConfig({ name: 'src', template_snapshot_name: 'ready' }),
        310: ctConfig({ name: 'copy', clone_from_ctid: '300', network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.51/24', gw: '192.168.10.1' } }),
      },
    },
  });
  t.after(w.cleanup);
  assert.equal((await w.run(['converge', '300'])).code, 0);
  const r1 = await w.run(['converge', '310'], { env: { PHOENIX_SIM_FAULTS: 'fail=set' } });
  assert.equal(r1.code, 1, r1.out);
  assert.match(conf(w.state, 310), /ip=192\.168\.10\.50\//, "the clone still has its source's address");
  for (const verb of ['start', 'restart']) {
    const r = await w.run([verb, '310']);
    assert.deepEqual(crashLines(r.out), [], r.out);
    assert.equal(r.code, 1, `${verb}: exit ${r.code}\n${r.out}`);
    assert.match(r.stderr, /310.*never (converged|configured).*phoenix converge 310/, `${verb}:\n${r.out}`);
    assert.doesNotMatch(conf(w.state, 310), /^lock:/m);
    assert.ok(!/status: running/.test(r.out));
  }
  const st = await w.run(['status', '310', '--json']);
  assert.equal(JSON.parse(st.stdout)[0].status, 'stopped', st.out);
  // converge applies the configuration; from then on the guest starts normally.
  const r2 = await w.run(['converge', '310']);
  assert.equal(r2.code, 0, r2.out);
  assert.match(conf(w.state, 310), /ip=192\.168\.10\.51\//);
  assert.equal((await w.run(['stop', '310'])).code, 0);
  const r3 = await w.run(['start', '310']);
  assert.equal(r3.code, 0, r3.out);
});
