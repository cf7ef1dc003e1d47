// `--driver api` on a three-node cluster (issue 12): one ApiDriver per node behind the cluster
// driver, so every request about a guest goes to `/nodes/{its node}/…`, a container's feature
// runs on its node, an offline node stops only the runs that need it, and a node with no way in
// for what the API cannot do says what to set. Through `phoenix sim serve`'s API (test/api/sim-api.ts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliCaptured } from '../helpers/cli.js';
import { runSim } from '../../src/sim/frontend/run.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { userFeature, workspace, type Workspace } from '../e2e/harness.js';
import { schemaProblems, simApi, type SimApiFixture } from './sim-api.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const ct = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: TEMPLATE, memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 2, unprivileged: true, ...extra });
const FILES = {
  'phoenix_hypervisor_config.json': { nodes: ['pve1', 'pve2', 'pve3'] },
  'phoenix_lxc_configs.json': {
    lxc_configs: {
      '810': ct('two', { node: 'pve2', features: ['stamp'] }),
      '811': ct('three', { node: 'pve3' }),
    },
  },
};

let w: Workspace;
let f: SimApiFixture;
/** The server's environment, read at each request (a test turns a node offline). */
let live: Record<string, string | undefined>;
const api = (env: Record<string, string | undefined>, ...argv: string[]) => runCliCaptured([...argv, '--config', w.config, '--driver', 'api'], { env: { ...w.env, ...f.env, ...env }, cwd: w.root });
const at = (id: number) => ['pve1', 'pve2', 'pve3'].filter((n) => existsSync(join(w.state, 'etc/pve/nodes', n, 'lxc', `${id}.conf`)));
/** The node a request's path names, for the requests about one guest. */
const nodesFor = (from: number, vmid: number) => [...new Set(f.requests.slice(from).flatMap((r) => (new RegExp(`^/nodes/([^/]+)/(lxc|qemu)/${vmid}(/|$)`).exec(r.path) ? [r.path.split('/')[2]] : [])))];

before(async () => {
  w = workspace({ files: FILES });
  userFeature(w, 'stamp', '#!/bin/sh\nset -eu\necho stamped > /etc/stamp\n');
  assert.equal((await w.run('sim', 'reset', '--nodes', 'pve1,pve2,pve3')).code, 0);
  live = { ...process.env, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, ...w.env };
  f = await simApi({ state: w.state, liveEnv: live });
});
after(async () => {
  await f?.close();
  w?.cleanup();
});

test('api cluster: each guest is made on its node; every request about it names that node; its feature ran there', async () => {
  const from = f.requests.length;
  const r = await api({}, 'up');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual([810, 811].map(at), [['pve2'], ['pve3']]);
  assert.deepEqual(nodesFor(from, 810), ['pve2']);
  assert.deepEqual(nodesFor(from, 811), ['pve3']);
  // The create itself: POST /nodes/pve2/lxc with vmid 810.
  assert.ok(f.requests.slice(from).some((q) => q.method === 'POST' && q.path === '/nodes/pve2/lxc' && q.params.vmid === '810'));
  // The feature (pct push + pct exec: no API) ran on pve2's node, in the container there.
  assert.equal((await runSim(['pct', 'exec', '810', '--', 'cat', '/etc/stamp'], { stateDir: w.state, env: { PHOENIX_SIM_NODE: 'pve2' } })).stdout, 'stamped\n');
  const execs = w.calls().filter((c) => c.argv[0] === 'pct' && c.argv[1] === 'exec' && c.argv[2] === '810');
  assert.ok(execs.length > 0);
  if (haveApiSchemas()) assert.deepEqual(schemaProblems(f.requests), []);
  // A second run changes nothing, and finds both through one /cluster/resources read.
  const again = await api({}, 'up');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout + again.stderr, /unchanged/);
});

test('api cluster: without the node access (API only), where each guest is comes from GET /cluster/resources; a CT exec on a node with no way in says to set node_ssh.<node>', async () => {
  const from = f.requests.length;
  // Moved out of band: 811 is now on pve1; the API-only inventory finds it there.
  assert.equal((await runSim(['pct', 'stop', '811'], { stateDir: w.state, env: { PHOENIX_SIM_NODE: 'pve3' } })).exitCode, 0);
  const mv = await w.run('sim', 'move', '811', 'pve1');
  assert.equal(mv.code, 0, mv.stdout + mv.stderr);
  const st = await api({ PHOENIX_API_SIM_STATE: undefined }, 'status');
  assert.equal(st.code, 0, st.stdout + st.stderr);
  assert.ok(f.requests.slice(from).some((q) => q.method === 'GET' && q.path === '/cluster/resources' && q.params.type === 'vm'));
  assert.deepEqual(nodesFor(from, 811), ['pve1']);
  assert.deepEqual(nodesFor(from, 810), ['pve2']);
  // A run that needs a container exec on pve2 (the feature, re-run with --replace... here: a new CT's feature).
  w.edit('phoenix_lxc_configs.json', (doc) => {
    doc.lxc_configs['812'] = ct('two-b', { node: 'pve2', features: ['stamp'] });
  });
  const r = await api({ PHOENIX_API_SIM_STATE: undefined }, 'converge', '812');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /needs SSH to node pve2: set "node_ssh": \{"pve2": "root@HOST"\} in the host file/);
  assert.doesNotMatch(r.stderr, /TypeError|at .*\.ts:\d+/);
  assert.deepEqual(at(812), ['pve2']);
  assert.deepEqual(at(811), ['pve1'], 'not made again on pve3');
});

test('api cluster: an offline node stops a run that needs it with one line naming it; a run on the other nodes goes on, and placement skips it', async () => {
  live.PHOENIX_SIM_OFFLINE_NODES = 'pve3';
  try {
    w.edit('phoenix_lxc_configs.json', (doc) => {
      doc.lxc_configs['813'] = ct('on-three', { node: 'pve3' });
      doc.lxc_configs['814'] = ct('anywhere', { memory_mb: 256 });
    });
    const needs = await api({}, 'converge', '813');
    assert.equal(needs.code, 1, needs.stdout + needs.stderr);
    assert.match(needs.stderr, /guest 813: node pve3 is offline \(as the cluster at 127\.0\.0\.1:\d+ reports it\): this run needs it; nothing was changed there/);
    assert.deepEqual(at(813), []);
    const plan = await api({}, 'plan', '814');
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, /placed on pve\d: most free memory \([\d.]+ GiB\) among pve1, pve2 holding local-lvm, local/);
    const other = await api({}, 'converge', '810');
    assert.equal(other.code, 0, other.stdout + other.stderr);
  } finally {
    delete live.PHOENIX_SIM_OFFLINE_NODES;
  }
});

test("api cluster: the hypervisor file's `node` is the home node (no notice); node-wide reads go there", async () => {
  w.edit('phoenix_hypervisor_config.json', (doc) => {
    doc.node = 'pve2';
  });
  try {
    const mark = readFileSync(w.log, 'utf8').split('\n').filter(Boolean).length;
    const r = await api({}, 'plan', '810');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /no home node named/);
    const bulk = readFileSync(w.log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(mark)
      .map((l) => JSON.parse(l) as { argv: string[]; node?: string })
      .filter((c) => c.argv.join(' ').startsWith('pvesh get /cluster/resources'));
    assert.ok(bulk.length > 0);
    assert.deepEqual([...new Set(bulk.map((c) => c.node))], ['pve2']);
  } finally {
    w.edit('phoenix_hypervisor_config.json', (doc) => {
      delete doc.node;
    });
  }
});
