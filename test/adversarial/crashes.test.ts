// Issue 9, item 8: no verb prints a stack trace for a Proxmox or filesystem error. `pct status`
// failing (PHOENIX_SIM_FAULTS=fail=status: the cluster filesystem unreachable), a read-only config
// directory, a full disk under the lock directory (ENOSPC, on a tiny tmpfs: no 0-byte temporary
// lock is left behind). The built CLI runs as a child process against the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const oneCt = () => ({ phoenix_lxc_configs: { lxc_configs: { 300: ctConfig() } } });
const files = (o: Record<string, { lxc_configs: unknown }>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`${k}.json`, v]));

test('status, plan and up report a failing `pct status` without a stack trace (exit 1, guest named)', { skip: NO_CLI }, async (t) => {
  const w = workspace('pctstatus', files(oneCt()));
  t.after(w.cleanup);
  assert.equal((await w.run(['up'])).code, 0);
  for (const verb of ['status', 'plan', 'up', 'start 300', 'stop 300', 'health-check 300', 'delete 300 --yes']) {
    const r = await w.run(verb.split(' '), { env: { PHOENIX_SIM_FAULTS: 'fail=status' } });
    assert.deepEqual(crashLines(r.out), [], `${verb}: a crash instead of a diagnostic:\n${r.out}`);
    assert.equal(r.code, 1, `${verb}: exit ${r.code}\n${r.out}`);
    assert.match(r.stderr, /300.*ipcc_send_rec\[1\] failed: Connection refused/, verb);
  }
});

test('status with the simulator state in a read-only config directory: a diagnostic, no stack trace', { skip: NO_CLI }, async (t) => {
  const w = workspace('rocfg', files(oneCt()));
  const simInConfig = { PHOENIX_SIM_STATE: undefined };
  assert.equal((await w.run(['up'], { env: simInConfig })).code, 0);
  const ro = join(w.root, 'ro');
  mkdirSync(ro);
  try {
    execFileSync('mount', ['--bind', w.config, ro], { stdio: 'ignore' });
    execFileSync('mount', ['-o', 'remount,bind,ro', ro], { stdio: 'ignore' });
  } catch {
    w.cleanup();
    t.skip('cannot bind-mount read-only here (needs root)');
    return;
  }
  t.after(() => {
    execFileSync('umount', [ro]);
    w.cleanup();
  });
  // A sim state never written in the read-only directory: every pct call fails there.
  for (const verb of ['status', 'plan', 'up', 'start 300']) {
    const r = await w.run([...verb.split(' '), '--config', ro], { env: { ...simInConfig, PHOENIX_SIM_STATE: join(ro, 'elsewhere') } });
    assert.deepEqual(crashLines(r.out), [], `${verb}: a crash instead of a diagnostic:\n${r.out}`);
    assert.ok(r.code === 1 || r.code === 2, `${verb}: exit ${r.code}\n${r.out}`);
  }
});

test('a full disk under the lock directory (ENOSPC): exit 2 naming it, no stack trace, no 0-byte temporary lock left', { skip: NO_CLI }, async (t) => {
  const w = workspace('enospc', files(oneCt()));
  const locks = join(w.root, 'tiny');
  mkdirSync(locks);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', locks], { stdio: 'ignore' });
  } catch {
    w.cleanup();
    t.skip('cannot mount a tmpfs here (needs root)');
    return;
  }
  t.after(() => {
    execFileSync('umount', [locks]);
    w.cleanup();
  });
  mkdirSync(join(locks, 'guests'));
  try {
    writeFileSync(join(locks, 'fill'), Buffer.alloc(64 * 1024));
  } catch {
    /* the tmpfs is full now */
  }
  for (const verb of ['up', 'converge', 'start 300']) {
    const r = await w.run(verb.split(' '), { env: { PHOENIX_LOCK_DIR: locks } });
    assert.deepEqual(crashLines(r.out), [], `${verb}: a crash instead of a diagnostic:\n${r.out}`);
    assert.equal(r.code, 2, `${verb}: exit ${r.code}\n${r.out}`);
    assert.match(r.stderr, /lock directory .*tiny.*ENOSPC/, verb);
    assert.deepEqual(readdirSync(join(locks, 'guests')), [], `${verb}: files left in the lock directory`);
  }
});
