// `--driver pve-cli` on a remote node over SSH (issue 12): a fake `ssh` on PATH records its argv
// and plays the node — the destination's host is the simulated node (root@pve2 → PHOENIX_SIM_NODE
// =pve2), the simulator's pct/qm shims (`phoenix sim path`) are on the remote command's PATH, the
// node's /etc/pve is the simulator's, and the remote command runs under `sh -c` as sshd runs it.
// This machine has no pct: every pct/qm call can only have gone over SSH.
//
// Shown: examples/homelab (plus SSH keys) through `--driver pve-cli --node-ssh root@pve` leaves the
// same simulated host as the local pve-cli run; every call went through ssh with batch mode,
// checked host keys and connection reuse; pushed feature files and key files were staged on the
// node and removed; nothing under a local /etc/pve seam is written; three nodes over SSH place
// guests and send each guest's calls to its node's destination; a node without a node_ssh entry,
// without pct, or unreachable is one line before anything runs.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { selectDriver } from '../../src/app/drivers/select.js';
import { remoteCommand } from '../../src/proxmox/exec/ssh.js';
import { which } from '../../src/proxmox/exec/which.js';
import { runCliCaptured, type CliRun } from '../helpers/cli.js';
import { stateDigest } from '../helpers/sim-state.js';
import { workspace, type Workspace } from '../e2e/harness.js';

const SIM_CLI = join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js');
const skip = (!existsSync(SIM_CLI) && 'needs dist/sim-cli.js (run `npm run build`; `npm test` builds it)') || (which('pct', process.env.PATH) && 'a pct on this PATH would blur what went over SSH');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g ops@laptop';

// The fake node. Unknown host "unreachable" fails as OpenSSH does.
const FAKE_SSH = `#!/bin/sh
f="$FAKE_SSH_LOG/$(date +%s%N).$$"
for a in "$@"; do printf '%s\\0' "$a" >> "$f"; done
eval "last=\\\${$#}"
eval "dest=\\\${$(($# - 1))}"
node=\${dest#*@}
case $node in unreachable) echo "ssh: Could not resolve hostname unreachable: Name or service not known" >&2; exit 255 ;; esac
export PHOENIX_SIM_NODE="$node"
export PATH="$FAKE_NODE_PATH:$PATH"
last=$(printf '%s' "$last" | sed "s#/etc/pve#$FAKE_NODE_ETC#g")
exec sh -c "$last"
`;
// Proxmox's nodename is uname's up to the first dot.
const FAKE_UNAME = `#!/bin/sh
if [ "$1" = -n ]; then echo "$PHOENIX_SIM_NODE.lan.example"; else exec /bin/uname "$@"; fi
`;

let dir: string;
let sshBin: string;
let nodeBin: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'phx-sshcli-'));
  sshBin = join(dir, 'ssh-bin');
  nodeBin = join(dir, 'node-bin');
  mkdirSync(sshBin);
  mkdirSync(nodeBin);
  writeFileSync(join(sshBin, 'ssh'), FAKE_SSH, { mode: 0o755 });
  writeFileSync(join(nodeBin, 'uname'), FAKE_UNAME, { mode: 0o755 });
  chmodSync(join(sshBin, 'ssh'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Remote {
  env: Record<string, string | undefined>;
  /** Every ssh invocation: its argv. */
  sshCalls: () => string[][];
  run: (...argv: string[]) => Promise<CliRun>;
}

/** A workspace whose node is reached only through the fake ssh (`pct` on the node's PATH, `withPct`). */
async function remote(w: Workspace, o: { withPct?: boolean } = {}): Promise<Remote> {
  const p = await runCliCaptured(['sim', 'path'], { env: w.env, cwd: w.root });
  assert.equal(p.code, 0, p.stderr);
  const log = join(w.root, 'ssh-log');
  mkdirSync(log);
  const env = {
    ...w.env,
    PATH: `${sshBin}:${process.env.PATH}`,
    FAKE_SSH_LOG: log,
    FAKE_NODE_PATH: o.withPct === false ? nodeBin : `${nodeBin}:${p.stdout.trim()}`,
    FAKE_NODE_ETC: join(w.state, 'etc', 'pve'),
    PHOENIX_SSH_CONTROL_DIR: join(w.root, 'ctl'),
  };
  return {
    env,
    sshCalls: () =>
      readdirSync(log)
        .sort()
        .map((f) => readFileSync(join(log, f), 'utf8').split('\0').slice(0, -1)),
    run: (...argv) => runCliCaptured([...argv, '--config', w.config, '--driver', 'pve-cli', '--yes'], { env, cwd: w.root }),
  };
}

/** What ssh was asked to run (the remote command) and where. */
const sent = (argv: string[]) => ({ dest: argv[argv.length - 2], command: argv[argv.length - 1], opts: argv.slice(0, argv.indexOf('--')) });

/** Firewall files and feature markers: host state the digest does not read. */
async function extras(w: Workspace): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const fw = join(w.state, 'etc', 'pve', 'firewall');
  if (existsSync(fw)) for (const f of readdirSync(fw).sort()) out[`firewall/${f}`] = w.firewall(Number(f.replace(/\.fw$/, '')));
  for (const id of Object.keys(stateDigest(w.state)).map(Number)) {
    const conf = w.conf('lxc', id);
    if (!conf || conf.options.template === '1') continue;
    out[`markers/${id}`] = (await w.sim('pct', 'exec', String(id), '--', 'sh', '-c', 'ls /var/lib/phoenix/features 2>/dev/null || true')).stdout;
    out[`keys/${id}`] = (await w.sim('pct', 'exec', String(id), '--', 'sh', '-c', 'cat /root/.ssh/authorized_keys 2>/dev/null || true')).stdout;
  }
  return out;
}

test('parity: examples/homelab (with SSH keys) through pve-cli over SSH leaves the same host as local pve-cli; every call over ssh with its options; staged files removed', { skip }, async () => {
  const withKeys = (w: Workspace) =>
    w.edit('phoenix_lxc_configs.json', (d) => {
      const id = Object.keys(d.lxc_configs)[0];
      d.lxc_configs[id].ssh_public_keys = [KEY];
    });
  const local = workspace({ from: 'examples/homelab' });
  const far = workspace({ from: 'examples/homelab' });
  try {
    withKeys(local);
    withKeys(far);
    const p = await runCliCaptured(['sim', 'path'], { env: local.env, cwd: local.root });
    const lenv = { ...local.env, PATH: `${p.stdout.trim()}:${process.env.PATH}` };
    const l = await runCliCaptured(['up', '--config', local.config, '--driver', 'pve-cli', '--yes'], { env: lenv, cwd: local.root });
    assert.equal(l.code, 0, l.stdout + l.stderr);

    const r = await remote(far);
    const up = await r.run('up', '--node-ssh', 'root@pve');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(stateDigest(far.state), stateDigest(local.state), 'guests differ');
    const ex = await extras(far);
    assert.deepEqual(ex, await extras(local), 'firewall files, feature markers or keys differ');
    assert.ok(
      Object.values(ex).some((v) => String(v).includes('ops@laptop')),
      'the key reached the container',
    );

    // Every pct/qm/pvesh the simulator ran came through ssh, with the transport's options.
    const calls = r.sshCalls().map(sent);
    for (const c of calls) {
      assert.equal(c.dest, 'root@pve');
      for (const opt of ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ControlMaster=auto', 'ControlPersist=60', 'ConnectTimeout=20']) assert.ok(c.opts.includes(opt), `${opt}: ${c.opts.join(' ')}`);
    }
    const commands = new Set(calls.map((c) => c.command));
    const simCalls = far.calls();
    assert.ok(simCalls.length > 20, `${simCalls.length} calls`);
    const notOverSsh = simCalls.filter((c) => !commands.has(remoteCommand(c.argv)));
    assert.deepEqual(notOverSsh, [], 'a call the simulator ran that ssh was not asked to run');

    // Feature files and key files went to the node's /tmp and were removed after their call.
    const staged = calls.map((c) => /^pct (?:push \d+|create \d+ .*--ssh-public-keys) (\/tmp\/phoenix-(?:push|keys)\.\w+)/.exec(c.command)?.[1]).filter((x): x is string => !!x);
    assert.ok(
      staged.some((s) => s.includes('keys')),
      'a key file was staged',
    );
    assert.ok(
      staged.some((s) => s.includes('push')),
      'a pushed file was staged',
    );
    for (const s of staged) {
      assert.ok(commands.has(`rm -f -- ${s}`), `${s} removed`);
      assert.equal(existsSync(s), false, `${s} is gone`);
    }

    // A second run changes nothing.
    const before = far.calls().length;
    const again = await r.run('up', '--node-ssh', 'root@pve');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(
      far
        .calls()
        .slice(before)
        .filter((c) => !['list', 'status', 'config', 'pending', 'listsnapshot', 'get', 'guest', 'exec', 'agent', 'pveversion'].some((v) => c.argv.includes(v) || c.argv[0] === v))
        .map((c) => c.argv.join(' ')),
      [],
    );
  } finally {
    local.cleanup();
    far.cleanup();
  }
});

test('the driver over SSH: firewall file, raw lxc line and a push reach the node; nothing under the local /etc/pve seam', { skip }, async () => {
  const w = workspace({});
  try {
    const r = await remote(w);
    const seam = join(w.root, 'local-etc-pve');
    mkdirSync(seam);
    const s = await selectDriver({ driver: 'pve-cli', env: r.env, configDir: w.config, readOnly: false, etcPve: seam, nodeSsh: { home: 'root@pve', byNode: {} } });
    assert.equal(s.transport, 'ssh');
    const d = s.driver;
    await d.create('lxc', 701, { hostname: 'far', rootfs: 'local-lvm:2', unprivileged: 1, 'ssh-public-keys': KEY }, 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
    await d.setRawLxc(701, [['lxc.cgroup2.devices.allow', 'c 10:200 rwm']]);
    await d.writeFirewall(701, '[OPTIONS]\nenable: 1\n');
    await d.start('lxc', 701);
    const file = join(w.root, 'payload');
    writeFileSync(file, "it's pushed\n");
    await d.push('lxc', 701, file, '/root/payload', { perms: '0600' });
    assert.equal((await d.exec('lxc', 701, ['cat', '/root/payload'])).stdout, "it's pushed\n");
    assert.match(w.confText('lxc', 701) ?? '', /^lxc\.cgroup2\.devices\.allow: c 10:200 rwm$/m);
    assert.equal(w.firewall(701), '[OPTIONS]\nenable: 1\n');
    assert.deepEqual(readdirSync(seam), [], 'nothing written under the local /etc/pve');
    const inv = await d.inventory();
    assert.deepEqual(
      inv?.guests.map((g) => [g.vmid, g.node]),
      [[701, 'pve']],
    );
  } finally {
    w.cleanup();
  }
});

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const ct = (name: string, extra: Record<string, unknown> = {}) => ({ name, template: TEMPLATE, memory_mb: 1024, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true, ...extra });
const NODES = ['pve1', 'pve2', 'pve3'];
const MAP = { pve1: 'root@pve1', pve2: 'root@pve2', pve3: 'root@pve3' };

test("three nodes over SSH (node_ssh): guests placed by `node` and by free memory, each guest's calls to its node's destination; a re-run changes nothing", { skip }, async () => {
  const w = workspace({
    files: {
      'phoenix_hypervisor_config.json': { nodes: NODES, node_ssh: MAP },
      'phoenix_lxc_configs.json': { lxc_configs: { '300': ct('free-a', { memory_mb: 2048 }), '301': ct('free-b', { memory_mb: 2048 }), '400': ct('pinned', { node: 'pve3', memory_mb: 512 }) } },
    },
  });
  try {
    const reset = await w.run('sim', 'reset', '--nodes', NODES.join(','));
    assert.equal(reset.code, 0, reset.stderr);
    const r = await remote(w);
    const up = await r.run('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const nodeOf = (id: number) => NODES.filter((n) => existsSync(join(w.state, 'etc/pve/nodes', n, 'lxc', `${id}.conf`)));
    const where: Record<number, string[]> = Object.fromEntries([300, 301, 400].map((id) => [id, nodeOf(id)]));
    // pve1 is home and first: 300 goes there (all tie), 301 to pve2 (pve1 has 300 now), 400 where it says.
    assert.deepEqual(where, { 300: ['pve1'], 301: ['pve2'], 400: ['pve3'] });
    const wrong = r
      .sshCalls()
      .map(sent)
      .filter((c) => {
        const m = /^pct [a-z]+ (\d+)/.exec(c.command);
        const node = nodeOf(Number(m?.[1]))[0] as keyof typeof MAP | undefined;
        return m && node && c.dest !== MAP[node];
      });
    assert.deepEqual(wrong, [], "a guest's call went to another node");
    assert.deepEqual(new Set(r.sshCalls().map((a) => sent(a).dest)), new Set(Object.values(MAP)), 'every node reached');
    const before = w.calls().length;
    const again = await r.run('up');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual(
      w
        .calls()
        .slice(before)
        .filter((c) => /^(create|set|start|stop|destroy|push|clone|resize)$/.test(c.argv[1] ?? ''))
        .map((c) => c.argv.join(' ')),
      [],
    );
  } finally {
    w.cleanup();
  }
});

test('a node in `nodes` without node_ssh, a node without pct, an unreachable one, a destination that reaches another node: one line, exit 2 or 1, nothing run', { skip }, async () => {
  const w = workspace({
    files: {
      'phoenix_hypervisor_config.json': { nodes: NODES, node_ssh: { pve1: 'root@pve1', pve2: 'root@pve2' } },
      'phoenix_lxc_configs.json': { lxc_configs: { '300': ct('a') } },
    },
  });
  try {
    assert.equal((await w.run('sim', 'reset', '--nodes', NODES.join(','))).code, 0);
    const r = await remote(w);
    const missing = await r.run('up');
    assert.equal(missing.code, 2, missing.stdout + missing.stderr);
    assert.match(missing.stderr, /'pve3' has no destination in node_ssh/);
    assert.match(missing.stderr, /"node_ssh": \{ "pve3": "root@HOST" \}/);
    assert.deepEqual(w.calls(), [], 'no pct/qm call');

    w.edit('phoenix_hypervisor_config.json', (d) => {
      d.node_ssh.pve3 = 'root@pve2';
    });
    const mixed = await r.run('up');
    assert.equal(mixed.code, 2, mixed.stdout + mixed.stderr);
    assert.match(mixed.stderr, /node_ssh\.pve3 \(root@pve2\) reaches node 'pve2', not 'pve3'/);

    const unreachable = await r.run('up', '--node-ssh', 'root@unreachable');
    assert.equal(unreachable.code, 1, unreachable.stdout + unreachable.stderr);
    assert.match(unreachable.stderr, /cannot reach root@unreachable \(--node-ssh\) over SSH: ssh: Could not resolve hostname unreachable/);
    assert.doesNotMatch(unreachable.stderr, /\n\s+at /, 'no stack trace');

    const bare = workspace({});
    after(() => bare.cleanup());
    const noPct = await remote(bare, { withPct: false });
    const n = await runCliCaptured(['status', '--config', w.config, '--driver', 'pve-cli', '--node-ssh', 'root@pve1'], { env: noPct.env, cwd: w.root });
    assert.equal(n.code, 2, n.stdout + n.stderr);
    assert.match(n.stderr, /root@pve1 \(--node-ssh\): no `pct` on its PATH/);
    assert.deepEqual(w.calls(), [], 'no pct/qm call');
  } finally {
    w.cleanup();
  }
});

test('on a node of the cluster (a real pct here) with node_ssh for the others: this node local, the others over SSH', { skip }, async () => {
  const w = workspace({});
  try {
    assert.equal((await w.run('sim', 'reset', '--nodes', 'pve1,pve2')).code, 0);
    const r = await remote(w);
    // A stand-in for this host's own pct (not the simulator's: no shim signature), logging its argv.
    const hostBin = join(w.root, 'host-bin');
    mkdirSync(hostBin);
    writeFileSync(join(hostBin, 'pct'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${hostBin}/calls.log"\necho "status: stopped"\n`, { mode: 0o755 });
    const seam = join(w.root, 'etc-pve');
    mkdirSync(seam);
    const here = (await import('node:os')).hostname().split('.')[0];
    const s = await selectDriver({ driver: 'pve-cli', env: { ...r.env, PATH: `${hostBin}:${r.env.PATH}` }, configDir: w.config, readOnly: false, etcPve: seam, nodeSsh: { byNode: { pve2: 'root@pve2' } }, hostNodes: [here, 'pve2'] });
    assert.equal(s.transport, 'local');
    assert.deepEqual([s.cluster?.cluster.home, s.cluster?.cluster.nodes], [here, [here, 'pve2']]);
    assert.deepEqual(await s.cluster?.cluster.on(here).status('lxc', 105), { vmid: 105, type: 'lxc', status: 'stopped', template: false });
    assert.equal(readFileSync(join(hostBin, 'calls.log'), 'utf8'), 'status 105 --verbose 1\n');
    const before = r.sshCalls().length;
    assert.equal(await s.cluster?.cluster.on('pve2').status('lxc', 105), null, 'asked pve2 over ssh (no CT 105 there)');
    assert.deepEqual(
      r
        .sshCalls()
        .slice(before)
        .map((a) => [sent(a).dest, sent(a).command]),
      [['root@pve2', 'pct status 105 --verbose 1']],
    );
  } finally {
    w.cleanup();
  }
});
