// Issue 11: a failing pct/qm call read as Proxmox's raw text. Now it names the guest, the step,
// the config field that led to the step, and Proxmox's own text last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

test("a failing pct call names the guest, the step and the config field, Proxmox's text last", { skip: NO_CLI }, async (t) => {
  const w = workspace('callfail', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ template_snapshot_name: 'base' }) } } });
  t.after(w.cleanup);
  // Every `pct snapshot` fails as when pmxcfs is down (the simulator's fault layer).
  const r = await w.run(['converge'], { env: { PHOENIX_SIM_FAULTS: 'fail=snapshot' } });
  assert.deepEqual(crashLines(r.out), []);
  assert.equal(r.code, 1, r.out);
  assert.match(r.stderr, /^phoenix: guest 300: ct, step snapshot \(phoenix_lxc_configs\.json: lxc_configs\."300"\.template_snapshot_name\): pct snapshot 300 \.\.\.: ipcc_send_rec\[1\] failed: Connection refused$/m);
});
