// `plan` and `--dry-run` change nothing, enforced structurally: (1) through the CLI, the simulator
// receives no mutating call and its state tree stays byte-identical, on a fresh host and on a
// converged one with changes pending; (2) the workflows themselves, run in plan mode through
// readOnlyDriver over a driver whose mutating methods throw a distinct error, never reach it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPhoenixConfig } from '../../src/config/index.js';
import { FeatureRegistry } from '../../src/features/registry.js';
import { memoryRestarts } from '../../src/managers/pending.js';
import { runConverge } from '../../src/app/converge.js';
import type { Session } from '../../src/app/session.js';
import { MutationRefused, readOnlyDriver, type ProxmoxDriver } from '../../src/proxmox/driver.js';
import { selectDriver } from '../../src/app/drivers/select.js';
import { SecretScrubber } from '../../src/util/redact.js';
import type { GuestPlan } from '../../src/plan/types.js';
import { isMarkerRead, isMutatingCall, userFeature, workspace, type Workspace } from './harness.js';

const LXC = 'phoenix_lxc_configs.json';
const VM = 'phoenix_vm_configs.json';
const MUTATING = ['create', 'clone', 'set', 'resize', 'start', 'stop', 'shutdown', 'reboot', 'destroy', 'template', 'snapshot', 'delsnapshot', 'rollback', 'importDisk', 'cloudinitUpdate', 'push', 'setRawLxc', 'writeFirewall'] as const;

class InnerMutation extends Error {}

let w: Workspace;

before(async () => {
  w = workspace({
    files: {
      [LXC]: {
        lxc_configs: {
          '400': {
            name: 'ro-ct',
            template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            memory_mb: 256,
            cores: 1,
            storage_pool: 'local-lvm',
            storage_size_gb: 4,
            network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.30.40/24', gw: '192.168.30.1' },
            features: ['hello'],
            enable_lifecycle_snapshots: true,
            lxc_options: ['lxc.cgroup2.devices.allow=c 10:200 rwm'],
            firewall: { enabled: true, rules: [{ type: 'in', action: 'ACCEPT', proto: 'tcp', port: '22' }] },
          },
        },
      },
      [VM]: {
        vms: [
          {
            vmid: 410,
            name: 'ro-vm',
            template_image: 'local:import/debian-12-genericcloud-amd64.qcow2',
            memory_mb: 1024,
            cores: 1,
            disk_size_gb: 8,
            storage_pool: 'local-lvm',
            network_bridge: 'vmbr0',
            network_config: { ip: '192.168.30.41/24', gw: '192.168.30.1' },
            user_config: { username: 'ops' },
            features: ['hello'],
          },
        ],
      },
    },
  });
  userFeature(w, 'hello', '#!/bin/sh\necho hello > /etc/hello\n');
  // A host that exists (so hashing before/after compares like with like).
  assert.equal((await w.sim('pct', 'list')).exitCode, 0);
});
after(() => w.cleanup());

async function noChange(label: string, ...argv: string[]) {
  const before = w.stateHash();
  w.mark();
  const r = await w.run(...argv);
  assert.deepEqual(
    w
      .since()
      .filter(isMutatingCall)
      .map((c) => c.argv.join(' ')),
    [],
    `${label}: mutating calls`,
  );
  assert.equal(w.stateHash(), before, `${label}: state changed`);
  return r;
}

/** A session whose driver is readOnlyDriver(trap): the trap throws InnerMutation on any mutating method. */
async function trappedSession(): Promise<{ session: Session; reached: string[]; execs: string[][] }> {
  const { config } = await loadPhoenixConfig({ config: w.config, env: {}, cwd: w.root });
  assert.ok(config);
  const real = (await selectDriver({ driver: 'sim', env: w.env, configDir: w.config, readOnly: false })).driver;
  const reached: string[] = [];
  const execs: string[][] = [];
  const trap = Object.create(real) as ProxmoxDriver;
  for (const m of MUTATING) {
    (trap as any)[m] = async () => {
      reached.push(m);
      throw new InnerMutation(`inner driver reached: ${m}`);
    };
  }
  trap.exec = (type, vmid, argv, opts) => {
    execs.push(argv);
    return real.exec(type, vmid, argv, opts);
  };
  const session = {
    config,
    driver: readOnlyDriver(trap),
    driverKind: 'sim',
    registry: new FeatureRegistry({ configDir: config.dir }),
    secrets: { env: {}, scrubber: new SecretScrubber(), baseDir: config.dir },
    pending: memoryRestarts(),
    stateDir: w.root,
    runId: 'ro',
    logDir: w.root,
    stats: { reads: 0, mutations: 0, calls: [] },
    lockDir: w.root,
    leases: new Map(),
  } as Session;
  return { session, reached, execs };
}

async function planThrough(session: Session, apply = false) {
  return runConverge(session, { verb: 'converge', targets: [], apply, concurrency: 2, signal: new AbortController().signal, pollMs: 1 });
}

const planOf = (r: Awaited<ReturnType<typeof planThrough>>, id: number): GuestPlan => {
  const o = r.outcomes.get(id)!;
  assert.equal(o.result.status, 'ok', `${id}: ${o.message}`);
  return o.plan!;
};
const summaries = (p: GuestPlan) => p.steps.filter((s) => s.symbol !== '=').map((s) => `${s.symbol} ${s.summary}`);

test('fresh host: plan, --dry-run create and --dry-run converge make no mutating call and leave the state byte-identical', async () => {
  const p = await noChange('plan', 'plan');
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^\+ lxc 400 ro-ct$/m);
  assert.match(p.stdout, /^\+ vm 410 ro-vm$/m);
  assert.match(p.stdout, /Plan: 2 to create, 0 to change/);
  const d = await noChange('create --dry-run', '--dry-run', 'create', '400');
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /create 400 from local:vztmpl\/debian-12/);
  assert.equal((await noChange('converge --dry-run', '--dry-run', 'converge')).code, 0);
});

test('fresh host: the workflows in plan mode behind readOnlyDriver never reach the inner driver', async () => {
  const { session, reached, execs } = await trappedSession();
  const r = await planThrough(session);
  assert.deepEqual(reached, []);
  assert.deepEqual(execs, [], 'nothing to read in guests that do not exist');
  assert.deepEqual(summaries(planOf(r, 400)).slice(0, 2), ['+ create 400 from local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '~ raw lxc.* lines']);
  assert.equal(planOf(r, 410).steps[0].summary, 'create 410 with scsi0 imported from local:import/debian-12-genericcloud-amd64.qcow2 to local-lvm');
});

test('converged host with changes pending: plan and --dry-run change nothing; the trapped workflows only read', async () => {
  const c = await w.run('converge');
  assert.equal(c.code, 0, c.stdout + c.stderr);
  w.edit(LXC, (d) => {
    const g = d.lxc_configs['400'];
    g.memory_mb = 512;
    g.name = 'ro-ct2';
    g.storage_size_gb = 6;
    g.lxc_options.push('lxc.mount.auto=proc:mixed');
    g.zfs_volumes = [{ name: 'data', pool: 'local-lvm', size_gb: 2, mount_point: '/data' }];
    g.firewall.rules.push({ type: 'in', action: 'ACCEPT', proto: 'icmp' });
  });
  w.edit(VM, (d) => {
    d.vms[0].memory_mb = 2048;
    d.vms[0].network_config.ip = '192.168.30.42/24';
    d.vms[0].disk_size_gb = 10;
  });
  userFeature(w, 'hello', '#!/bin/sh\necho hello again > /etc/hello\n');
  const p = await noChange('plan', 'plan');
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /^! lxc 400 ro-ct2$/m);
  assert.match(p.stdout, /^! vm 410 ro-vm$/m);
  assert.equal((await noChange('create --dry-run', '--dry-run', 'create', '400', '410')).code, 0);
  assert.equal((await noChange('converge --dry-run', '--json', '--dry-run', 'converge')).code, 0);

  const { session, reached, execs } = await trappedSession();
  const hash = w.stateHash();
  const r = await planThrough(session);
  assert.deepEqual(reached, []);
  assert.equal(w.stateHash(), hash);
  // In a guest, a plan only reads feature markers and lists the feature run area (what a killed run left), in one exec.
  assert.ok(execs.length > 0);
  for (const argv of execs) assert.ok(isMarkerRead({ argv: ['pct', 'exec', '0', '--', ...argv], exit: 0 }), argv.join(' '));
  assert.deepEqual(summaries(planOf(r, 400)), ['~ set hostname, memory, mp0', '~ resize rootfs to 6G', '~ raw lxc.* lines', '~ firewall (2 rules)', '! restart 400', '~ feature hello', '~ snapshot final-form (retake)']);
  assert.deepEqual(summaries(planOf(r, 410)), ['~ set memory, ipconfig0', '~ regenerate the cloud-init drive', '~ resize scsi0 to 10G', '! reboot 410', '~ feature hello']);
});

test('applying through readOnlyDriver is refused before anything reaches the inner driver', async () => {
  const { session, reached } = await trappedSession();
  const r = await planThrough(session, true);
  assert.deepEqual(reached, []);
  for (const id of [400, 410]) {
    const o = r.outcomes.get(id)!;
    assert.equal(o.result.status, 'failed');
    assert.ok(o.result.status === 'failed' && o.result.error instanceof MutationRefused, String(o.message));
  }
});
