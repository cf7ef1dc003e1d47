// A `pct clone` killed half-way leaves `lock: disk` on its SOURCE (pve-container API2/LXC.pm
// clone_vm sets it for the whole clone; a dead worker never removes it). When Phoenix's journal
// says the clone was its own, the next run unlocks the source and clones again; a source locked
// with no journal entry of Phoenix's is left alone and reported.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { lockedGuests, readGuests, stateProblems } from '../helpers/sim-state.js';

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-clonesrc-'));
  const config = join(root, 'config');
  mkdirSync(config);
  writeFileSync(join(config, 'phoenix_hypervisor_config.json'), JSON.stringify({ version: '1.0.0', domain_name: 't.arpa', network: { default_subnet: '10.9.0.0/24' } }));
  const ct = (name: string, ip: string) => ({
    name,
    storage_pool: 'local-lvm',
    storage_size_gb: 2,
    memory_mb: 256,
    network_config: { name: 'eth0', bridge: 'vmbr0', ip, gw: '10.9.0.1' },
  });
  writeFileSync(
    join(config, 'phoenix_lxc_configs.json'),
    JSON.stringify({
      lxc_configs: {
        300: { ...ct('base', '10.9.0.30/24'), template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', template_snapshot_name: 'ready' },
        301: { ...ct('copy', '10.9.0.31/24'), clone_from_ctid: '300' },
      },
    }),
  );
  const state = join(root, 'sim');
  const log = join(root, 'calls.jsonl');
  const run = (verb: string) =>
    runCliCaptured([verb, '--config', config, '--driver', 'sim'], {
      cwd: root,
      env: { PHOENIX_CONFIG: undefined, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, PHOENIX_LOCK_DIR: join(root, 'locks') },
    });
  const calls = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { argv: string[] }).argv.join(' '))
      : [];
  /** CT 301 gone again, and a `pct clone 300 301` killed half-way (the sim's `killed` fault). */
  const killClone = async () => {
    const { runSim } = await import('../../src/sim/index.js');
    await runSim(['pct', 'stop', '301'], { stateDir: state, env: {} });
    const gone = await runSim(['pct', 'destroy', '301', '--purge'], { stateDir: state, env: {} });
    assert.equal(gone.exitCode, 0, gone.stderr);
    const killed = await runSim(['pct', 'clone', '300', '301', '--snapname', 'ready', '--hostname', 'copy'], { stateDir: state, env: { PHOENIX_SIM_FAULTS: 'rate=1,seed=1,kinds=killed' } });
    assert.match(killed.stderr, /interrupted by signal/);
    assert.deepEqual(lockedGuests(state), ['300 (lock: disk)', '301 (lock: create)']);
  };
  const journal = (entry: object) => {
    mkdirSync(join(config, '.phoenix', 'in-flight'), { recursive: true });
    writeFileSync(join(config, '.phoenix', 'in-flight', '301'), JSON.stringify({ ...entry, pid: 999999, at: new Date().toISOString() }));
  };
  return { root, config, state, run, calls, killClone, journal, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('a pct clone killed with Phoenix: the next run unlocks the source, redoes the clone, and the source clones again', async (t) => {
  const w = setup();
  t.after(w.cleanup);
  assert.equal((await w.run('up')).code, 0);
  await w.killClone();
  w.journal({ op: 'define', source: 300 });

  const plan = await w.run('plan');
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /unlock clone source 300 \(lock: disk\)/);
  assert.doesNotMatch(plan.stdout, /not Phoenix's/);

  const before = w.calls().length;
  const r = await w.run('up');
  assert.equal(r.code, 0, r.stderr);
  const after = w
    .calls()
    .slice(before)
    .filter((c) => /^pct (unlock|destroy|clone)/.test(c))
    .map((c) => c.split(' ').slice(0, 3).join(' '));
  assert.deepEqual(after, ['pct unlock 300', 'pct unlock 301', 'pct destroy 301', 'pct clone 300']);
  assert.deepEqual(lockedGuests(w.state), []);
  assert.deepEqual(stateProblems(w.state, [300, 301]), []);
  assert.deepEqual(
    readGuests(w.state).map((x) => x.vmid),
    [300, 301],
  );
  assert.ok(!existsSync(join(w.config, '.phoenix', 'in-flight', '301')), 'journal entry cleared');
});

test('a clone source locked by someone else (no journal entry of ours) is reported, never unlocked', async (t) => {
  const w = setup();
  t.after(w.cleanup);
  assert.equal((await w.run('up')).code, 0);
  await w.killClone();
  // Somebody else's clone: no entry in Phoenix's journal. Its half-made target is not ours either.
  const plan = await w.run('plan');
  assert.equal(plan.code, 0, plan.stderr);
  assert.doesNotMatch(plan.stdout, /unlock clone source/);
  const before = w.calls().length;
  const r = await w.run('plan');
  assert.equal(r.code, 0);
  assert.deepEqual(
    w
      .calls()
      .slice(before)
      .filter((c) => /^pct unlock/.test(c)),
    [],
  );
  // The source's own converge reports the lock it cannot touch (CT 301 exists: it is adopted).
  assert.deepEqual(lockedGuests(w.state), ['300 (lock: disk)', '301 (lock: create)']);

  // With the target gone, the clone that would be made names the source's foreign lock.
  const { runSim } = await import('../../src/sim/index.js');
  await runSim(['pct', 'unlock', '301'], { stateDir: w.state, env: {} });
  await runSim(['pct', 'destroy', '301', '--purge'], { stateDir: w.state, env: {} });
  const plan2 = await w.run('plan');
  assert.equal(plan2.code, 0, plan2.stderr);
  assert.match(plan2.stdout, /clone source 300 is locked \(disk\) by a task that is not Phoenix's: left alone/);
  assert.deepEqual(lockedGuests(w.state), ['300 (lock: disk)']);
});
