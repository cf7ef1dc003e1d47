// End to end in real Debian containers (PHOENIX_SIM_BACKEND=lxc, src/sim/lxc): `phoenix up` makes a
// base CT with base_setup, a clone running Docker (checked with `docker info` and `docker run` of an
// image built in the guest) and a clone serving HTTP (checked over the world's bridge); then a no-op
// converge, a changed feature input, stop, start, a feature that fails for real, delete.
//
// Opt-in (PHOENIX_LXC_TEST=1; .ci/run sets it in a step of its own): the world is one per host and
// a run takes minutes, so it must not run inside every developer's `npm test`. Needs root and a
// kernel that runs containers (lxc-checkconfig); otherwise it skips, saying why on one line.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ctDir, ctName, LXC_PATH, NETNS_PATH } from '../../src/sim/lxc/paths.js';
import { ensureTemplate } from '../../src/sim/lxc/template.js';
import { cleanWorld, ensureWorld } from '../../src/sim/lxc/world.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

function whyNot(): string | undefined {
  if (process.env.PHOENIX_LXC_TEST !== '1') return 'real-container test not requested (PHOENIX_LXC_TEST=1; .ci/run runs it)';
  if (process.getuid?.() !== 0) return 'real-container test needs root';
  if (!existsSync(CLI)) return 'real-container test needs dist/cli.js (npm run build)';
  for (const p of ['lxc-start', 'mmdebstrap', 'apt-cacher-ng', 'socat', 'nsenter']) {
    if (spawnSync('sh', ['-c', 'command -v "$1"', 'sh', p]).status !== 0) return `real-container test needs ${p} (apt-get install lxc mmdebstrap uidmap rsync apt-cacher-ng socat)`;
  }
  const check = spawnSync('lxc-checkconfig', [], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // The kernel features a container here needs; VLAN and the like may be missing.
  const missing = (check.stdout ?? '')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => /missing|disabled/i.test(l) && /namespace|cgroup|veth|bridge/i.test(l));
  if (check.status !== 0 || missing.length) return `this kernel cannot run LXC containers (lxc-checkconfig: ${missing.join('; ') || `exit ${check.status}`})`;
  return undefined;
}
const skip = whyNot();

const IP = { base: '10.213.77.30', docker: '10.213.77.31', web: '10.213.77.32', broken: '10.213.77.33', after: '10.213.77.34' };
const net = (ip: string) => ({ name: 'eth0', bridge: 'vmbr0', ip: `${ip}/24`, gw: '10.213.77.1' });

function pem(): string {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=phoenix-lxc-test', '-days', '2'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function guests(web: { greeting: string }, extra: Record<string, object> = {}) {
  const base = { memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true };
  return {
    lxc_configs: {
      '300': { ...base, name: 'base', template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', network_config: net(IP.base), features: ['base_setup'], base_packages: ['jq'], template_snapshot_name: 'base-ready' },
      '310': {
        ...base,
        name: 'docker',
        clone_from_ctid: '300',
        memory_mb: 1024,
        network_config: net(IP.docker),
        pct_options: ['nesting=1', 'keyctl=1'],
        features: ['docker', 'local_image'],
        health_checks: [
          { type: 'command', name: 'docker-info', command: 'docker info >/dev/null' },
          { type: 'command', name: 'docker-run', command: 'docker run --rm phx-busybox | grep -qx "hello from docker"' },
        ],
      },
      '320': {
        ...base,
        name: 'web',
        clone_from_ctid: '300',
        network_config: net(IP.web),
        features: ['python_api_service', 'trusted_ca'],
        python_api_service: { command: ['python3', '-m', 'http.server', '8080'], environment: { GREETING: web.greeting } },
        // A file reference: a PEM's newlines cannot stand in the config itself.
        trusted_ca_pem: { file: CA_FILE },
        health_checks: [{ type: 'http', name: 'web-http', url: `http://${IP.web}:8080/`, retries: 10, interval: 1 }],
      },
      ...extra,
    },
  };
}
let CA_FILE = '';

const FEATURES: Record<string, { manifest: object; script: string }> = {
  // An image made in the guest from its own static busybox: no registry is reachable here.
  local_image: {
    manifest: { name: 'local_image', description: 'a tiny local Docker image', kinds: ['lxc'], requires: ['docker'], inputs: [], timeoutSec: 600 },
    script: `#!/bin/sh
set -eu
. "$(dirname "$0")/phoenix-lib.sh"
phx_apt_install busybox-static
if ! docker image inspect phx-busybox >/dev/null 2>&1; then
  d=$(mktemp -d)
  mkdir "$d/bin"
  cp /bin/busybox "$d/bin/busybox"
  tar -C "$d" -c . | docker import -c 'CMD ["/bin/busybox", "echo", "hello from docker"]' - phx-busybox
  rm -rf "$d"
fi
`,
  },
  // A feature that fails for real: apt cannot find the package.
  broken_pkg: {
    manifest: { name: 'broken_pkg', description: 'installs a package that does not exist', kinds: ['lxc'], requires: [], inputs: [], timeoutSec: 300 },
    script: `#!/bin/sh
set -eu
. "$(dirname "$0")/phoenix-lib.sh"
phx_apt_install phoenix-no-such-package
`,
  },
};

interface Run {
  code: number | null;
  out: string;
  ms: number;
}

test('real LXC containers: up, no-op converge, changed input, stop/start, a real failure, delete', { skip, timeout: 25 * 60_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-lxc-'));
  const config = join(root, 'config');
  const state = join(root, 'sim');
  mkdirSync(config);
  CA_FILE = join(root, 'ca.pem');
  writeFileSync(CA_FILE, `${pem()}\n`);
  writeFileSync(join(config, 'phoenix_hypervisor_config.json'), JSON.stringify({ version: '1.0.0', domain_name: 'sim.test', timezone: 'Etc/UTC', network: { interfaces: { name: 'vmbr0', address: '10.213.77.1/24', gateway: '10.213.77.1' }, default_subnet: '10.213.77.0/24' } }));
  for (const [name, f] of Object.entries(FEATURES)) {
    mkdirSync(join(config, 'features', name), { recursive: true });
    writeFileSync(join(config, 'features', name, 'manifest.json'), JSON.stringify(f.manifest));
    writeFileSync(join(config, 'features', name, 'install.sh'), f.script, { mode: 0o755 });
  }
  const writeGuests = (g: object) => writeFileSync(join(config, 'phoenix_lxc_configs.json'), JSON.stringify(g, null, 2));
  const cost: Record<string, number> = {};
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      cost[label] = Date.now() - t0;
      t.diagnostic(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  // Phoenix runs inside the world's namespace, so its http check reaches the guests' addresses.
  const phoenix = (label: string, ...args: string[]): Promise<Run> =>
    timed(label, () => {
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1', PHOENIX_SIM_BACKEND: 'lxc', PHOENIX_SIM_STATE: state, PHOENIX_LOCK_DIR: join(root, 'locks') };
      const t0 = Date.now();
      return new Promise<Run>((resolve) => {
        const child = spawn('nsenter', [`--net=${NETNS_PATH}`, '--', process.execPath, CLI, ...args, '--config', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out, ms: Date.now() - t0 }));
      });
    });
  const inGuest = (vmid: number, ...argv: string[]) => spawnSync('lxc-attach', ['-P', LXC_PATH, '-n', ctName(vmid), '--clear-env', '--set-var', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', '--', ...argv], { encoding: 'utf8' });
  const lxcState = (vmid: number) => spawnSync('lxc-info', ['-P', LXC_PATH, '-n', ctName(vmid), '-s'], { encoding: 'utf8' }).stdout;
  const mutating = (r: Run) => Number(/(\d+) mutating Proxmox calls/.exec(r.out)?.[1] ?? -1);

  try {
    await timed('template (cached after the first build)', () => ensureTemplate((l) => t.diagnostic(l)));
    // The world is this test's: whatever an earlier, killed run left is removed first.
    await timed('clean start + world (namespace, bridge, apt proxy)', () => ensureWorld(state));

    writeGuests(guests({ greeting: 'one' }));
    const up = await phoenix('phoenix up (3 guests, first run)', 'up', '--yes');
    assert.equal(up.code, 0, up.out);
    assert.match(up.out, /3 ok, 0 failed/);
    // Really there, really done: the packages, the docker daemon, the web server over the bridge.
    assert.equal(inGuest(300, 'dpkg-query', '-W', '-f', '${Status}', 'jq').stdout, 'install ok installed');
    assert.match(inGuest(310, 'docker', 'images', '--format', '{{.Repository}}').stdout, /phx-busybox/);
    assert.match(inGuest(320, 'systemctl', 'is-active', 'python-api').stdout, /^active/);
    assert.match(inGuest(320, 'sh', '-c', 'ls /etc/ssl/certs | grep -c phoenix-root-ca').stdout, /^[1-9]/);
    assert.ok(existsSync(join(ctDir(300), 'snapshots', 'base-ready')), 'the base snapshot is a full copy of the root');

    const noop = await phoenix('phoenix converge (nothing to do)', 'converge', '--yes');
    assert.equal(noop.code, 0, noop.out);
    assert.equal(mutating(noop), 0, noop.out);

    writeGuests(guests({ greeting: 'two' }));
    const changed = await phoenix('phoenix converge (one feature input changed)', 'converge', '--yes');
    assert.equal(changed.code, 0, changed.out);
    assert.match(changed.out, /320 feature started \(python_api_service\)/);
    assert.doesNotMatch(changed.out, /310 feature started/);
    assert.match(inGuest(320, 'systemctl', 'show', '-p', 'Environment', 'python-api').stdout, /GREETING=two/);

    const stop = await phoenix('phoenix stop 310 320', 'stop', '310', '320', '--yes');
    assert.equal(stop.code, 0, stop.out);
    assert.match(lxcState(310), /STOPPED/);
    assert.match(lxcState(320), /STOPPED/);
    const start = await phoenix('phoenix start 310 320', 'start', '310', '320', '--yes');
    assert.equal(start.code, 0, start.out);
    assert.match(lxcState(310), /RUNNING/);
    const health = await phoenix('phoenix health-check (after the restart)', 'health-check');
    assert.equal(health.code, 0, health.out);

    // A feature that fails for real fails its guest with apt's words; the clone of it is skipped.
    writeGuests(
      guests(
        { greeting: 'two' },
        {
          '330': { memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true, name: 'broken', clone_from_ctid: '300', network_config: net(IP.broken), features: ['broken_pkg'], template_snapshot_name: 'ready' },
          '340': { memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, unprivileged: true, name: 'after', clone_from_ctid: '330', network_config: net(IP.after) },
        },
      ),
    );
    const broken = await phoenix('phoenix converge 340 (a feature fails for real)', 'converge', '340', '--yes');
    assert.notEqual(broken.code, 0, broken.out);
    assert.match(broken.out, /Unable to locate package phoenix-no-such-package/);
    assert.match(broken.out, /340 [^\n]*skipped/);

    const del = await phoenix('phoenix delete 340 330 320', 'delete', '340', '330', '320', '--yes');
    assert.equal(del.code, 0, del.out);
    assert.ok(!existsSync(ctDir(320)), 'the container is gone');
    t.diagnostic(`steps: ${JSON.stringify(cost)}`);
  } finally {
    if (process.env.PHOENIX_LXC_KEEP !== '1') await cleanWorld();
  }
});
