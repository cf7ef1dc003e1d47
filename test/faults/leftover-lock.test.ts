// A task killed half-way (the simulator's `killed` fault: the operation ran, then the task died
// leaving `lock: <op>` and `interrupted by signal`): redone in the same run (retry), or by the next
// run from Phoenix's in-flight journal when Phoenix itself was killed; the plan shows it. The end
// is one guest, one volume, its snapshot, no lock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { lockedGuests, readGuests, stateProblems } from '../helpers/sim-state.js';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-leftover-'));
  const config = join(root, 'config');
  mkdirSync(config);
  writeFileSync(join(config, 'phoenix_hypervisor_config.json'), JSON.stringify({ version: '1.0.0', domain_name: 't.arpa', network: { default_subnet: '10.9.0.0/24' } }));
  writeFileSync(
    join(config, 'phoenix_lxc_configs.json'),
    JSON.stringify({
      lxc_configs: {
        300: {
          name: 'solo',
          template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          storage_pool: 'local-lvm',
          storage_size_gb: 2,
          memory_mb: 256,
          network_config: { name: 'eth0', bridge: 'vmbr0', ip: '10.9.0.30/24', gw: '10.9.0.1' },
          template_snapshot_name: 'ready',
        },
      },
    }),
  );
  const state = join(root, 'sim');
  const log = join(root, 'calls.jsonl');
  const run = (verb: string, faults?: string) =>
    runCliCaptured([verb, '--config', config, '--driver', 'sim'], {
      cwd: root,
      env: { PHOENIX_CONFIG: undefined, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: faults, PHOENIX_LOCK_DIR: join(root, 'locks') },
    });
  const calls = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { argv: string[] }).argv.join(' '))
      : [];
  return { root, config, state, run, calls, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('a create whose task dies (lock: create left behind) is redone in the same run', async (t) => {
  const w = setup();
  t.after(w.cleanup);
  // A seed whose first mutating call (the create) is killed and the next dozen are not.
  const { faultFor } = await import('../../src/sim/faults/spec.js');
  const spec = (seed: number) => ({ rate: 0.5, seed, kinds: ['killed' as const] });
  let seed = 1;
  while (!(faultFor(spec(seed), 0) && Array.from({ length: 12 }, (_, i) => faultFor(spec(seed), i + 1)).every((k) => !k))) seed++;
  const r1 = await w.run('up', `rate=0.5,seed=${seed},kinds=killed`);
  assert.equal(r1.code, 0, r1.stderr);
  assert.deepEqual(
    w
      .calls()
      .filter((c) => /^pct (unlock|destroy|create) 300/.test(c))
      .map((c) => c.split(' ').slice(0, 3).join(' ')),
    ['pct create 300', 'pct unlock 300', 'pct destroy 300', 'pct create 300'],
  );
  assert.deepEqual(lockedGuests(w.state), []);
  assert.deepEqual(stateProblems(w.state, [300]), []);
  assert.deepEqual(
    readGuests(w.state).map((x) => [x.vmid, x.volumes, x.snapshots]),
    [[300, ['local-lvm:vm-300-disk-0'], ['ready']]],
  );
});

test('a create left half-made by a killed run: the plan says so, the next run redoes it', async (t) => {
  const w = setup();
  t.after(w.cleanup);
  // Phoenix killed (-9) during `pct create 300`, the task dying with it: the CT exists with
  // lock: create, and Phoenix's journal still names the define it started.
  const { runSim } = await import('../../src/sim/index.js');
  const killed = await runSim(['pct', 'create', '300', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--rootfs', 'local-lvm:2'], { stateDir: w.state, env: { PHOENIX_SIM_FAULTS: 'rate=1,seed=1,kinds=killed' } });
  assert.match(killed.stderr, /interrupted by signal/);
  mkdirSync(join(w.config, '.phoenix', 'in-flight'), { recursive: true });
  writeFileSync(join(w.config, '.phoenix', 'in-flight', '300'), JSON.stringify({ op: 'define', pid: 999999, at: new Date().toISOString() }));
  assert.deepEqual(lockedGuests(w.state), ['300 (lock: create)']);

  const plan = await w.run('plan');
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /remove the half-made container 300 \(lock: create\) and make it again/);

  const before = w.calls().length;
  const r2 = await w.run('up');
  assert.equal(r2.code, 0, r2.stderr);
  const after = w.calls().slice(before);
  assert.deepEqual(
    after.filter((c) => /^pct (unlock|destroy|create) 300/.test(c)).map((c) => c.split(' ').slice(0, 3).join(' ')),
    ['pct unlock 300', 'pct destroy 300', 'pct create 300'],
  );
  assert.deepEqual(lockedGuests(w.state), []);
  assert.deepEqual(stateProblems(w.state, [300]), []);
  assert.deepEqual(
    readGuests(w.state).map((x) => [x.vmid, x.volumes, x.snapshots]),
    [[300, ['local-lvm:vm-300-disk-0'], ['ready']]],
  );
  assert.ok(!existsSync(join(w.config, '.phoenix', 'in-flight', '300')), 'journal entry cleared');

  // And a third run has nothing to do.
  const mark = w.calls().length;
  assert.equal((await w.run('converge')).code, 0);
  assert.deepEqual(
    w
      .calls()
      .slice(mark)
      .filter((c) => /^pct (create|destroy|unlock|set|snapshot|delsnapshot|clone|start)/.test(c)),
    [],
  );
});

test('a snapshot killed half-way is unlocked and taken again on the next run', async (t) => {
  const w = setup();
  t.after(w.cleanup);
  assert.equal((await w.run('up')).code, 0);
  // Phoenix killed (-9) while `pct snapshot 300 ready` ran, and the task died with it: the
  // snapshot may be half-taken and the CT says lock: snapshot. Recreate exactly that: the task
  // (killed fault) and Phoenix's journal entry for it, as the killed run left them.
  const { runSim } = await import('../../src/sim/index.js');
  await runSim(['pct', 'delsnapshot', '300', 'ready'], { stateDir: w.state, env: {} });
  const killed = await runSim(['pct', 'snapshot', '300', 'ready'], { stateDir: w.state, env: { PHOENIX_SIM_FAULTS: 'rate=1,seed=1,kinds=killed' } });
  assert.match(killed.stderr, /interrupted by signal/);
  mkdirSync(join(w.config, '.phoenix', 'in-flight'), { recursive: true });
  writeFileSync(join(w.config, '.phoenix', 'in-flight', '300'), JSON.stringify({ op: 'snapshot', name: 'ready', pid: 999999, at: new Date().toISOString() }));
  assert.deepEqual(lockedGuests(w.state), ['300 (lock: snapshot)']);
  const before = w.calls().length;
  const r2 = await w.run('converge');
  assert.equal(r2.code, 0, r2.stderr);
  const after = w
    .calls()
    .slice(before)
    .filter((c) => /^pct (unlock|delsnapshot|snapshot) 300/.test(c));
  assert.deepEqual(
    after.map((c) => c.split(' ').slice(0, 4).join(' ')),
    ['pct unlock 300', 'pct delsnapshot 300 ready', 'pct snapshot 300 ready'],
  );
  assert.deepEqual(lockedGuests(w.state), []);
  assert.deepEqual(readGuests(w.state)[0].snapshots, ['ready']);
});
