import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadPhoenixConfig } from './index.js';
import type { LxcGuest, VmGuest } from '../model/guest.js';
import { ct, lines, lxcFile, validate, vm, vmFile } from '../../test/helpers/config.js';
import { originalWithStubs } from '../../test/helpers/original-stubs.js';

const ORIGINAL = join(import.meta.dirname, '..', '..', '..', 'shared', 'reference', 'original-config');
const skipOriginal = !existsSync(ORIGINAL) && 'needs ../shared/reference (absent)';

const lxcOf = (guests: Record<string, unknown>, root?: Record<string, unknown>) => {
  const r = validate({ lxc: lxcFile(guests, root) });
  assert.deepEqual(lines(r, 'error'), []);
  return r.config!;
};

test('original config: every guest loads, fields mapped as the original used them', { skip: skipOriginal }, async () => {
  // With the application scripts and the two features it kept elsewhere (validate names them).
  const r = await loadPhoenixConfig({ config: originalWithStubs(ORIGINAL), env: {}, cwd: '/' });
  assert.deepEqual(lines(r, 'error'), []);
  const c = r.config!;
  assert.deepEqual([...c.guests.keys()], [101, 102, 103, 801, 802, 900, 901, 910, 911, 912, 914, 917, 1001, 1002, 9000]);
  assert.equal(c.host.domainName, 'internal.thinkheads.ai');
  assert.deepEqual(c.host.lxcRootInputs, {
    nvidia_driver_version: '580.76.05',
    nvidia_repo_url: 'https://developer.download.nvidia.com/compute/cuda/repos/ubuntu2404/x86_64/',
    nvidia_runfile_url: 'https://us.download.nvidia.com/XFree86/Linux-x86_64/580.76.05/NVIDIA-Linux-x86_64-580.76.05.run',
  });

  const g900 = c.guests.get(900) as LxcGuest;
  assert.equal(g900.template, '/fastData/shared-iso/template/cache/ubuntu-24.04-standard_24.04-2_amd64.tar.zst');
  assert.deepEqual(g900.network, { name: 'eth0', bridge: 'vmbr0', ip: '10.0.0.200/24', gw: '10.0.0.1', nameservers: ['8.8.8.8'], mac: '52:54:00:AA:BB:CC', firewall: true });
  assert.deepEqual(g900.rawLxc, [['lxc.apparmor.profile', 'unconfined']]); // lxc_options and apparmor_profile agree: once
  assert.deepEqual(g900.snapshots, { templateSnapshotName: 'final-form', lifecycle: true, named: [] });
  assert.deepEqual(g900.firewall!.rules[1], { type: 'in', action: 'ACCEPT', proto: 'tcp', source: '10.0.0.0/24', dport: '22', comment: 'Allow SSH from internal network', enable: true });
  assert.equal(g900.rootfsSizeGb, 16);
  assert.equal(g900.storage, 'quickOS-lxc-disks');

  const g901 = c.guests.get(901) as LxcGuest;
  assert.deepEqual(g901.gpus, [0, 1]); // "0, 1"
  assert.equal(g901.cloneFrom, 900);
  assert.deepEqual(g901.dependencies, [1002]);
  assert.equal(g901.network!.firewall, undefined); // no firewall section: net0 gets no firewall flag

  const g101 = c.guests.get(101) as LxcGuest;
  assert.deepEqual(g101.pveFeatures, { nesting: '1' });
  assert.deepEqual(g101.rawLxc, [
    ['lxc.mount.auto', 'sys:rw'],
    ['lxc.apparmor.profile', 'unconfined'],
  ]);
  assert.deepEqual(g101.idMaps, [{ type: 'gid', containerId: 33, hostId: 33, size: 1 }]);
  assert.deepEqual(g101.mounts[0], { kind: 'bind', hostPath: '/mnt/pve/quickOS/lxc-persistent-data/101/logs', containerPath: '/var/log/nginx', ownerUid: 33, ownerGid: 33 });
  assert.equal(g101.swapMb, 512);

  const g801 = c.guests.get(801) as LxcGuest;
  assert.deepEqual(g801.mounts, [{ kind: 'volume', name: 'vllm_models', storage: 'fastData-shared-bulk-data', sizeGb: 50, containerPath: '/vllm_models' }]);
  assert.deepEqual(g801.inputs.ports, ['8000:8000']);
  assert.equal((g801.inputs.vllm_engine_config as { ModelConfig: { model: string } }).ModelConfig.model, 'ibm-granite/granite-embedding-english-r2');
  assert.equal(g801.inputs.tests, undefined); // ignored keys are not inputs
  assert.equal(g801.bootOrder, 6);
  assert.equal(g801.bootDelaySec, 5);
  assert.equal(g801.startAtBoot, true);

  const g103 = c.guests.get(103) as LxcGuest;
  assert.deepEqual(g103.healthChecks, [{ kind: 'command', name: 'health_check', command: '/usr/local/phoenix_hypervisor/bin/health_checks/check_step_ca.sh', retries: 5, intervalSec: 10, timeoutSec: 10 }]);

  const g9000 = c.guests.get(9000) as VmGuest;
  assert.equal(g9000.isTemplate, true);
  assert.equal(g9000.image, 'noble-server-cloudimg-amd64.img');
  assert.equal(g9000.snapshots.templateSnapshotName, 'initial_clean_state');
  assert.deepEqual(g9000.cloudInit, { user: 'phoenix_user', ipconfig0: 'ip=dhcp', nameserver: '10.0.0.13', searchdomain: 'internal.thinkheads.ai' });
  // vm_defaults merged in
  assert.deepEqual([g9000.cores, g9000.memoryMb, g9000.diskSizeGb, g9000.storage, g9000.bridge], [2, 4096, 50, 'quickOS-vm-disks', 'vmbr0']);

  const g1001 = c.guests.get(1001) as VmGuest;
  assert.equal(g1001.cloudInit.ipconfig0, 'ip=10.0.0.111/24,gw=10.0.0.1');
  assert.deepEqual([g1001.cores, g1001.memoryMb, g1001.diskSizeGb], [4, 8192, 32]);
  assert.equal(g1001.fullClone, true);
  assert.deepEqual(g1001.dependencies, [102]);
  assert.deepEqual(g1001.volumes[0], { kind: 'nfs', name: 'persistent-storage', server: '10.0.0.13', path: '/quickOS/vm-persistent-data/1001', mountPoint: '/persistent-storage' });
  assert.equal(g1001.inputs.portainer_role, 'primary');
  assert.deepEqual(g1001.inputs.docker_stacks, ['portainer_service']);
});

test('nameservers: a string with spaces or commas, or a list', () => {
  const c = lxcOf({
    '200': ct({ network_config: { ip: 'dhcp', nameservers: '10.0.0.13 8.8.8.8' } }),
    '201': ct({ network_config: { ip: 'dhcp', nameservers: '1.1.1.1,9.9.9.9' } }),
    '202': ct({ network_config: { ip: 'dhcp', nameservers: ['1.1.1.1'] } }),
  });
  assert.deepEqual(c.guests.get(200)!.network!.nameservers, ['10.0.0.13', '8.8.8.8']);
  assert.deepEqual(c.guests.get(201)!.network!.nameservers, ['1.1.1.1', '9.9.9.9']);
  assert.deepEqual(c.guests.get(202)!.network!.nameservers, ['1.1.1.1']);
});

test('gpu_assignment: "none", "0, 1", "1" and lists', () => {
  const c = lxcOf({ '200': ct({ gpu_assignment: 'none' }), '201': ct({ gpu_assignment: '0, 1' }), '202': ct({ gpu_assignment: '1' }), '203': ct({ gpu_assignment: [2, 3] }), '204': ct() });
  assert.deepEqual(
    [200, 201, 202, 203, 204].map((id) => (c.guests.get(id) as LxcGuest).gpus),
    [[], [0, 1], [1], [2, 3], []],
  );
});

test('lxc_options in both "=" and ":" forms, duplicates dropped; pct_options become Proxmox features', () => {
  const c = lxcOf({
    '200': ct({
      lxc_options: ['lxc.mount.auto:sys:rw', 'lxc.cgroup2.devices.allow = c 195:* rwm', 'lxc.cgroup2.devices.allow: c 243:* rwm', 'lxc.mount.auto=sys:rw'],
      pct_options: ['nesting=1', 'keyctl=1,fuse=true'],
      apparmor_profile: 'unconfined',
    }),
  });
  const g = c.guests.get(200) as LxcGuest;
  assert.deepEqual(g.rawLxc, [
    ['lxc.mount.auto', 'sys:rw'],
    ['lxc.cgroup2.devices.allow', 'c 195:* rwm'],
    ['lxc.cgroup2.devices.allow', 'c 243:* rwm'],
    ['lxc.apparmor.profile', 'unconfined'],
  ]);
  assert.deepEqual(g.pveFeatures, { nesting: '1', keyctl: '1', fuse: '1' });
});

test('health_checks of every kind, with defaults', () => {
  const c = lxcOf({
    '200': ct({
      health_checks: [
        { type: 'command', command: 'systemctl is-active nginx' },
        { type: 'tcp', port: 443, retries: 10, interval: 3, timeout: 2 },
        { type: 'http', name: 'api', url: 'http://127.0.0.1:8000/health' },
      ],
    }),
  });
  assert.deepEqual(c.guests.get(200)!.healthChecks, [
    { kind: 'command', name: 'command-1', command: 'systemctl is-active nginx', retries: 3, intervalSec: 5, timeoutSec: 10 },
    { kind: 'tcp', name: 'tcp-2', port: 443, retries: 10, intervalSec: 3, timeoutSec: 2 },
    { kind: 'http', name: 'api', url: 'http://127.0.0.1:8000/health', expectStatus: 200, retries: 3, intervalSec: 5, timeoutSec: 10 },
  ]);
});

test('nvidia_* keys: root keys reach host.lxcRootInputs, guest keys the guest inputs; no other root fallback', () => {
  const r = validate({ lxc: lxcFile({ '200': ct({ nvidia_driver_version: '570.1' }) }, { nvidia_driver_version: '580.76.05', memory_mb: 4096 }) });
  const c = r.config!;
  assert.deepEqual(c.host.lxcRootInputs, { nvidia_driver_version: '580.76.05' });
  assert.deepEqual(c.guests.get(200)!.inputs, { nvidia_driver_version: '570.1' });
  assert.equal(c.guests.get(200)!.memoryMb, 512); // the root memory_mb is not a fallback...
  assert.match(lines(r, 'warning').join('\n'), /memory_mb: ignored: a container key at the top level applies to no container/); // ...and says so
});

test('VMs: vm_defaults merged under each VM (nested network_config key by key); cloud-init from network_config and user_config', () => {
  const r = validate({
    hypervisor: { domain_name: 'lab.example' },
    vm: vmFile(
      [
        vm(9000, { network_config: { ip: '10.0.0.5/24', gw: '10.0.0.1' }, user_config: { username: 'ops', password: { env: 'VM_PASSWORD' } }, snapshots: ['pre-features', 'post-features'] }),
        vm(9001, { cores: 8, network_config: { ip: 'dhcp', searchdomain: 'other.example' }, snapshots: { 'pre-features': 'x', 'post-features': '' } }),
      ],
      { cores: 2, memory_mb: 2048, network_bridge: 'vmbr1', network_config: { nameserver: '10.0.0.53' } },
    ),
  });
  assert.deepEqual(lines(r, 'error'), []);
  const a = r.config!.guests.get(9000) as VmGuest;
  const b = r.config!.guests.get(9001) as VmGuest;
  assert.deepEqual([a.cores, a.memoryMb, a.bridge, b.cores], [2, 2048, 'vmbr1', 8]);
  assert.deepEqual(a.cloudInit, { user: 'ops', password: { env: 'VM_PASSWORD' }, ipconfig0: 'ip=10.0.0.5/24,gw=10.0.0.1', nameserver: '10.0.0.53', searchdomain: 'lab.example' });
  assert.deepEqual(b.cloudInit, { ipconfig0: 'ip=dhcp', nameserver: '10.0.0.53', searchdomain: 'other.example' });
  assert.deepEqual(a.snapshots.named, ['pre-features', 'post-features']);
  assert.deepEqual(b.snapshots.named, ['pre-features']);
  assert.deepEqual([a.agentTimeoutSec, a.cloudInitTimeoutSec, a.fullClone], [300, 900, true]);
});

test('a secret reference is kept as written, never resolved at load time', () => {
  const file = import.meta.filename; // a readable file (validate checks that a secret file is there)
  const r = validate({ vm: vmFile([vm(9000, { user_config: { username: 'ops', password: { file } } })]) });
  assert.deepEqual((r.config!.guests.get(9000) as VmGuest).cloudInit.password, { file });
  // References are the recommended form: no plaintext warning (only that Phoenix does not apply it).
  assert.deepEqual(
    lines(r, 'warning').filter((l) => /plaintext/.test(l)),
    [],
  );
  assert.ok(lines(r, 'warning').some((l) => /user_config.password: not applied by Phoenix/.test(l)));
});
