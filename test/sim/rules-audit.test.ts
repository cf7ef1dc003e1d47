// Rules found by the citation audit of disks.ts, normalize.ts, params.ts, keyfiles.ts, identity.ts
// and clone.ts (issue 8): each pinned as a pct/qm user sees it. Sources in src/sim/RULES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN } from '../helpers/sim.js';
import { vmIdentity } from '../../src/sim/frontend/identity.js';

const ctConf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');
const vmConf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/qemu-server', `${id}.conf`), 'utf8');

async function withHarness(fn: (h: ReturnType<typeof simHarness>) => Promise<void>) {
  const h = simHarness({ PHOENIX_SIM_LATENCY: 'boot=0' });
  try {
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test("audit: pct set of a mount point on a storage without rootdir content fails with update_pct_config's text", async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const before = ctConf(h.dir, 100);
    const r = await h.run('pct', 'set', '100', '--mp0', 'local:1,mp=/data');
    assert.deepEqual([r.exitCode, r.stderr], [255, "storage 'local' does not allow content type 'rootdir' (Container)\n"]);
    assert.equal(ctConf(h.dir, 100), before);
  });
});

test('audit: qm set of a new disk on a storage without images is a 400 on storage, as qm create', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    const before = vmConf(h.dir, 100);
    const r = await h.run('qm', 'set', '100', '--scsi1', 'local:1');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nstorage: storage 'local' does not support vm images\nqm set <vmid>/);
    assert.equal(vmConf(h.dir, 100), before);
  });
});

test('audit: an ISO volume attached without media=cdrom is a 400 on the drive; a missing volume is named unquoted', async () => {
  await withHarness(async (h) => {
    const { addTemplate } = await import('../../src/sim/state/admin.js');
    await addTemplate(h.dir, 'local:iso/debian-12.9.0-amd64-netinst.iso', 632 * 2 ** 20);
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    let r = await h.run('qm', 'set', '100', '--ide2', 'local:iso/debian-12.9.0-amd64-netinst.iso');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nide2: explicit 'media=cdrom' is required for iso images\n/);
    r = await h.run('qm', 'create', '101', '--scsi0', 'local:iso/debian-12.9.0-amd64-netinst.iso');
    assert.match(r.stderr, /^400 Parameter verification failed\.\nscsi0: explicit 'media=cdrom' is required for iso images\n/);
    r = await h.run('qm', 'set', '100', '--scsi1', 'local-lvm:vm-100-disk-7');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'volume local-lvm:vm-100-disk-7 does not exist\n']);
    await h.ok('qm', 'set', '100', '--ide2', 'local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom');
  });
});

test('audit: a CT stores nameserver and searchdomain lists space-joined (verify_nameserver_list)', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--nameserver', '1.1.1.1,8.8.8.8;9.9.9.9', '--searchdomain', 'a.example,b.example');
    assert.match(ctConf(h.dir, 100), /^nameserver: 1\.1\.1\.1 8\.8\.8\.8 9\.9\.9\.9$/m);
    assert.match(ctConf(h.dir, 100), /^searchdomain: a\.example b\.example$/m);
    await h.ok('pct', 'set', '100', '--nameserver', '10.0.0.53;10.0.0.54');
    assert.match(await h.ok('pct', 'config', '100'), /^nameserver: 10\.0\.0\.53 10\.0\.0\.54$/m);
  });
});

test('audit: cloud-init splits a VM nameserver on white space only (get_dns_conf), a CT on split_list', () => {
  const conf = (nameserver: string) => ({ options: { nameserver }, lxc: [], snapshots: {}, extra: {} });
  assert.deepEqual(vmIdentity(100, conf('1.1.1.1 8.8.8.8')).nameservers, ['1.1.1.1', '8.8.8.8']);
  assert.deepEqual(vmIdentity(100, conf('1.1.1.1,8.8.8.8')).nameservers, ['1.1.1.1,8.8.8.8']);
});

test('audit: a CT without a hostname starts as localhost (set_hostname)', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('pct', 'set', '100', '--delete', 'hostname');
    await h.ok('pct', 'start', '100');
    assert.ok(h.fs.calls.includes('start 100 localhost'), h.fs.calls.join('\n'));
  });
});

test('audit: pct/qm unlock take a vmid as pve-vmid reads it (no leading zero)', async () => {
  await withHarness(async (h) => {
    const r = await h.run('qm', 'unlock', '0100');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nvmid: invalid format - value does not look like a valid VM ID\n/);
  });
});

test("audit: qm clone prints its first line, copies meta as it is, and names qm's linked-clone refusal", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--name', 'base');
    const meta = /^meta: (.*)$/m.exec(vmConf(h.dir, 100))![1];
    const out = await h.ok('qm', 'clone', '100', '101');
    assert.match(out, /^creating a clone of VM 100 with ID 101\ncreate full clone of drive scsi0 \(local-lvm:vm-100-disk-0\)\n/);
    assert.match(vmConf(h.dir, 101), new RegExp(`^meta: ${meta.replace(/[.]/g, '\\.')}$`, 'm'));
    const r = await h.run('qm', 'clone', '100', '102', '--full', '0');
    assert.deepEqual([r.exitCode, r.stderr], [255, "Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)\n"]);
  });
});

test('audit: pct clone prints its first line', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const out = await h.ok('pct', 'clone', '100', '101');
    assert.match(out, /^creating a clone of container 100 with ID 101\ncreate full clone of mountpoint rootfs \(local-lvm:vm-100-disk-0\)\n/);
  });
});

test('audit: qm set --delete of a boot device takes it out of boot order=; a new cdrom joins the order; an order must name existing devices', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--scsi1', 'local-lvm:1', '--net0', 'virtio,bridge=vmbr0');
    assert.match(vmConf(h.dir, 100), /^boot: order=scsi0;net0$/m);
    await h.ok('qm', 'set', '100', '--delete', 'scsi0');
    assert.match(vmConf(h.dir, 100), /^boot: order=net0$/m);
    await h.ok('qm', 'set', '100', '--ide2', 'none,media=cdrom');
    assert.match(vmConf(h.dir, 100), /^boot: order=net0;ide2$/m);
    const r = await h.run('qm', 'set', '100', '--boot', 'order=scsi0;net0');
    assert.deepEqual([r.exitCode, r.stderr], [255, "invalid bootorder: device 'scsi0' does not exist'\n"]);
    await h.ok('qm', 'set', '100', '--boot', 'order=scsi1;net0');
    assert.match(vmConf(h.dir, 100), /^boot: order=scsi1;net0$/m);
  });
});

test("audit: a running VM's boot-device deletion leaves the new order pending with the deletion", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--ide0', 'local-lvm:1', '--net0', 'virtio,bridge=vmbr0', '--boot', 'order=ide0;scsi0;net0');
    await h.ok('qm', 'start', '100');
    await h.ok('qm', 'set', '100', '--delete', 'ide0');
    const pending = await h.ok('qm', 'pending', '100');
    assert.match(pending, /^cur boot: order=ide0;scsi0;net0\nnew boot: order=scsi0;net0$/m);
    assert.match(pending, /^del ide0: /m);
  });
});

test('audit: pct start and pct stop let a mounted lock pass; pct shutdown does not', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const { writeFileSync } = await import('node:fs');
    const path = join(h.dir, 'etc/pve/nodes/pve/lxc/100.conf');
    writeFileSync(path, `${readFileSync(path, 'utf8')}lock: mounted\n`);
    await h.ok('pct', 'start', '100');
    const r = await h.run('pct', 'shutdown', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT is locked (mounted)\n']);
    await h.ok('pct', 'stop', '100');
    assert.match(ctConf(h.dir, 100), /^lock: mounted$/m);
  });
});

test('audit: protection 1 refuses destroy and removing or changing disks, with the protection text', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--scsi1', 'local-lvm:1', '--protection', '1');
    let r = await h.run('qm', 'destroy', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't remove VM 100 - protection mode enabled\n"]);
    r = await h.run('qm', 'set', '100', '--delete', 'scsi1');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't remove drive 'scsi1' - protection mode enabled\n"]);
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1', '--mp0', 'local-lvm:1,mp=/a', '--protection', '1');
    r = await h.run('pct', 'destroy', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't remove CT 101 - protection mode enabled\n"]);
    r = await h.run('pct', 'set', '101', '--delete', 'mp0');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't remove CT 101 drive 'mp0' - protection mode enabled\n"]);
    r = await h.run('pct', 'set', '101', '--mp1', 'local-lvm:1,mp=/b');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't update CT 101 drive 'mp1' - protection mode enabled\n"]);
    assert.match(ctConf(h.dir, 101), /^mp0: /m);
    await h.ok('pct', 'set', '101', '--protection', '0');
    await h.ok('pct', 'destroy', '101');
    await h.ok('qm', 'set', '100', '--delete', 'protection');
    await h.ok('qm', 'destroy', '100');
  });
});

test('audit: qm snapshot --vmstate 1 of a running VM saves its RAM to vm-<id>-state-<snap>; rollback resumes it; delsnapshot frees the state', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--memory', '1024', '--net0', 'virtio,bridge=vmbr0');
    await h.ok('qm', 'start', '100');
    await h.ok('qm', 'snapshot', '100', 'ram', '--vmstate', '1');
    const snap = await h.ok('qm', 'config', '100', '--snapshot', 'ram');
    assert.match(snap, /^vmstate: local-lvm:vm-100-state-ram$/m);
    assert.match(snap, /^runningmachine: pc-i440fx-[\d.]+\+pve1$/m);
    assert.match(snap, /^running-nets-host-mtu: net0=1500$/m);
    const vols = () => JSON.parse(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8')).volumes as Array<{ name: string; size: number }>;
    assert.equal(vols().find((v) => v.name === 'vm-100-state-ram')?.size, (1024 * 2 + 500) * 2 ** 20);
    await h.ok('qm', 'stop', '100');
    await h.ok('qm', 'rollback', '100', 'ram');
    assert.equal(await h.ok('qm', 'status', '100'), 'status: running\n');
    assert.doesNotMatch(vmConf(h.dir, 100).split('\n[')[0], /^(vmstate|runningmachine|runningcpu|running-nets-host-mtu):/m);
    await h.ok('qm', 'delsnapshot', '100', 'ram');
    assert.equal(
      vols().some((v) => v.name === 'vm-100-state-ram'),
      false,
    );
  });
});

test('audit: qm snapshot --vmstate 1 of a stopped VM has no state; its rollback leaves the VM stopped', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    await h.ok('qm', 'snapshot', '100', 'cold', '--vmstate', '1');
    assert.doesNotMatch(await h.ok('qm', 'config', '100', '--snapshot', 'cold'), /^vmstate:/m);
    await h.ok('qm', 'rollback', '100', 'cold');
    assert.equal(await h.ok('qm', 'status', '100'), 'status: stopped\n');
  });
});

test('audit: rollback keeps the current description and unused volumes, and a disk the snapshot does not name becomes unusedN', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--description', 'my vm');
    await h.ok('qm', 'snapshot', '100', 's1', '--description', 'before the data disk');
    await h.ok('qm', 'set', '100', '--scsi1', 'local-lvm:1');
    await h.ok('qm', 'rollback', '100', 's1');
    const cur = vmConf(h.dir, 100).split('\n[')[0];
    assert.match(cur, /^#my vm$/m);
    assert.doesNotMatch(cur, /before the data disk/);
    assert.match(cur, /^unused0: local-lvm:vm-100-disk-1$/m);
    assert.doesNotMatch(cur, /^scsi1:/m);
  });
});

test('audit: set --delete/--revert of a key that is no config option is a 400 unknown option (vmid included)', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    let r = await h.run('qm', 'set', '100', '--delete', 'vmid');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\ndelete: unknown option 'vmid'\nqm set <vmid>/);
    r = await h.run('qm', 'set', '100', '--revert', 'nosuch');
    assert.match(r.stderr, /^400 Parameter verification failed\.\nrevert: unknown option 'nosuch'\n/);
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1');
    r = await h.run('pct', 'set', '101', '--delete', 'name');
    assert.match(r.stderr, /^400 Parameter verification failed\.\ndelete: unknown option 'name'\npct set <vmid>/);
  });
});

test("audit: pct resize of a bind mount fails in parse_volume_id; a bad size is the schema's 400", async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--mp0', '/srv/data,mp=/data');
    let r = await h.run('pct', 'resize', '100', 'mp0', '+1G');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to parse volume ID '/srv/data'\n"]);
    r = await h.run('pct', 'resize', '100', 'rootfs', 'abc');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nsize: value does not match the regex pattern\n/);
  });
});

test('audit: a command outside the simulated set is refused as an unknown command, exit 255', async () => {
  await withHarness(async (h) => {
    for (const [tool, cmd] of [
      ['pct', 'mount'],
      ['pct', 'frobnicate'],
      ['qm', 'monitor'],
    ]) {
      const r = await h.run(tool, cmd, '100');
      assert.deepEqual([r.exitCode, r.stderr], [255, `ERROR: unknown command '${tool} ${cmd}'\nUSAGE: ${tool} <COMMAND> [ARGS] [OPTIONS]\n`]);
    }
  });
});

test('audit: qm guest cmd other than ping on an answering agent says it is not simulated', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--agent', '1');
    await h.ok('qm', 'start', '100');
    await h.ok('qm', 'guest', 'cmd', '100', 'ping');
    const r = await h.run('qm', 'guest', 'cmd', '100', 'fsfreeze-status');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'qm agent fsfreeze-status: not simulated\n']);
  });
});

test("rules: a running VM's agent answers network-get-interfaces (lo, then each netN with its ipconfig address or a DHCP lease), as pretty JSON", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--agent', '1', '--net0', 'virtio=BC:24:11:00:00:01,bridge=vmbr0', '--net1', 'virtio=BC:24:11:00:00:02,bridge=vmbr0', '--ipconfig0', 'ip=dhcp', '--ipconfig1', 'ip=10.0.0.7/24,gw=10.0.0.1');
    await h.ok('qm', 'start', '100');
    const r = await h.run('qm', 'guest', 'cmd', '100', 'network-get-interfaces');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^\[\n   \{\n      "hardware-address" : "00:00:00:00:00:00",/);
    const rows = JSON.parse(r.stdout) as Array<{ name: string; 'hardware-address': string; 'ip-addresses': Array<{ 'ip-address': string; 'ip-address-type': string; prefix: number }> }>;
    assert.deepEqual(
      rows.map((x) => [x.name, x['hardware-address'], x['ip-addresses'].map((a) => `${a['ip-address-type']} ${a['ip-address']}/${a.prefix}`)]),
      [
        ['lo', '00:00:00:00:00:00', ['ipv4 127.0.0.1/8', 'ipv6 ::1/128']],
        ['eth0', 'bc:24:11:00:00:01', ['ipv4 10.250.3.42/16']],
        ['eth1', 'bc:24:11:00:00:02', ['ipv4 10.0.0.7/24']],
      ],
    );
  });
});

test("rules: pvesh get /nodes/NODE/lxc/VMID/interfaces: a running CT's interfaces (inet/inet6 rows), `null` when it is stopped or absent", async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1', '--net0', 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,ip=dhcp', '--net1', 'name=lan,bridge=vmbr0,hwaddr=BC:24:11:00:00:04,ip=192.168.5.9/24,ip6=fd00::9/64');
    const get = (id: string) => h.run('pvesh', 'get', `/nodes/pve/lxc/${id}/interfaces`, '--output-format', 'json');
    assert.deepEqual([(await get('101')).stdout, (await get('999')).stdout], ['null\n', 'null\n']);
    await h.ok('pct', 'start', '101');
    const rows = JSON.parse((await get('101')).stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      rows.map((x) => [x.name, x.hwaddr, x.inet, x.inet6 ?? null]),
      [
        ['lo', '00:00:00:00:00:00', '127.0.0.1/8', '::1/128'],
        ['eth0', 'bc:24:11:00:00:03', '10.250.3.50/16', null],
        ['lan', 'bc:24:11:00:00:04', '192.168.5.9/24', 'fd00::9/64'],
      ],
    );
  });
});

test("audit: qm clone onto a CT's id is refused naming the CT", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1');
    const r = await h.run('qm', 'clone', '100', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "CT 101 already exists on node 'pve'\n"]);
  });
});

test('audit: a new volume of size 0 is refused and allocates nothing', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    const before = readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8');
    const r = await h.run('qm', 'set', '100', '--scsi1', 'local-lvm:0');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create disk 'scsi1': size must be greater than 0\n"]);
    assert.equal(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8'), before);
  });
});

test('audit: pct clone of a CT with a bind mount is refused before anything is made', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--mp0', '/srv/data,mp=/data');
    const r = await h.run('pct', 'clone', '100', '101');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [255, '', "unable to clone mountpoint 'mp0' (type bind)\n"]);
    assert.doesNotMatch(ctConf(h.dir, 100), /^lock:/m);
    assert.equal((await h.run('pct', 'config', '101')).exitCode, 255);
  });
});

test("audit: a clone gets the source's firewall file", async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(h.dir, 'etc/pve/firewall/100.fw'), '[OPTIONS]\nenable: 1\n');
    await h.ok('pct', 'clone', '100', '101');
    assert.equal(readFileSync(join(h.dir, 'etc/pve/firewall/101.fw'), 'utf8'), '[OPTIONS]\nenable: 1\n');
  });
});

test('audit: clone --storage: an unknown storage is refused before the clone starts; qm needs images (a 400), pct rootdir (in the worker)', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1');
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1');
    let r = await h.run('qm', 'clone', '100', '102', '--full', '1', '--storage', 'nosuch');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [255, '', "storage 'nosuch' does not exist\n"]);
    r = await h.run('pct', 'clone', '101', '103', '--full', '1', '--storage', 'nosuch');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [255, '', "storage 'nosuch' does not exist\n"]);
    r = await h.run('qm', 'clone', '100', '104', '--full', '1', '--storage', 'local');
    assert.match(r.stderr, /^400 Parameter verification failed\.\nstorage: storage 'local' does not support vm images\n/);
    r = await h.run('pct', 'clone', '101', '105', '--full', '1', '--storage', 'local');
    assert.deepEqual([r.exitCode, r.stderr], [255, "clone failed: content type 'rootdir' is not available or configured on storage 'local'\n"]);
    assert.doesNotMatch(ctConf(h.dir, 101), /^lock:/m);
  });
});

test("audit: pct push/pull refusals are pct's own texts (create_file, the source open)", async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { runSim } = await import('../../src/sim/frontend/run.js');
  const dir = mkdtempSync(join(tmpdir(), 'phx-audit-'));
  const run = (...argv: string[]) => runSim(argv, { stateDir: dir, env: { PHOENIX_CONFORMANCE_DIR: process.env.PHOENIX_CONFORMANCE_DIR } });
  try {
    assert.equal((await run('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1')).exitCode, 0);
    assert.equal((await run('pct', 'start', '100')).exitCode, 0);
    const local = join(dir, 'payload.txt');
    writeFileSync(local, 'x\n');
    const cases: Array<[string[], string]> = [
      [['pct', 'push', '100', join(dir, 'missing.txt'), '/root/x'], `failed to open ${join(dir, 'missing.txt')} for reading\n`],
      [['pct', 'push', '100', local, '/no/such/dir/x'], 'failed to create file: /no/such/dir/x: No such file or directory\n'],
      [['pct', 'push', '100', local, '/root/x', '--user', 'nosuchuser'], 'failed to get uid for: nosuchuser\n'],
      [['pct', 'push', '100', local, '/root/x', '--perms', '999'], "invalid mode: '0999'\n"],
      [['pct', 'pull', '100', '/etc/nosuchfile', join(dir, 'out.txt')], 'failed to open /etc/nosuchfile: No such file or directory\n'],
    ];
    for (const [argv, stderr] of cases) {
      const r = await run(...argv);
      assert.deepEqual([r.exitCode, r.stderr], [255, stderr], argv.join(' '));
    }
    assert.equal((await run('pct', 'push', '100', local, '/root/x', '--perms', '600')).exitCode, 0);
  } finally {
    await run('pct', 'stop', '100');
    rmSync(dir, { recursive: true, force: true });
  }
});

test("audit: pct create's ostemplate must be a vztmpl volume (check_volume_access, before anything is made); a missing one fails the task as abs_filesystem_path does and leaves nothing", async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const lvm = () => readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8');
    const before = lvm();
    const cases: Array<[string, string]> = [
      ['local-lvm:vm-100-disk-0', "unable to use volume local-lvm:vm-100-disk-0 - content type needs to be 'vztmpl'\n"],
      ['local:iso/x.iso', "unable to use volume local:iso/x.iso - content type needs to be 'vztmpl'\n"],
      ['local-lvm:vztmpl/x.tar.zst', "lvm name 'vztmpl/x.tar.zst' contains illegal characters\n"],
      ['local:vztmpl/x.img', "unable to parse directory volume name 'vztmpl/x.img'\n"],
      ['nope:vztmpl/x.tar.zst', "storage 'nope' does not exist\n"],
      ['local:vztmpl/x.tar.zst', "unable to create CT 200 - can't find file 'local:vztmpl/x.tar.zst'\n"],
      ['/var/lib/vz/template/cache/x.tar.zst', "unable to create CT 200 - can't find file '/var/lib/vz/template/cache/x.tar.zst'\n"],
    ];
    for (const [tmpl, text] of cases) {
      const r = await h.run('pct', 'create', '200', tmpl, '--rootfs', 'local-lvm:1');
      assert.deepEqual([r.exitCode, r.stderr], [255, text], tmpl);
      // In the task (a missing file): archive_is_oci_format's warning on the task output first.
      if (text.startsWith('unable to create')) assert.match(r.stdout, new RegExp(`^can't find file '${tmpl}'\n`));
    }
    assert.equal((await h.run('pct', 'list')).stdout.trim().split('\n').length, 2); // header and CT 100
    assert.equal(lvm(), before);
  });
});

test("audit: qm clone names a missing snapshot before refusing --storage for a linked clone; a VM's pending changes are not cloned, the worker says so on its output", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '100', '--scsi0', 'local-lvm:1', '--net0', 'virtio,bridge=vmbr0');
    let r = await h.run('qm', 'clone', '100', '101', '--full', '0', '--storage', 'local-lvm', '--snapname', 'nope');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot 'nope' does not exist\n"]);
    r = await h.run('pct', 'create', '200', DEBIAN, '--rootfs', 'local-lvm:1');
    r = await h.run('pct', 'clone', '200', '201', '--full', '0', '--storage', 'local-lvm', '--snapname', 'nope');
    assert.deepEqual([r.exitCode, r.stderr], [255, "parameter 'storage' not allowed for linked clones\n"]);
    await h.ok('qm', 'start', '100');
    await h.ok('qm', 'set', '100', '--cores', '4', '--memory', '1024');
    assert.match(vmConf(h.dir, 100), /\[PENDING\]/);
    r = await h.run('qm', 'clone', '100', '102', '--full', '1');
    assert.deepEqual([r.exitCode, r.stderr], [0, '']);
    assert.match(r.stdout, /^found pending changes for 'cores,memory', discarding for clone$/m);
    const clone = vmConf(h.dir, 102);
    assert.doesNotMatch(clone, /PENDING|cores: 4/);
  });
});

test("audit: qm attaches an existing volume only from a known storage and of content images or iso (check_storage_access); pct's mount point on an unknown storage is refused (update_pct_config)", async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const vm = vmConf(h.dir, 200);
    const ct = ctConf(h.dir, 100);
    const cases: Array<[string[], string]> = [
      [['qm', 'set', '200', '--scsi1', `${DEBIAN}`], "400 Parameter verification failed.\nscsi1: content type needs to be 'images' or 'iso'\n"],
      [['qm', 'set', '200', '--ide2', `${DEBIAN},media=cdrom`], "400 Parameter verification failed.\nide2: content type needs to be 'images' or 'iso'\n"],
      [['qm', 'set', '200', '--scsi1', 'local:snippets/x.yaml'], "400 Parameter verification failed.\nscsi1: content type needs to be 'images' or 'iso'\n"],
      [['qm', 'set', '200', '--scsi1', 'local-lvm:vztmpl/x.tar.zst'], "lvm name 'vztmpl/x.tar.zst' contains illegal characters\n"],
      [['qm', 'set', '200', '--scsi1', 'nope:vm-200-disk-9'], "storage 'nope' does not exist\n"],
      [['qm', 'create', '201', '--scsi0', 'nope:vm-201-disk-0'], "storage 'nope' does not exist\n"],
      [['pct', 'set', '100', '--mp1', 'nope:vm-100-disk-9,mp=/x'], "storage 'nope' does not exist\n"],
    ];
    for (const [argv, text] of cases) {
      const r = await h.run(...argv);
      assert.deepEqual([r.exitCode, r.stderr.replace(/\n(?:qm|pct) [^\n]*\n$/, '\n')], [255, text], argv.join(' '));
    }
    assert.equal(vmConf(h.dir, 200), vm);
    assert.equal(ctConf(h.dir, 100), ct);
    assert.equal((await h.run('qm', 'status', '201')).exitCode, 255);
  });
});

test('audit: a cloud-init drive on an unknown storage is refused; on one without images content too (guess: qemu-server would allocate it)', async () => {
  await withHarness(async (h) => {
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    let r = await h.run('qm', 'set', '200', '--ide2', 'nope:cloudinit');
    assert.deepEqual([r.exitCode, r.stderr], [255, "storage 'nope' does not exist\n"]);
    r = await h.run('qm', 'set', '200', '--ide2', 'local:cloudinit');
    assert.deepEqual([r.exitCode, r.stderr], [255, "storage 'local' does not support vm images\n"]);
    await h.ok('qm', 'set', '200', '--ide2', 'local-lvm:cloudinit');
  });
});

test('audit: --hookscript must name an existing snippets volume (check_hookscript): pct refuses it plainly (set and create), qm set as a 400 on hookscript', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    const ct = ctConf(h.dir, 100);
    const vm = vmConf(h.dir, 200);
    const cases: Array<[string, string]> = [
      ['local:snippets/hook.sh', "script 'local:snippets/hook.sh' does not exist"],
      [DEBIAN, `'${DEBIAN}' is not in the snippets directory`],
      ['nope:snippets/hook.sh', "storage 'nope' does not exist"],
    ];
    for (const [vol, text] of cases) {
      let r = await h.run('pct', 'set', '100', '--hookscript', vol);
      assert.deepEqual([r.exitCode, r.stderr], [255, `${text}\n`], `pct ${vol}`);
      r = await h.run('qm', 'set', '200', '--hookscript', vol);
      assert.equal(r.exitCode, 255);
      assert.match(r.stderr, new RegExp(`^400 Parameter verification failed\\.\\nhookscript: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`), `qm ${vol}`);
    }
    let r = await h.run('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1', '--hookscript', 'local:snippets/hook.sh');
    assert.deepEqual([r.exitCode, r.stderr], [255, "script 'local:snippets/hook.sh' does not exist\n"]);
    assert.equal((await h.run('pct', 'status', '101')).exitCode, 255);
    assert.equal(ctConf(h.dir, 100), ct);
    assert.equal(vmConf(h.dir, 200), vm);
    const { addTemplate } = await import('../../src/sim/state/admin.js');
    await addTemplate(h.dir, 'local:snippets/hook.sh', 100);
    await h.ok('pct', 'set', '100', '--hookscript', 'local:snippets/hook.sh');
    await h.ok('qm', 'set', '200', '--hookscript', 'local:snippets/hook.sh');
    assert.match(vmConf(h.dir, 200), /^hookscript: local:snippets\/hook\.sh$/m);
  });
});

test('audit: pct resize of a mount point the CT lacks fails as parse_volume of nothing does', async () => {
  await withHarness(async (h) => {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    const r = await h.run('pct', 'resize', '100', 'mp5', '+1G');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'format error\nmp: property is missing and it is not optional\nvolume: property is missing and it is not optional\n']);
    const q = await h.run('qm', 'create', '200', '--scsi0', 'local-lvm:1');
    assert.equal(q.exitCode, 0);
    assert.deepEqual((await h.run('qm', 'resize', '200', 'scsi5', '+1G')).stderr, "disk 'scsi5' does not exist\n");
  });
});
