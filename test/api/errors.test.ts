// What a user sees when --driver api meets trouble (issue 12): a bad token, a certificate that does
// not match the pin, a host that does not answer, a node that is offline (or not in the cluster),
// a task that fails and a task that ends with warnings. Each: one clear `phoenix:` line naming
// the cause, exit 1 or 2, no stack trace, the token's secret nowhere in the output.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { runCliCaptured, type CliRun } from '../helpers/cli.js';
import { workspace, type Workspace } from '../e2e/harness.js';
import { simApi, type SimApiFixture } from './sim-api.js';

const CT = {
  name: 'err-ct',
  template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
  memory_mb: 256,
  cores: 1,
  storage_pool: 'local-lvm',
  storage_size_gb: 4,
  network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.50.70/24', gw: '192.168.50.1' },
  mac_address: 'BC:24:11:50:07:00',
};

let w: Workspace;
let f: SimApiFixture;
let secret: string;
const api = (env: Record<string, string | undefined>, ...argv: string[]) => runCliCaptured([...argv, '--config', w.config, '--driver', 'api', '--yes'], { env: { ...w.env, ...f.env, ...env }, cwd: w.root });

/** The error line(s) of a run; asserts the common contract. */
function clean(r: CliRun, code: 1 | 2): string[] {
  const all = r.stdout + r.stderr;
  assert.equal(r.code, code, all);
  assert.doesNotMatch(all, /\bat .*\.(ts|js):\d+|TypeError|ReferenceError|Unhandled/, 'no stack trace');
  assert.ok(!all.includes(secret), 'the secret is never printed');
  return r.stderr.split('\n').filter((l) => l.startsWith('phoenix: ') && !l.startsWith('phoenix: warning') && !/Proxmox calls; logs in/.test(l));
}

before(async () => {
  w = workspace({ files: { 'phoenix_lxc_configs.json': { lxc_configs: { '700': CT } } } });
  f = await simApi({ state: w.env.PHOENIX_SIM_STATE, liveEnv: w.env });
  secret = f.env.PHOENIX_API_TOKEN!.split('=')[1];
});
after(async () => {
  await f?.close();
  w?.cleanup();
});

test('a bad token: exit 2, one line naming the token id (never the secret)', async () => {
  const r = await api({ PHOENIX_API_TOKEN: `root@pam!phoenix=${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}` }, 'up');
  const lines = clean(r, 2);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^phoenix: the Proxmox API at 127\.0\.0\.1:\d+ refused the token root@pam!phoenix: invalid token value!$/);
});

test('a wrong fingerprint: exit 2, one line, nothing sent', async () => {
  const before = f.requests.length;
  const r = await api({ PHOENIX_API_FINGERPRINT: '12:'.repeat(31) + '12' }, 'up');
  const lines = clean(r, 2);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /does not match the pinned fingerprint 12:12/);
  assert.equal(f.requests.length, before);
});

test('an unreachable host: exit 1 at once (no retries on the first contact), one line', async () => {
  // A port nobody listens on: bind one, note it, close it.
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const r = await api({ PHOENIX_API_URL: `https://127.0.0.1:${port}` }, 'up');
  const lines = clean(r, 1);
  assert.deepEqual(lines, [`phoenix: cannot reach the Proxmox API: GET /version: connection refused by 127.0.0.1:${port} (is pveproxy running?)`]);
});

test('an offline node: exit 1, one line, nothing changed; a node not in the cluster: exit 2', async () => {
  w.env.PHOENIX_SIM_OFFLINE_NODES = 'pve';
  try {
    const before = f.requests.length;
    const r = await api({}, 'up');
    const lines = clean(r, 1);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^phoenix: node pve is offline \(as the cluster at 127\.0\.0\.1:\d+ reports it\); nothing was changed$/);
    assert.deepEqual(
      f.requests.slice(before).map((x) => `${x.method} ${x.path}`),
      ['GET /version', 'GET /nodes'],
    );
  } finally {
    delete w.env.PHOENIX_SIM_OFFLINE_NODES;
  }
  const r = await api({ PHOENIX_API_NODE: 'pve9' }, 'up');
  const lines = clean(r, 2);
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^phoenix: node pve9 is not in the cluster at 127\.0\.0\.1:\d+ \(its nodes: pve\)$/);
});

test("a failing task: exit 1, the guest's one line carries the task's exit status and its log's last lines", async () => {
  w.env.PHOENIX_SIM_FAULTS = 'fail=create';
  try {
    const r = await api({}, 'up');
    const lines = clean(r, 1);
    const guest = lines.filter((l) => l.startsWith('phoenix: guest 700'));
    assert.equal(guest.length, 1, r.stderr);
    assert.match(guest[0], /^phoenix: guest 700: err-ct, step create .*api POST \/nodes\/pve\/lxc: .+ \(task log: .+\)$/);
  } finally {
    delete w.env.PHOENIX_SIM_FAULTS;
  }
});

test('a task with warnings: the run succeeds (exit 0) and each warning is one diagnostic line', async () => {
  w.env.PHOENIX_SIM_FAULTS = 'rate=1,seed=3,kinds=warning';
  try {
    const r = await api({}, 'up');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const warns = r.stderr.split('\n').filter((l) => l.startsWith('phoenix: warning: '));
    assert.ok(warns.length >= 1, r.stderr);
    for (const l of warns) assert.match(l, /^phoenix: warning: (POST|PUT|DELETE) \/nodes\/pve\/\S+: \S.*$/);
    assert.ok(!(r.stdout + r.stderr).includes(secret));
  } finally {
    delete w.env.PHOENIX_SIM_FAULTS;
  }
});
