// Disks and mount points end to end: mount_points/zfs_volumes are identified by their path, a new
// one takes the next free mpN (a hand-made mpN is kept and skipped), nothing is allocated twice
// (volumes counted in the simulator's storage after repeated runs), volumes grow and never
// shrink, and raw lxc lines (lxc_options, GPU passthrough) stay in the config exactly once each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMutatingCall, propMap, workspace, type Workspace } from './harness.js';
import { lxcMismatches } from './expect-config.js';

const LXC = 'phoenix_lxc_configs.json';
let w: Workspace;

const guest = () => JSON.parse(readFileSync(join(w.config, LXC), 'utf8')).lxc_configs['500'];
/** Disk volumes of CT 500 on local-lvm (the simulator's storage registry). */
const volumes = () =>
  (JSON.parse(readFileSync(join(w.state, 'storage', 'local-lvm.json'), 'utf8')).volumes as Array<{ name: string; vmid?: number }>)
    .filter((v) => v.vmid === 500 || /-500-disk-/.test(v.name))
    .map((v) => v.name)
    .sort();
const mps = () =>
  Object.fromEntries(
    Object.entries(w.conf('lxc', 500)!.options)
      .filter(([k]) => /^mp\d+$/.test(k))
      .map(([k, v]) => [propMap(v).mp, `${k} ${v.split(',')[0]}`]),
  );
const mutations = () =>
  w
    .since()
    .filter(isMutatingCall)
    .map((c) => c.argv.join(' '));
const converge = async () => {
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return mutations();
};

before(async () => {
  w = workspace({
    files: {
      [LXC]: {
        lxc_configs: {
          '500': {
            name: 'disks',
            template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            memory_mb: 256,
            cores: 1,
            storage_pool: 'local-lvm',
            storage_size_gb: 4,
            unprivileged: true,
            network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.40.50/24', gw: '192.168.40.1' },
            mount_points: [{ host_path: '/srv/share', container_path: '/share', read_only: true }],
            zfs_volumes: [{ name: 'data', pool: 'local-lvm', size_gb: 2, mount_point: '/data' }],
            lxc_options: ['lxc.cgroup2.devices.allow=c 10:200 rwm', 'lxc.mount.entry=/dev/net/tun dev/net/tun none bind,create=file'],
            gpu_assignment: '0',
          },
        },
      },
    },
  });
});
after(() => w.cleanup());

test('created with its mounts and volumes, raw lines once each; a re-run allocates nothing', async () => {
  await converge();
  assert.deepEqual(lxcMismatches(500, guest(), w.conf('lxc', 500)), []);
  assert.deepEqual(mps(), { '/share': 'mp0 /srv/share', '/data': 'mp1 local-lvm:vm-500-disk-1' });
  assert.deepEqual(volumes(), ['vm-500-disk-0', 'vm-500-disk-1']);
  assert.deepEqual(await converge(), []);
  assert.deepEqual(volumes(), ['vm-500-disk-0', 'vm-500-disk-1']);
});

test('mounts and volumes added later take the next free mpN (a hand-made one is kept); run twice, nothing allocated twice', async () => {
  // Someone added mp2 by hand: Phoenix keeps it and does not reuse its index.
  assert.equal((await w.sim('pct', 'set', '500', '--mp2', '/srv/hand,mp=/hand')).exitCode, 0);
  w.edit(LXC, (d) => {
    const g = d.lxc_configs['500'];
    g.zfs_volumes.push({ name: 'logs', pool: 'local-lvm', size_gb: 1, mount_point: '/logs' });
    g.mount_points.push({ host_path: '/srv/other', container_path: '/other' });
  });
  const m = await converge();
  // One set, no restart: Proxmox hotplugs mount points into a running container.
  assert.deepEqual(m, ['pct set 500 --mp3 /srv/other,mp=/other --mp4 local-lvm:1,mp=/logs']);
  assert.deepEqual(mps(), {
    '/share': 'mp0 /srv/share',
    '/data': 'mp1 local-lvm:vm-500-disk-1',
    '/hand': 'mp2 /srv/hand',
    '/other': 'mp3 /srv/other',
    '/logs': 'mp4 local-lvm:vm-500-disk-2',
  });
  assert.deepEqual(await converge(), []);
  assert.deepEqual(await converge(), []);
  assert.deepEqual(volumes(), ['vm-500-disk-0', 'vm-500-disk-1', 'vm-500-disk-2']);
  assert.deepEqual(lxcMismatches(500, guest(), w.conf('lxc', 500)), []);
});

test('a volume grows with one resize; a smaller size_gb fails (exit 1, clear message) and changes nothing', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['500'].zfs_volumes[0].size_gb = 3));
  assert.deepEqual(await converge(), ['pct resize 500 mp1 3G']);
  assert.equal(propMap(w.conf('lxc', 500)!.options.mp1).size, '3G');
  w.edit(LXC, (d) => (d.lxc_configs['500'].zfs_volumes[0].size_gb = 1));
  const hash = w.stateHash();
  w.mark();
  const r = await w.run('converge');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /guest 500: \/data: size_gb 1 is smaller than the existing volume local-lvm:vm-500-disk-1 \(3G\); volumes only grow/);
  assert.deepEqual(mutations(), []);
  assert.equal(w.stateHash(), hash);
  w.edit(LXC, (d) => (d.lxc_configs['500'].zfs_volumes[0].size_gb = 3));
});

test('raw lxc lines: a changed lxc_options list is rewritten once, each line still exactly once', async () => {
  w.edit(LXC, (d) => d.lxc_configs['500'].lxc_options.push('lxc.mount.auto=proc:mixed'));
  const m = await converge();
  assert.deepEqual(m, ['pct reboot 500'], 'raw lines are a host-file edit (no pct call) applied at the restart');
  const raw = w.conf('lxc', 500)!.raw;
  assert.equal(raw.filter(([k, v]) => k === 'lxc.mount.auto' && v === 'proc:mixed').length, 1);
  assert.deepEqual(lxcMismatches(500, guest(), w.conf('lxc', 500)), []);
  assert.deepEqual(await converge(), []);
});
