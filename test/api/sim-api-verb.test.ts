// `phoenix sim serve` (and its first name, `sim api`): serves the simulator's API, prints the four
// exports a run needs (the token by its 0600 file, never the secret), and a run with exactly those
// exports works — or with the same keys in the hypervisor config's `api` section (the token only
// by reference); Ctrl-C stops it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { runCliCaptured } from '../helpers/cli.js';

async function serving(verb: string, body: (o: { root: string; env: Record<string, string | undefined>; exports: Record<string, string>; stdout: string }) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'phx-simapi-'));
  const state = join(root, 'sim');
  writeFileSync(join(root, 'phoenix_lxc_configs.json'), JSON.stringify({ lxc_configs: {} }));
  const ac = new AbortController();
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, PHOENIX_API_URL: undefined, PHOENIX_API_TOKEN: undefined, PHOENIX_API_TOKEN_FILE: undefined, PHOENIX_API_FINGERPRINT: undefined, PHOENIX_API_INSECURE: undefined };
  const run = runCli(['sim', verb, '--listen', '127.0.0.1:0'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env, cwd: root, isTTY: false, signal: ac.signal });
  try {
    for (let i = 0; i < 200 && !/PHOENIX_API_SIM_STATE/.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
    const exports = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(exports), ['PHOENIX_API_URL', 'PHOENIX_API_TOKEN_FILE', 'PHOENIX_API_FINGERPRINT', 'PHOENIX_API_SIM_STATE'], stdout + stderr);
    await body({ root, env, exports, stdout });
  } finally {
    ac.abort();
    assert.equal(await run, 0);
    rmSync(root, { recursive: true, force: true });
  }
}

test('phoenix sim serve prints URL, token, fingerprint and state; a run with them reaches it', async () => {
  await serving('serve', async ({ root, env, exports, stdout }) => {
    assert.match(exports.PHOENIX_API_URL, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stdout, /^token root@pam!phoenix \(its secret is in \S+api-token, mode 0600\); certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/m);
    assert.equal(statSync(exports.PHOENIX_API_TOKEN_FILE).mode & 0o777, 0o600);
    const secret = readFileSync(exports.PHOENIX_API_TOKEN_FILE, 'utf8').trim().split('=')[1];
    assert.ok(secret && !stdout.includes(secret), 'the secret is not printed');
    const r = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env: { ...env, ...exports }, cwd: root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

test('phoenix sim api (the first name) serves too; the hypervisor config names URL, pin and token file', async () => {
  await serving('api', async ({ root, env, exports }) => {
    const hyp = join(root, 'phoenix_hypervisor_config.json');
    writeFileSync(hyp, JSON.stringify({ api: { url: exports.PHOENIX_API_URL, fingerprint: exports.PHOENIX_API_FINGERPRINT, token_file: exports.PHOENIX_API_TOKEN_FILE } }));
    const r = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env: { ...env, PHOENIX_API_SIM_STATE: exports.PHOENIX_API_SIM_STATE }, cwd: root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // The environment wins over the file: a wrong pin in the environment is used (and refused).
    const wrong = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env: { ...env, PHOENIX_API_FINGERPRINT: 'AB:'.repeat(31) + 'AB' }, cwd: root });
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /does not match the pinned fingerprint AB:AB/);
    // The token in clear in the config: refused before anything is sent, its text never echoed.
    const secret = readFileSync(exports.PHOENIX_API_TOKEN_FILE, 'utf8').trim();
    writeFileSync(hyp, JSON.stringify({ api: { url: exports.PHOENIX_API_URL, fingerprint: exports.PHOENIX_API_FINGERPRINT, token: secret } }, null, 2));
    const clear = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env, cwd: root });
    assert.equal(clear.code, 2, clear.stdout + clear.stderr);
    assert.match(clear.stderr, /phoenix_hypervisor_config\.json:\d+.*api\.token.*never written in the config/s);
    assert.ok(!(clear.stdout + clear.stderr).includes(secret.split('=')[1]), 'the secret is not printed');
  });
});

test('phoenix sim serve --nodes pve1,pve2,pve3: each node is served; without a node named pve1 is home (said once); --api-node pve2 puts the guests on pve2 (the feature ran there)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'phx-simapi-nodes-'));
  const state = join(root, 'sim');
  const ct = {
    name: 'on-two',
    template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
    memory_mb: 256,
    storage_pool: 'local-lvm',
    storage_size_gb: 2,
    network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.50.80/24', gw: '192.168.50.1' },
    mac_address: 'BC:24:11:50:08:00',
    firewall: { enabled: true, rules: [] },
  };
  writeFileSync(join(root, 'phoenix_lxc_configs.json'), JSON.stringify({ lxc_configs: { '800': ct } }));
  const ac = new AbortController();
  let stdout = '';
  const env = {
    ...process.env,
    PHOENIX_SIM_STATE: state,
    PHOENIX_SIM_LATENCY: undefined,
    PHOENIX_SIM_FAULTS: undefined,
    PHOENIX_SIM_NODE: undefined,
    PHOENIX_API_URL: undefined,
    PHOENIX_API_TOKEN: undefined,
    PHOENIX_API_TOKEN_FILE: undefined,
    PHOENIX_API_FINGERPRINT: undefined,
    PHOENIX_API_INSECURE: undefined,
    PHOENIX_API_NODE: undefined,
  };
  const run = runCli(['sim', 'serve', '--listen', '127.0.0.1:0', '--nodes', 'pve1,pve2,pve3'], { stdout: (x) => (stdout += x), stderr: () => {}, env, cwd: root, isTTY: false, signal: ac.signal });
  try {
    for (let i = 0; i < 200 && !/PHOENIX_API_SIM_STATE/.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
    const exports = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    // No node named: the first online one by name is home, and the run says so.
    const several = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env: { ...env, ...exports }, cwd: root });
    assert.equal(several.code, 0, several.stdout + several.stderr);
    assert.match(several.stderr, /no home node named; node-wide calls and guests nothing places go to pve1 \(the first online of pve1, pve2, pve3\)/);
    const r = await runCliCaptured(['up', '--yes', '--driver', 'api', '--api-node', 'pve2', '--config', root], { env: { ...env, ...exports }, cwd: root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(state, 'etc', 'pve', 'nodes', 'pve2', 'lxc', '800.conf')), 'the CT is on pve2');
    assert.ok(!existsSync(join(state, 'etc', 'pve', 'nodes', 'pve1', 'lxc', '800.conf')));
  } finally {
    ac.abort();
    assert.equal(await run, 0);
    rmSync(root, { recursive: true, force: true });
  }
});
