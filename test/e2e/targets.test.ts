// Guests named by id, name or tag on the command line (examples/homelab on the simulator):
// `plan docker-host`, `converge --tag edge`, `--exclude 9100`, `health-check` with no ids, and
// what a typo gets (exit 2, "did you mean", nothing run).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isMutatingCall, vmidOf, workspace, type Workspace } from './harness.js';

let w: Workspace;
before(() => {
  w = workspace({ from: join(import.meta.dirname, '..', '..', 'examples', 'homelab') });
  w.edit('phoenix_lxc_configs.json', (d) => {
    d.lxc_configs['220'].tags = ['edge'];
  });
});
after(() => w?.cleanup());

test('plan docker-host plans 210 and what it needs, nothing else', async () => {
  const r = await w.run('plan', 'docker-host');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^\+ lxc 210 docker-host\b/m);
  assert.match(r.stdout, /^\+ lxc 200 base-debian\b/m);
  assert.doesNotMatch(r.stdout, /\b(220|9000|9100)\b/);
});

test('plan --exclude 9100 plans every guest but 9100', async () => {
  const r = await w.run('plan', '--exclude', '9100');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const id of ['200', '210', '220', '9000']) assert.match(r.stdout, new RegExp(`^\\+ (lxc|vm) ${id} `, 'm'));
  assert.doesNotMatch(r.stdout, /^\+ vm 9100 /m);
});

test('a name that matches nothing: exit 2, "did you mean", no call at all', async () => {
  w.mark();
  const r = await w.run('converge', 'dokcer-host');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^phoenix: no guest with id, name or tag "dokcer-host" in the config\nhint: did you mean "docker-host" for "dokcer-host"\?$/m);
  assert.deepEqual(w.since().filter(isMutatingCall), []);
});

test('converge --tag edge creates 220 and its base, nothing else; health-check with no ids checks every guest', async () => {
  const r = await w.run('converge', '--tag', 'edge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const made = [...new Set(w.calls().filter(isMutatingCall).map(vmidOf))].sort();
  assert.deepEqual(made, [200, 220]);
  const h = await w.run('health-check');
  // Guests not created yet are reported; the two that exist are checked.
  for (const id of ['200', '210', '220', '9000', '9100']) assert.match(h.stdout, new RegExp(`^${id}\\s`, 'm'), h.stdout);
});
