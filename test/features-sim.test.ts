// Built-in features for real, inside a simulated container, through the driver (pct push / pct
// exec against the simulator): base_setup and docker install with the guest's simulated apt and
// systemd, a re-run only reads the markers, a changed input re-runs the script (which itself finds
// nothing left to do), and the features' default health checks pass. nvidia fails honestly without
// a GPU, and is skipped with allow_missing_gpu.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { SecretScrubber } from '../src/util/redact.js';
import type { ProxmoxDriver } from '../src/proxmox/driver.js';
import { selectDriver } from '../src/app/drivers/select.js';
import { FeatureRegistry, resolveGuestFeatures } from '../src/features/registry.js';
import { applyFeature } from '../src/features/runner.js';
import { selectInputs } from '../src/features/inputs.js';
import { featureHealthChecks } from '../src/health/checks.js';
import { runHealthChecks } from '../src/health/run.js';

const VMID = 321;
const CT = { type: 'lxc' as const, vmid: VMID };
const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

const bwrap = spawnSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).status === 0;
let why: string | false = bwrap ? false : "needs bubblewrap (bwrap) for the simulator's guest exec";
let dir = '';
let driver: ProxmoxDriver;
let registry: FeatureRegistry;
const calls: string[][] = [];

before(async () => {
  if (why) return;
  dir = mkdtempSync(join(tmpdir(), 'phoenix-feat-sim-'));
  chmodSync(dir, 0o755); // the guest's mapped root must be able to reach its root directory
  const sel = await selectDriver({
    driver: 'sim',
    env: { PHOENIX_SIM_STATE: join(dir, 'sim'), PATH: process.env.PATH },
    configDir: dir,
    readOnly: false,
    onCall: (r) => calls.push(r.argv),
  });
  driver = sel.driver;
  try {
    await driver.list();
  } catch (e) {
    why = `the in-process simulator is not usable here: ${(e as Error).message.split('\n')[0]}`;
    return;
  }
  await driver.create('lxc', VMID, { hostname: 'feat-test', memory: 512, rootfs: 'local-lvm:4', net0: 'name=eth0,bridge=vmbr0,ip=dhcp' }, TEMPLATE);
  await driver.start('lxc', VMID);
  registry = new FeatureRegistry({ configDir: dir });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const guestInputs = { timezone: 'Europe/Berlin', base_packages: ['htop'], docker_daemon_config: { 'log-driver': 'journald' } };

async function applyAll(names: string[], inputs: Record<string, unknown>, log: string) {
  const { features, problems } = resolveGuestFeatures(registry, { id: VMID, kind: 'lxc', features: names });
  assert.deepEqual(problems, []);
  const results = [];
  for (const f of features) results.push(await applyFeature(driver, CT, f, { inputs: selectInputs(f, inputs), logFile: log }));
  return { features, results };
}

test('base_setup and docker install in a simulated container; a re-run only reads the markers', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const log = join(dir, '.phoenix/logs/run1', `${VMID}.log`);
  const first = await applyAll(['base_setup', 'docker'], guestInputs, log);
  assert.deepEqual(
    first.results.map((r) => [r.feature, r.status, r.exitCode]),
    [
      ['base_setup', 'applied', 0],
      ['docker', 'applied', 0],
    ],
    readFileSync(log, 'utf8'),
  );

  const text = readFileSync(log, 'utf8');
  assert.match(text, /installing: .*sudo.*htop/);
  assert.match(text, /installing: docker\.io/);
  const daemon = await driver.exec('lxc', VMID, ['cat', '/etc/docker/daemon.json']);
  assert.equal(daemon.stdout, '{"log-driver":"journald"}\n');
  const tz = await driver.exec('lxc', VMID, ['readlink', '/etc/localtime']);
  assert.equal(tz.stdout.trim(), '/usr/share/zoneinfo/Europe/Berlin');
  const leftovers = await driver.exec('lxc', VMID, ['ls', '-A', '/var/lib/phoenix/run']);
  assert.equal(leftovers.stdout, '', 'no inputs or scripts left in the guest');

  const health = await runHealthChecks(driver, CT, featureHealthChecks(first.features), { sleep: async () => {} });
  assert.deepEqual(
    health.results.map((r) => [r.name, r.ok]),
    [['feature docker', true]],
  );

  calls.length = 0;
  const second = await applyAll(['base_setup', 'docker'], guestInputs, join(dir, '.phoenix/logs/run2', `${VMID}.log`));
  assert.deepEqual(
    second.results.map((r) => r.status),
    ['skipped', 'skipped'],
  );
  assert.deepEqual(calls, [
    ['pct', 'exec', String(VMID), '--', 'cat', '/var/lib/phoenix/features/base_setup.json'],
    ['pct', 'exec', String(VMID), '--', 'cat', '/var/lib/phoenix/features/docker.json'],
  ]);
});

test('a changed input re-runs the feature, and the script itself changes only what differs', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const log = join(dir, '.phoenix/logs/run3', `${VMID}.log`);
  const r = await applyAll(['base_setup'], { ...guestInputs, base_packages: ['htop', 'jq'] }, log);
  assert.deepEqual(
    r.results.map((x) => [x.status, x.reason]),
    [['applied', 'inputs changed']],
  );
  const text = readFileSync(log, 'utf8');
  assert.match(text, /installing: jq\n/, 'only the new package is installed');
  assert.doesNotMatch(text, /time zone set/, 'the time zone was already right');
});

test('nvidia without a GPU fails with a clear message; allow_missing_gpu skips the driver honestly', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const log = join(dir, '.phoenix/logs/run4', `${VMID}.log`);
  const failed = await applyAll(['nvidia'], { nvidia_driver_version: '580.76.05' }, log);
  const f = failed.results[0]!;
  assert.equal(f.status, 'failed');
  assert.equal(f.exitCode, 1);
  assert.match(f.logTail!.join('\n'), /no NVIDIA GPU in this guest: \/dev\/nvidia0 is absent/);
  assert.equal(existsSync(log), true);

  const allowed = await applyAll(['nvidia'], { nvidia_driver_version: '580.76.05', allow_missing_gpu: true }, log);
  assert.equal(allowed.results[0]!.status, 'applied');
  const health = await runHealthChecks(driver, CT, featureHealthChecks(allowed.features), { sleep: async () => {} });
  assert.equal(health.healthy, true);
  assert.match(health.results[0]!.detail, /allow_missing_gpu/);
});

test('in a simulated VM the same feature runs through the guest agent, and a re-run only reads its marker', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const vm = { type: 'qemu' as const, vmid: 654 };
  await driver.create('qemu', vm.vmid, {
    name: 'feat-vm',
    memory: 1024,
    agent: 1,
    net0: 'virtio,bridge=vmbr0',
    scsi0: 'local-lvm:0,import-from=local:import/debian-12-genericcloud-amd64.qcow2',
  });
  await driver.start('qemu', vm.vmid);
  const base = registry.find('base_setup');
  assert.ok(base.ok);
  const log = join(dir, '.phoenix/logs/run5', `${vm.vmid}.log`);
  const first = await applyFeature(driver, vm, base.feature, { inputs: { timezone: 'UTC' }, logFile: log });
  assert.equal(first.status, 'applied', readFileSync(log, 'utf8'));
  calls.length = 0;
  const again = await applyFeature(driver, vm, base.feature, { inputs: { timezone: 'UTC' }, logFile: log });
  assert.equal(again.status, 'skipped');
  const started = calls.filter((c) => c[0] === 'qm' && c[2] === 'exec');
  assert.deepEqual(started, [['qm', 'guest', 'exec', String(vm.vmid), '--synchronous', '0', '--', 'cat', '/var/lib/phoenix/features/base_setup.json']]);
});

test('trusted_ca installs a root given as a file reference only when its fingerprint matches', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const pemFile = join(import.meta.dirname, 'fixtures/features/test-root-ca.pem');
  const fingerprint = new X509Certificate(readFileSync(pemFile)).fingerprint256;
  const ca = registry.find('trusted_ca');
  assert.ok(ca.ok);
  const log = join(dir, '.phoenix/logs/run6', `${VMID}.log`);
  const secrets = { env: {}, scrubber: new SecretScrubber(), baseDir: dir };
  const wrong = await applyFeature(driver, CT, ca.feature, {
    inputs: { trusted_ca_pem: { file: pemFile }, bootstrap_ca_fingerprint: '00'.repeat(32) },
    logFile: log,
    secrets,
  });
  assert.equal(wrong.status, 'failed');
  assert.match(wrong.logTail!.join('\n'), /does not match bootstrap_ca_fingerprint 0000/);

  const right = await applyFeature(driver, CT, ca.feature, {
    inputs: { trusted_ca_pem: { file: pemFile }, bootstrap_ca_fingerprint: fingerprint },
    logFile: log,
    secrets,
  });
  assert.equal(right.status, 'applied', readFileSync(log, 'utf8'));
  const installed = await driver.exec('lxc', VMID, ['cat', '/usr/local/share/ca-certificates/phoenix-root-ca.crt']);
  assert.equal(new X509Certificate(installed.stdout).fingerprint256, fingerprint);
});

test('python_api_service runs a command as a systemd unit and its default check passes', { skip: why }, async (t) => {
  if (why) return t.skip(why);
  const log = join(dir, '.phoenix/logs/run7', `${VMID}.log`);
  const spec = { command: ['python3', '-m', 'http.server', '8080'], environment: { GREETING: 'a "quoted" 100%' } };
  const r = await applyAll(['python_api_service'], { python_api_service: spec }, log);
  assert.equal(r.results[0]!.status, 'applied', readFileSync(log, 'utf8'));
  const unit = (await driver.exec('lxc', VMID, ['cat', '/etc/systemd/system/python-api.service'])).stdout;
  assert.match(unit, /^ExecStart="\/opt\/python-api\/venv\/bin\/python3" "-m" "http\.server" "8080"$/m);
  assert.match(unit, /^Environment="GREETING=a \\"quoted\\" 100%%"$/m);
  const health = await runHealthChecks(driver, CT, featureHealthChecks(r.features), { sleep: async () => {} });
  assert.equal(health.healthy, true, JSON.stringify(health));
});
