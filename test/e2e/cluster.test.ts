// A three-node cluster end to end (issue 12), through the CLI and the simulator's nodes: guests go
// where `node` says or where the placement rule puts them (the plan says why), each guest's calls
// go to its node, a guest moved to another node out of band is found there and never made again,
// and a clone to another node from local storage is refused before anything runs (exit 2).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSim } from '../../src/sim/frontend/run.js';
import { isMutatingCall, TEST_DRIVER, workspace, type Workspace } from './harness.js';
import { runCliCaptured } from '../helpers/cli.js';

const LXC = 'phoenix_lxc_configs.json';
const HYP = 'phoenix_hypervisor_config.json';
const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
let w: Workspace;

const ct = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: TEMPLATE, memory_mb: 1024, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true, ...extra });
/** The node whose directory holds the CT's config (and only that one). */
const nodeOf = (id: number) => ['pve1', 'pve2', 'pve3'].filter((n) => existsSync(join(w.state, 'etc/pve/nodes', n, 'lxc', `${id}.conf`)));
/** The log lines since the mark, with their node. */
function loggedSince(from: number): Array<{ argv: string[]; node?: string; exit: number }> {
  return readFileSync(w.log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(from)
    .map((l) => JSON.parse(l) as { argv: string[]; node?: string; exit: number });
}
const lineCount = () => (existsSync(w.log) ? readFileSync(w.log, 'utf8').split('\n').filter(Boolean).length : 0);

before(async () => {
  w = workspace({
    files: {
      [HYP]: { nodes: ['pve1', 'pve2', 'pve3'] },
      [LXC]: {
        lxc_configs: {
          '200': ct('base', { node: 'pve1', is_template: true }),
          '210': { name: 'web', clone_from_ctid: 200, memory_mb: 512 },
          '300': ct('free-a', { memory_mb: 2048 }),
          '301': ct('free-b', { memory_mb: 2048 }),
          '400': ct('pinned', { node: 'pve3', memory_mb: 512 }),
        },
      },
    },
  });
  const r = await w.run('sim', 'reset', '--nodes', 'pve1,pve2,pve3');
  assert.equal(r.code, 0, r.stdout + r.stderr);
});
after(() => w?.cleanup());

test('cluster: the plan places each guest and says why; up puts them there, each call on its node', async () => {
  const plan = await w.run('plan');
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /on pve1 \(its node\)/);
  assert.match(plan.stdout, /on pve1 with its clone source 200 \(local storage local-lvm\)/);
  // pve1 has 200 and 210 (1.5 GiB) against it; pve2 and pve3 tie, the first listed wins; then pve3.
  assert.match(plan.stdout, /placed on pve2: most free memory \(62\.0 GiB\) among pve1, pve2, pve3 holding local-lvm, local/);
  assert.match(plan.stdout, /placed on pve3: most free memory \(62\.0 GiB\) among pve1, pve2, pve3 holding local-lvm, local/);
  assert.match(plan.stdout, /on pve3 \(its node\)/);

  const from = lineCount();
  const up = await w.run('converge');
  assert.equal(up.code, 0, up.stdout + up.stderr);
  assert.deepEqual([200, 210, 300, 301, 400].map(nodeOf), [['pve1'], ['pve1'], ['pve2'], ['pve3'], ['pve3']]);
  // Every pct call about a guest ran on that guest's node.
  const wrong = loggedSince(from).filter((c) => {
    if (c.argv[0] !== 'pct') return false;
    const id = Number(c.argv[1] === 'clone' ? c.argv[3] : c.argv[2]);
    const want = { 200: 'pve1', 210: 'pve1', 300: 'pve2', 301: 'pve3', 400: 'pve3' }[c.argv[1] === 'clone' ? Number(c.argv[2]) : id];
    return want !== undefined && c.node !== want;
  });
  assert.deepEqual(wrong, []);
  // A second run changes nothing.
  w.mark();
  const again = await w.run('converge');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(w.since().filter(isMutatingCall), []);
});

test('cluster: a guest moved to another node out of band is found there and managed there, not made again', async () => {
  const stop = await runSim(['pct', 'stop', '300'], { stateDir: w.state, env: { PHOENIX_SIM_NODE: 'pve2' } });
  assert.equal(stop.exitCode, 0, stop.stderr);
  const mv = await w.run('sim', 'move', '300', 'pve3');
  assert.equal(mv.code, 0, mv.stdout + mv.stderr);
  const from = lineCount();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(nodeOf(300), ['pve3']);
  const about300 = loggedSince(from).filter((c) => c.argv[0] === 'pct' && c.argv[2] === '300');
  assert.ok(!about300.some((c) => c.argv[1] === 'create'), 'not re-created');
  // It was started again (converge wants it running), on pve3 where it is now.
  assert.ok(about300.some((c) => c.argv[1] === 'start' && c.node === 'pve3'));
  assert.ok(about300.every((c) => c.node === 'pve3'));
  // A verb that reads no plan (stop) finds it there too.
  const before = lineCount();
  const stop2 = await w.run('stop', '300');
  assert.equal(stop2.code, 0, stop2.stdout + stop2.stderr);
  assert.deepEqual(
    loggedSince(before)
      .filter((c) => c.argv[0] === 'pct' && c.argv[2] === '300')
      .map((c) => [c.argv[1], c.node]),
    [
      ['status', 'pve3'],
      ['shutdown', 'pve3'],
      ['status', 'pve3'],
    ],
  );
});

test('cluster: a clone to another node from local storage is refused before anything runs (exit 2, guest and field named)', async () => {
  w.edit(LXC, (doc) => {
    doc.lxc_configs['220'] = { name: 'far', clone_from_ctid: 200, node: 'pve2' };
  });
  w.mark();
  const r = await w.run('create', '220');
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /phoenix_lxc_configs\.json.*lxc_configs\.(220|"220")\.node/);
  assert.match(r.stderr, /cannot clone 200 \(on pve1\) to pve2: its disks are on storage that is not shared \(local-lvm\)/);
  assert.deepEqual(w.since().filter(isMutatingCall), []);
  assert.deepEqual(nodeOf(220), []);
  // The plan lists it too, and exits 2.
  const plan = await w.run('plan', '220');
  assert.equal(plan.code, 2);
});

test('cluster: placement skips nodes without the storage a guest needs and counts running guests and earlier placements against free memory', async () => {
  const v = workspace({
    files: {
      [HYP]: { nodes: ['pve1', 'pve2', 'pve3'] },
      [LXC]: {
        lxc_configs: {
          '500': ct('fast-one', { storage_pool: 'fast' }),
          '501': ct('anywhere', { memory_mb: 4096 }),
          '502': ct('anywhere-too', { memory_mb: 4096 }),
        },
      },
    },
  });
  try {
    assert.equal((await v.run('sim', 'reset', '--nodes', 'pve1,pve2,pve3')).code, 0);
    assert.equal((await v.run('sim', 'add-storage', 'fast', '--type', 'lvmthin', '--content', 'rootdir,images', '--nodes', 'pve3')).code, 0);
    // A running 32 GiB guest on pve2 (not in the config).
    const on2 = (...argv: string[]) => runSim(argv, { stateDir: v.state, env: { PHOENIX_SIM_NODE: 'pve2' } });
    assert.equal((await on2('pct', 'create', '900', TEMPLATE, '--rootfs', 'local-lvm:1', '--memory', '32768')).exitCode, 0);
    assert.equal((await on2('pct', 'start', '900')).exitCode, 0);
    const plan = await v.run('plan');
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    // 500 needs `fast`: only pve3 has it. 501: pve1 and pve3 have 62 GiB free, pve2 30; pve3 has 500's 1 GiB against it.
    assert.match(plan.stdout, /placed on pve3: most free memory \(62\.0 GiB\) among pve3 holding fast, local/);
    assert.match(plan.stdout, /placed on pve1: most free memory \(62\.0 GiB\) among pve1, pve2, pve3 holding local-lvm, local/);
    // 502: pve1 has 501's 4 GiB against it now (58), pve3 61.
    assert.match(plan.stdout, /placed on pve3: most free memory \(61\.0 GiB\) among pve1, pve2, pve3 holding local-lvm, local/);
  } finally {
    v.cleanup();
  }
});

test("cluster through pve-cli: the pct/qm shims on PATH run on each guest's node", { skip: (TEST_DRIVER === 'api' && 'pve-cli-specific (runs in the --driver sim pass)') || (!existsSync(join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js')) && 'needs dist/sim-cli.js (npm test builds it)') }, async () => {
  const v = workspace({
    files: {
      [HYP]: { nodes: ['pve2', 'pve3'] },
      [LXC]: { lxc_configs: { '700': ct('shim-a', { node: 'pve1' }), '701': ct('shim-b'), '702': ct('shim-c') } },
    },
  });
  try {
    assert.equal((await v.run('sim', 'reset', '--nodes', 'pve1,pve2,pve3')).code, 0);
    const p = await runCliCaptured(['sim', 'path'], { env: v.env, cwd: v.root });
    assert.equal(p.code, 0, p.stderr);
    const env = { ...v.env, PATH: `${p.stdout.trim()}:${process.env.PATH}` };
    const r = await runCliCaptured(['converge', '--config', v.config, '--driver', 'pve-cli'], { env, cwd: v.root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /built-in simulator/);
    const at = (id: number) => ['pve1', 'pve2', 'pve3'].filter((n) => existsSync(join(v.state, 'etc/pve/nodes', n, 'lxc', `${id}.conf`)));
    assert.deepEqual([700, 701, 702].map(at), [['pve1'], ['pve2'], ['pve3']]);
  } finally {
    v.cleanup();
  }
});
