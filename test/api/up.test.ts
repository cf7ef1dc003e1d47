// `phoenix up --driver api` against the simulator's REST API: the same guests, in the same state,
// as `--driver sim` leaves for the same config (a container with a feature, a firewall, a raw lxc
// line and a bind mount; a VM from a cloud image); a second run changes nothing; and what a user
// sees when the token, the certificate or a task is wrong.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliCaptured } from '../helpers/cli.js';
import { stateDigest } from '../helpers/sim-state.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { userFeature, workspace, type Workspace } from '../e2e/harness.js';
import { schemaProblems, simApi, type SimApiFixture } from './sim-api.js';

const FILES = {
  'phoenix_lxc_configs.json': {
    lxc_configs: {
      '600': {
        name: 'api-ct',
        template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
        memory_mb: 256,
        swap_mb: 128,
        cores: 1,
        storage_pool: 'local-lvm',
        storage_size_gb: 4,
        network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.50.60/24', gw: '192.168.50.1', nameservers: '192.168.50.1' },
        mac_address: 'BC:24:11:50:06:00',
        pct_options: ['nesting=1'],
        lxc_options: ['lxc.cgroup2.devices.allow=c 10:200 rwm'],
        mount_points: [{ host_path: '/srv/shared', container_path: '/shared' }],
        features: ['stamp'],
        firewall: { enabled: true, rules: [{ type: 'in', action: 'ACCEPT', proto: 'tcp', port: '22', source: '192.168.50.0/24', comment: 'ssh' }] },
      },
    },
  },
  'phoenix_vm_configs.json': {
    vms: [
      {
        vmid: 610,
        name: 'api-vm',
        template_image: 'local:import/debian-12-genericcloud-amd64.qcow2',
        cores: 1,
        memory_mb: 1024,
        disk_size_gb: 6,
        storage_pool: 'local-lvm',
        network_bridge: 'vmbr0',
        network_config: { ip: '192.168.50.61/24', gw: '192.168.50.1', nameserver: '192.168.50.1' },
        user_config: { username: 'ops' },
      },
    ],
  },
};

let viaSim: Workspace;
let viaApi: Workspace;
let f: SimApiFixture;
const api = (w: Workspace, env: Record<string, string | undefined>, ...argv: string[]) => runCliCaptured([...argv, '--config', w.config, '--driver', 'api'], { env: { ...w.env, ...env }, cwd: w.root });

before(async () => {
  viaSim = workspace({ files: FILES });
  viaApi = workspace({ files: FILES });
  for (const w of [viaSim, viaApi]) userFeature(w, 'stamp', '#!/bin/sh\nset -eu\necho stamped > /etc/stamp\n');
  f = await simApi({ state: viaApi.env.PHOENIX_SIM_STATE, env: viaApi.env });
});
after(async () => {
  await f?.close();
  viaSim?.cleanup();
  viaApi?.cleanup();
});

test('up --driver api leaves the same guests as --driver sim for the same config', async () => {
  const s = await viaSim.run('up');
  assert.equal(s.code, 0, s.stdout + s.stderr);
  const a = await api(viaApi, f.env, 'up');
  assert.equal(a.code, 0, a.stdout + a.stderr);
  assert.deepEqual(stateDigest(viaApi.env.PHOENIX_SIM_STATE!), stateDigest(viaSim.env.PHOENIX_SIM_STATE!));
  assert.equal(viaApi.firewall(600), viaSim.firewall(600));
  // The feature ran in the container (pct push + pct exec on the node: the API has neither).
  assert.equal((await viaApi.sim('pct', 'exec', '600', '--', 'cat', '/etc/stamp')).stdout, 'stamped\n');
  const used = new Set(f.requests.map((r) => `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/ID').replace(/UPID[^/]*/, 'UPID')}`));
  for (const p of ['POST /nodes/pve/lxc', 'POST /nodes/pve/qemu', 'POST /nodes/pve/lxc/ID/status/start', 'GET /nodes/pve/tasks/UPID/status']) {
    assert.ok(used.has(p), `${p} in ${[...used].join(', ')}`);
  }
});

test('up --driver api: a second run sends no mutating request', async () => {
  const before = f.requests.length;
  viaApi.mark();
  const a = await api(viaApi, f.env, 'up');
  assert.equal(a.code, 0, a.stdout + a.stderr);
  const mutating = f.requests.slice(before).filter((r) => r.method !== 'GET' && !/\/agent\/(exec|ping)$/.test(r.path));
  assert.deepEqual(
    mutating.map((r) => `${r.method} ${r.path}`),
    [],
  );
  assert.ok(f.api.maxInFlight() <= 3, `at most 3 requests in flight (pveproxy's workers), saw ${f.api.maxInFlight()}`);
});

test('every request `up --driver api` sent is valid per apidata-pve9.1.js', { skip: !haveApiSchemas() && 'needs ../shared/pve/apidata-pve9.1.js and 8.4 (absent)' }, () => {
  assert.deepEqual(schemaProblems(f.requests), []);
});

test('a wrong token: one clear line, exit 2, the secret never printed', async () => {
  const bad = 'root@pam!phoenix=00000000-0000-0000-0000-000000000000';
  const r = await api(viaApi, { ...f.env, PHOENIX_API_TOKEN: bad }, 'status');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^phoenix: the Proxmox API at 127\.0\.0\.1:\d+ refused the token root@pam!phoenix: invalid token value!$/m);
  assert.doesNotMatch(r.stdout + r.stderr, /00000000-0000|at .*\.ts:\d+/);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(f.env.PHOENIX_API_TOKEN!.split('=')[1]));
});

test('a token file others may read is refused (exit 2); a 0600 one is used', async () => {
  const file = join(viaApi.root, 'token');
  writeFileSync(file, `${f.env.PHOENIX_API_TOKEN}\n`);
  chmodSync(file, 0o644);
  const env = { ...f.env, PHOENIX_API_TOKEN: undefined, PHOENIX_API_TOKEN_FILE: file };
  const r = await api(viaApi, env, 'status');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /has mode 0644: others may read it; Phoenix refuses it/);
  chmodSync(file, 0o600);
  const ok = await api(viaApi, env, 'status');
  assert.equal(ok.code, 0, ok.stderr);
});

test('a certificate that does not match the pinned fingerprint is refused before the token is sent', async () => {
  const before = f.requests.length;
  const wrong = 'AB:'.repeat(31) + 'AB';
  const r = await api(viaApi, { ...f.env, PHOENIX_API_FINGERPRINT: wrong }, 'status');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^phoenix: refusing 127\.0\.0\.1:\d+: the server's certificate \(SHA-256 [0-9A-F:]+\) does not match the pinned fingerprint AB:AB/m);
  assert.equal(f.requests.length, before, 'no request reached the server');
  // Without a pin, the self-signed certificate is not trusted by the CA store either.
  const noPin = await api(viaApi, { ...f.env, PHOENIX_API_FINGERPRINT: undefined }, 'status');
  assert.equal(noPin.code, 2);
  assert.match(noPin.stderr, /is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\); pin it with PHOENIX_API_FINGERPRINT/);
  // The pin as a flag is refused the same way.
  const flag = await api(viaApi, { ...f.env, PHOENIX_API_FINGERPRINT: undefined }, 'status', '--api-fingerprint', wrong);
  assert.equal(flag.code, 2, flag.stderr);
  assert.match(flag.stderr, /does not match the pinned fingerprint AB:AB/);
  const flagOk = await api(viaApi, { ...f.env, PHOENIX_API_FINGERPRINT: undefined, PHOENIX_API_URL: undefined }, 'status', '--api-url', f.api.url, '--api-fingerprint', f.api.fingerprint);
  assert.equal(flagOk.code, 0, flagOk.stderr);
  // PHOENIX_API_INSECURE=1 works, and says loudly what it costs.
  const insecure = await api(viaApi, { ...f.env, PHOENIX_API_FINGERPRINT: undefined, PHOENIX_API_INSECURE: '1' }, 'status');
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.match(insecure.stderr, /WARNING: TLS certificate verification is OFF \(\$PHOENIX_API_INSECURE\)/);
});

test('a task that fails: the guest fails with the task exit status and its log tail, exit 1', async () => {
  const w = workspace({ files: { 'phoenix_lxc_configs.json': { lxc_configs: { '620': { ...FILES['phoenix_lxc_configs.json'].lxc_configs['600'], name: 'fails', features: [], mac_address: 'BC:24:11:50:06:20' } } } } });
  const g = await simApi({ state: w.env.PHOENIX_SIM_STATE, env: { ...w.env, PHOENIX_SIM_FAULTS: 'fail=start' } });
  try {
    const r = await api(w, g.env, 'create', '620');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /POST \/nodes\/pve\/lxc\/620\/status\/start: ipcc_send_rec\[1\] failed: Connection refused \(task log: ipcc_send_rec\[1\] failed: Connection refused\)/);
    assert.doesNotMatch(out, /at .*\.ts:\d+/, 'no stack trace');
  } finally {
    await g.close();
    w.cleanup();
  }
});

test('plan and --dry-run through the API: read-only requests only', async () => {
  viaApi.edit('phoenix_lxc_configs.json', (d) => (d.lxc_configs['600'].memory_mb = 384));
  const before = f.requests.length;
  const p = await api(viaApi, f.env, 'plan');
  assert.equal(p.code, 0, p.stdout + p.stderr);
  assert.match(p.stdout, /600/);
  assert.match(p.stdout, /memory/);
  const d = await api(viaApi, f.env, 'converge', '--dry-run');
  assert.equal(d.code, 0, d.stdout + d.stderr);
  const mutating = f.requests.slice(before).filter((r) => r.method !== 'GET' && !/\/agent\/(exec|ping)$/.test(r.path));
  assert.deepEqual(
    mutating.map((r) => `${r.method} ${r.path}`),
    [],
  );
  const c = await api(viaApi, f.env, 'converge', '600');
  assert.equal(c.code, 0, c.stdout + c.stderr);
  const sets = f.requests.slice(before).filter((r) => r.method === 'PUT');
  assert.deepEqual(
    sets.map((r) => [r.path, r.params]),
    [['/nodes/pve/lxc/600/config', { memory: '384' }]],
  );
});

test('a task that ends with warnings: the run succeeds and prints each warning on one line', async () => {
  const w = workspace({ files: { 'phoenix_lxc_configs.json': { lxc_configs: { '630': { ...FILES['phoenix_lxc_configs.json'].lxc_configs['600'], name: 'warns', features: [], lxc_options: [], firewall: undefined, mac_address: 'BC:24:11:50:06:30' } } } } });
  const g = await simApi({ state: w.env.PHOENIX_SIM_STATE, env: { ...w.env, PHOENIX_SIM_FAULTS: 'rate=1,seed=3,kinds=warning' } });
  try {
    const r = await api(w, g.env, 'create', '630');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^phoenix: warning: POST \/nodes\/pve\/lxc: \S.*$/m);
  } finally {
    await g.close();
    w.cleanup();
  }
});

test('the CLI driver too: a pct task that ends with warnings has them printed (they used to be dropped)', async () => {
  const w = workspace({ files: { 'phoenix_lxc_configs.json': { lxc_configs: { '640': { ...FILES['phoenix_lxc_configs.json'].lxc_configs['600'], name: 'warns-cli', features: [], lxc_options: [], firewall: undefined, mac_address: 'BC:24:11:50:06:40' } } } }, env: { PHOENIX_SIM_FAULTS: 'rate=1,seed=3,kinds=warning' } });
  try {
    const r = await w.run('create', '640');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^phoenix: warning: pct create 640: \S.*$/m);
  } finally {
    w.cleanup();
  }
});
