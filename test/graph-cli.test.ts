// `phoenix graph` end to end (in-process CLI): the original config, examples/homelab, bad ids,
// every output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { originalWithStubs } from './helpers/original-stubs.js';
import { runCliCaptured } from './helpers/cli.js';

const originalDir = '../shared/reference/original-config';
const noOriginal = !existsSync(originalDir) && 'needs ../shared/reference/original-config (absent)';
// With the scripts and features it kept elsewhere added (validate refuses it without them).
const original = noOriginal ? originalDir : originalWithStubs(originalDir);
const homelab = 'examples/homelab';

/** Guest ids of the text listing, in printed order (lines "  <id>  <kind>  <name> ..."). */
const listed = (stdout: string): number[] =>
  stdout.split('\n').flatMap((l) => {
    const m = /^ {2}(\d+)\s+(lxc|vm)\s/.exec(l);
    return m ? [Number(m[1])] : [];
  });

/** Asserts each [from, to] edge has `to` printed before `from`. */
const assertAfterNeeds = (order: number[], edges: [number, number][]) => {
  for (const [from, to] of edges) {
    assert.ok(order.includes(from) && order.includes(to), `${from} and ${to} are listed`);
    assert.ok(order.indexOf(to) < order.indexOf(from), `${to} is listed before ${from}, which needs it`);
  }
};

// 801's chain in the original config, as the issue states it: "from needs to".
const chain801: [number, number][] = [
  [801, 911],
  [911, 901],
  [901, 900],
  [901, 1002],
  [801, 1002],
  [1002, 1001],
  [1001, 102],
  [102, 103],
  [103, 900],
  [102, 900],
  [1001, 9000],
  [1002, 9000],
];

test('graph 801 on the original config prints its whole chain, each guest after what it needs', { skip: noOriginal }, async () => {
  const r = await runCliCaptured(['graph', '801', '--config', original]);
  assert.equal(r.code, 0, r.stderr);
  const order = listed(r.stdout);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    [102, 103, 801, 900, 901, 911, 1001, 1002, 9000],
  );
  assertAfterNeeds(order, chain801);
  assert.match(r.stdout, /^ {2}801\s+lxc\s+granite-embedding\s+target$/m);
  assert.match(r.stdout, /^ {2}1002\s+vm\s+drphoenix\s+dependency of 801, 901$/m);
  assert.match(r.stdout, /^ {2}911\s+lxc\s+\S+\s+clone source of 801$/m);
});

test('graph 801 --json on the original config has the documented shape', { skip: noOriginal }, async () => {
  const r = await runCliCaptured(['--json', 'graph', '801', '--config', original]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['nodes', 'edges', 'order']);
  for (const n of j.nodes) assert.deepEqual(Object.keys(n), ['id', 'kind', 'level']);
  assert.deepEqual(
    j.nodes.find((n: { id: number }) => n.id === 1001),
    { id: 1001, kind: 'vm', level: 3 },
  );
  for (const e of chain801)
    assert.ok(
      j.edges.some((x: number[]) => x[0] === e[0] && x[1] === e[1]),
      `edge ${e}`,
    );
  assert.equal(j.edges.length, chain801.length);
  assertAfterNeeds(j.order, j.edges);
});

test('graph with no ids lists every guest of the homelab by level', async () => {
  const r = await runCliCaptured(['graph', '--config', homelab]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(listed(r.stdout), [200, 9000, 210, 220, 9100]);
  assert.match(r.stdout, /^level 0\n {2}200 /m);
  assert.match(r.stdout, /^ {2}210\s+lxc\s+docker-host\s+dependency of 9100$/m);
  assert.match(r.stdout, /^ {2}220\s+lxc\s+jumpbox\s+target$/m);
  assert.match(r.stdout, /5 guests in 3 levels/);
});

test('graph 9100 --json on the homelab: a VM chain through a container', async () => {
  const r = await runCliCaptured(['graph', '9100', '--json', '--config', homelab]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    nodes: [
      { id: 200, kind: 'lxc', level: 0 },
      { id: 210, kind: 'lxc', level: 1 },
      { id: 9000, kind: 'vm', level: 0 },
      { id: 9100, kind: 'vm', level: 2 },
    ],
    edges: [
      [210, 200],
      [9100, 210],
      [9100, 9000],
    ],
    order: [200, 9000, 210, 9100],
  });
});

test('graph --format mermaid and dot render the homelab', async () => {
  const m = await runCliCaptured(['graph', '220', '--format', 'mermaid', '--config', homelab]);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(m.stdout, 'flowchart BT\n  g200["200 base-debian (lxc)"]\n  g220["220 jumpbox (lxc)"]\n  g220 -->|clone of| g200\n');
  const d = await runCliCaptured(['graph', '220', '--format', 'dot', '--config', homelab]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /^digraph phoenix \{\n/);
  assert.match(d.stdout, /"220" -> "200" \[label="clone of"\];/);
});

test('an unknown id is a one-line error naming it, with a hint, exit 2', async () => {
  const r = await runCliCaptured(['graph', '210', '4242', '--config', homelab]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^phoenix: no guest with id 4242 in the config\nhint: configured guests: 200 base-debian, 210 docker-host, 220 jumpbox, 9000 noble-cloud-template, 9100 apps-vm\n$/m);
});

test('a guest is named by id, name or tag; a word that names none is a usage error, exit 2', async () => {
  const r = await runCliCaptured(['graph', 'web', '--config', homelab]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^phoenix: no guest with id, name or tag "web" in the config$/m);
  const byName = await runCliCaptured(['graph', 'docker-host', '--config', homelab]);
  const byId = await runCliCaptured(['graph', '210', '--config', homelab]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.stdout, byId.stdout);
});

test('a config with a cycle exits 2 and prints the cycle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-graph-'));
  try {
    const ct = (ip: string, mac: string, deps: string[]) => ({
      name: `ct-${ip.split('.')[3].split('/')[0]}`,
      template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
      storage_pool: 'local-lvm',
      network_config: { name: 'eth0', bridge: 'vmbr0', ip, gw: '10.9.0.1' },
      mac_address: mac,
      dependencies: deps,
    });
    writeFileSync(
      join(dir, 'phoenix_lxc_configs.json'),
      JSON.stringify({
        lxc_configs: {
          '901': ct('10.9.0.11/24', 'BC:24:11:00:09:01', ['1002']),
          '1002': ct('10.9.0.12/24', 'BC:24:11:00:10:02', ['901']),
        },
      }),
    );
    const r = await runCliCaptured(['graph', '--config', dir]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /901 → 1002 → 901/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
