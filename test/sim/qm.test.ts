// qm on the simulator: cloud-image template flow, clone, agent, guest exec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, NOBLE } from '../helpers/sim.js';
import { runSim } from '../../src/sim/frontend/run.js';
import { addTemplate } from '../../src/sim/state/admin.js';

const conf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/qemu-server', `${id}.conf`), 'utf8');

async function withVm(fn: (h: ReturnType<typeof simHarness>) => Promise<void>, env: Record<string, string> = {}) {
  const h = simHarness(env);
  try {
    await h.ok('qm', 'create', '9000', '--name', 'tpl', '--memory', '2048', '--net0', 'virtio,bridge=vmbr0', '--agent', '1', '--scsihw', 'virtio-scsi-pci', '--ipconfig0', 'ip=dhcp', '--cipassword', 'hunter2secret');
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test('qm create assigns smbios1 uuid, vmgenid, meta, a BC:24:11 MAC and a default boot order; hashes cipassword', async () => {
  await withVm(async (h) => {
    const c = conf(h.dir, 9000);
    assert.match(c, /^boot: order=net0$/m);
    assert.match(c, /^meta: creation-qemu=[\d.]+,ctime=\d+$/m);
    assert.match(c, /^net0: virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0$/m);
    assert.match(c, /^smbios1: uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/m);
    assert.match(c, /^vmgenid: [0-9a-f-]{36}$/m);
    assert.match(c, /^cipassword: \$5\$/m);
    assert.doesNotMatch(c, /hunter2secret/);
    const r = await h.run('qm', 'create', '9000');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 9000 - VM 9000 already exists on node 'pve'\n"]);
  });
});

test('import a cloud image, attach it, resize, cloud-init drive, template; start on a template fails', async () => {
  await withVm(async (h) => {
    // qm disk import takes a host file (the volume's path, as `pvesm path` prints it), not a volume id.
    const out = await h.ok('qm', 'importdisk', '9000', '/var/lib/vz/import/noble-server-cloudimg-amd64.qcow2', 'local-lvm');
    assert.match(out, /^unused0: successfully imported disk 'local-lvm:vm-9000-disk-0'$/m);
    assert.match(conf(h.dir, 9000), /^unused0: local-lvm:vm-9000-disk-0$/m);
    await h.ok('qm', 'set', '9000', '--scsi0', 'local-lvm:vm-9000-disk-0', '--ide2', 'local-lvm:cloudinit', '--boot', 'order=scsi0');
    let c = conf(h.dir, 9000);
    assert.match(c, /^scsi0: local-lvm:vm-9000-disk-0,size=3584M$/m);
    assert.doesNotMatch(c, /unused0/);
    assert.match(c, /^ide2: local-lvm:vm-9000-cloudinit,media=cdrom$/m);
    let r = await h.run('qm', 'resize', '9000', 'scsi0', '2G');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'shrinking disks is not supported\n']);
    await h.ok('qm', 'resize', '9000', 'scsi0', '32G');
    await h.ok('qm', 'cloudinit', 'update', '9000');
    await h.ok('qm', 'template', '9000');
    c = conf(h.dir, 9000);
    assert.match(c, /^scsi0: local-lvm:base-9000-disk-0,size=32G$/m);
    assert.match(c, /^template: 1$/m);
    r = await h.run('qm', 'start', '9000');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't start a vm if it's a template\n"]);
    assert.equal(await h.ok('qm', 'list'), '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n      9000 tpl                  stopped    2048              32.00 0         \n');
  });
});

test('qm clone --full: new disks, new uuid and MAC, cloud-init drive recreated; linked clone by default', async () => {
  await withVm(async (h) => {
    await h.ok('qm', 'set', '9000', '--scsi0', 'local-lvm:4', '--ide2', 'local-lvm:cloudinit');
    await h.ok('qm', 'template', '9000');
    const out = await h.ok('qm', 'clone', '9000', '1001', '--name', 'web', '--full');
    assert.match(out, /create full clone of drive scsi0 \(local-lvm:base-9000-disk-0\)\n {2}Logical volume "vm-1001-disk-0" created\./);
    const a = conf(h.dir, 9000);
    const b = conf(h.dir, 1001);
    assert.match(b, /^scsi0: local-lvm:vm-1001-disk-0,size=4G$/m);
    assert.match(b, /^ide2: local-lvm:vm-1001-cloudinit,media=cdrom$/m);
    assert.match(b, /^name: web$/m);
    assert.doesNotMatch(b, /^template:/m);
    const pick = (t: string, re: RegExp) => re.exec(t)![1];
    assert.notEqual(pick(a, /smbios1: uuid=(\S+)/), pick(b, /smbios1: uuid=(\S+)/));
    assert.notEqual(pick(a, /virtio=([0-9A-F:]+)/), pick(b, /virtio=([0-9A-F:]+)/));
    await h.ok('qm', 'clone', '9000', '1002');
    assert.match(conf(h.dir, 1002), /^scsi0: local-lvm:vm-1002-disk-0,size=4G$/m);
    assert.match(conf(h.dir, 1002), /^name: Copy-of-VM-tpl$/m);
  });
});

test('agent ping: needs agent enabled, a running VM, and a booted guest', async () => {
  await withVm(
    async (h) => {
      let r = await h.run('qm', 'agent', '9000', 'ping');
      assert.deepEqual([r.exitCode, r.stderr], [255, 'VM 9000 is not running\n']);
      await h.ok('qm', 'start', '9000');
      r = await h.run('qm', 'agent', '9000', 'ping');
      assert.deepEqual([r.exitCode, r.stdout, r.stderr], [255, '', 'QEMU guest agent is not running\n']);
      h.env.PHOENIX_SIM_LATENCY = 'boot=0';
      assert.equal(await h.ok('qm', 'agent', '9000', 'ping'), '');
      // Disabling the agent of a running VM is a pending change: the agent answers until a reboot.
      await h.ok('qm', 'set', '9000', '--agent', '0');
      assert.equal(await h.ok('qm', 'agent', '9000', 'ping'), '');
      assert.match(await h.ok('qm', 'pending', '9000'), /^cur agent: 1\nnew agent: 0$/m);
      await h.ok('qm', 'reboot', '9000');
      r = await h.run('qm', 'agent', '9000', 'ping');
      assert.deepEqual([r.exitCode, r.stderr], [255, 'No QEMU guest agent configured\n']);
    },
    { PHOENIX_SIM_LATENCY: 'boot=600000' },
  );
});

test('guest exec prints Perl-style JSON; --synchronous 0 returns a pid that exec-status resolves', async () => {
  await withVm(
    async (h) => {
      await h.ok('qm', 'start', '9000');
      h.fs.execResult = { exitCode: 2, stdout: 'hello\n', stderr: 'oops\n' };
      assert.equal(await h.ok('qm', 'guest', 'exec', '9000', '--', '/bin/bash', '-c', 'echo hello; exit 2'), '{\n   "err-data" : "oops\\n",\n   "exitcode" : 2,\n   "exited" : 1,\n   "out-data" : "hello\\n"\n}\n');
      const started = await h.ok('qm', 'guest', 'exec', '9000', '--synchronous', '0', '--', 'true');
      const pid = /"pid" : (\d+)/.exec(started)![1];
      assert.match(await h.ok('qm', 'guest', 'exec-status', '9000', pid), /"exitcode" : 2/);
      // Like qemu-ga, a reported process is forgotten: asking again is an error, the pid is free again.
      assert.deepEqual((await h.run('qm', 'guest', 'exec-status', '9000', pid)).stderr, "Agent error: Invalid parameter 'pid'\n");
      assert.match(await h.ok('qm', 'guest', 'exec', '9000', '--synchronous', '0', '--', 'true'), new RegExp(`"pid" : ${pid}\\b`));
      // --timeout 0 waits as long as it takes; a command outliving --timeout N gives its pid.
      assert.match(await h.ok('qm', 'guest', 'exec', '9000', '--timeout', '0', '--', 'true'), /"exitcode" : 2/);
      h.fs.execResult = { exitCode: 124, stdout: '', stderr: '', timedOut: true };
      const slow = await h.run('qm', 'guest', 'exec', '9000', '--timeout', '1', '--', 'sleep', '60');
      assert.deepEqual([slow.exitCode, slow.stderr], [0, 'timeout reached, returning pid\n']);
      assert.match(slow.stdout, /^\{\n {3}"pid" : \d+\n\}\n$/);
      const both = await h.run('qm', 'guest', 'exec', '9000', '--synchronous', '0', '--timeout', '5', '--', 'true');
      assert.equal(both.exitCode, 255);
      const r = await runSim(['qm', 'guest', 'exec', '9000', '--pass-stdin', '1', '--', 'cat'], { stateDir: h.dir, env: h.env, guestfs: h.fs, stdin: 'data' });
      assert.equal(r.exitCode, 0);
      assert.match(h.fs.calls.at(-1)!, /stdin="data"$/);
    },
    { PHOENIX_SIM_LATENCY: 'boot=0' },
  );
});

test('qm stop on a stopped VM returns quietly; reboot of a stopped VM fails; rollback stops a running VM first', async () => {
  await withVm(async (h) => {
    assert.equal((await h.run('qm', 'stop', '9000')).exitCode, 0);
    let r = await h.run('qm', 'reboot', '9000');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM 9000 not running\n']);
    await h.ok('qm', 'set', '9000', '--scsi0', 'local-lvm:4');
    await h.ok('qm', 'snapshot', '9000', 'pre');
    await h.ok('qm', 'start', '9000');
    r = await h.run('qm', 'start', '9000');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'VM 9000 already running\n']);
    // qemu-server's __snapshot_rollback_vm_stop stops the VM before rolling back.
    await h.ok('qm', 'rollback', '9000', 'pre');
    assert.equal(await h.ok('qm', 'status', '9000'), 'status: stopped\n');
    await h.ok('qm', 'set', '9000', '--scsi1', 'local-lvm:1');
    await h.ok('qm', 'set', '9000', '--delete', 'scsi1');
    assert.match(conf(h.dir, 9000), /^unused0: local-lvm:vm-9000-disk-1$/m);
    await h.ok('qm', 'set', '9000', '--scsi1', 'local-lvm:vm-9000-disk-1');
    await h.ok('qm', 'set', '9000', '--delete', 'scsi1', '--force', '1');
    assert.doesNotMatch(conf(h.dir, 9000), /disk-1/);
    const reg = JSON.parse(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8')) as { volumes: Array<{ name: string }> };
    assert.deepEqual(
      reg.volumes.map((v) => v.name),
      ['vm-9000-disk-0'],
    );
  });
});

test('qm status --verbose and qm config --snapshot', async () => {
  await withVm(async (h) => {
    await h.ok('qm', 'set', '9000', '--scsi0', 'local-lvm:4');
    await h.ok('qm', 'snapshot', '9000', 'pre', '--description', 'before');
    await h.ok('qm', 'set', '9000', '--memory', '4096');
    assert.match(await h.ok('qm', 'config', '9000', '--snapshot', 'pre'), /^memory: 2048\n(?:.*\n)*snaptime: \d+\n/m);
    const v = await h.ok('qm', 'status', '9000', '--verbose');
    assert.match(v, /^maxmem: 4294967296$/m);
    assert.match(v, /^name: tpl$/m);
  });
});

test('an ISO attaches as a cdrom with its size; a missing one is refused', async () => {
  const h = simHarness();
  try {
    const { addTemplate } = await import('../../src/sim/state/admin.js');
    await addTemplate(h.dir, 'local:iso/debian-12.9.0-amd64-netinst.iso', 632 * 2 ** 20);
    await h.ok('qm', 'create', '100', '--ide2', 'local:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom', '--scsi0', 'local-lvm:15', '--net0', 'virtio,bridge=vmbr0');
    const c = conf(h.dir, 100);
    assert.match(c, /^ide2: local:iso\/debian-12.9.0-amd64-netinst.iso,media=cdrom,size=632M$/m);
    assert.match(c, /^boot: order=scsi0;ide2;net0$/m);
    const r = await h.run('qm', 'create', '101', '--ide2', 'local:iso/missing.iso,media=cdrom');
    assert.equal(r.exitCode, 255);
    // qemu-server's $create_disks: `volume <volid> does not exist`, unquoted.
    assert.match(r.stderr, /volume local:iso\/missing.iso does not exist/);
  } finally {
    h.cleanup();
  }
});

test('qm --sshkeys takes a file and stores its keys URI-escaped; a missing file fails', async () => {
  await withVm(async (h) => {
    const { writeFileSync } = await import('node:fs');
    const file = join(h.dir, 'keys.pub');
    // A key ssh-keygen -l reads: Proxmox checks every line (pve-common validate_ssh_public_keys).
    writeFileSync(file, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g me@host\n');
    await h.ok('qm', 'set', '9000', '--sshkeys', file);
    assert.match(conf(h.dir, 9000), /^sshkeys: ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g%20me%40host%0A$/m);
    const r = await h.run('qm', 'set', '9000', '--sshkeys', join(h.dir, 'nope.pub'));
    assert.deepEqual([r.exitCode, r.stderr], [255, `can't open '${join(h.dir, 'nope.pub')}' - No such file or directory\n`]);
  });
});

test('qm disk import refuses a volume id or a missing path: the source must be a regular file on the host', async () => {
  await withVm(async (h) => {
    let r = await h.run('qm', 'disk', 'import', '9000', NOBLE, 'local-lvm');
    assert.deepEqual([r.exitCode, r.stderr], [255, `${NOBLE}: non-existent or non-regular file\n`]);
    r = await h.run('qm', 'disk', 'import', '9000', '/var/lib/vz/import/nothing.qcow2', 'local-lvm');
    assert.deepEqual([r.exitCode, r.stderr], [255, '/var/lib/vz/import/nothing.qcow2: non-existent or non-regular file\n']);
    assert.doesNotMatch(conf(h.dir, 9000), /unused0/);
  });
});

test('import-from: an import volume must be named .qcow2/.raw/.vmdk, be of type images or import, and exist', async () => {
  const h = simHarness();
  try {
    const create = (src: string) => h.run('qm', 'create', '200', '--scsi0', `local-lvm:0,import-from=${src}`);
    let r = await create('local:import/noble-server-cloudimg-amd64.img');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to parse directory volume name 'import/noble-server-cloudimg-amd64.img'\n"]);
    r = await create('local:import/appliance.ovf');
    assert.deepEqual([r.exitCode, r.stderr], [255, "volume 'local:import/appliance.ovf' - not a QEMU image format 'ovf'\n"]);
    r = await create('local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nscsi0: local:vztmpl\/debian-12-standard_12\.7-1_amd64\.tar\.zst has wrong type 'vztmpl' - needs to be 'images' or 'import'\n/);
    r = await create('local:import/missing.qcow2');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 200 - failed to stat '/var/lib/vz/import/missing.qcow2'\n"]);
    r = await create('/tmp/phoenix-no-such-image.qcow2');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to create VM 200 - can't find file '/tmp/phoenix-no-such-image.qcow2'\n"]);
    assert.equal((await h.run('qm', 'status', '200')).exitCode, 255, 'nothing was created');
    // The accepted form: the disk is a copy of the image, its size the image's.
    await h.ok('qm', 'create', '200', '--scsi0', `local-lvm:0,import-from=${NOBLE}`, '--boot', 'order=scsi0');
    assert.match(conf(h.dir, 200), /^scsi0: local-lvm:vm-200-disk-0,size=3584M$/m);
  } finally {
    h.cleanup();
  }
});

test('sim add-template refuses an import file name Proxmox cannot parse', async () => {
  const h = simHarness();
  try {
    await assert.rejects(addTemplate(h.dir, 'local:import/noble-server-cloudimg-amd64.img'), /unable to parse directory volume name 'import\/noble-server-cloudimg-amd64\.img'/);
    await addTemplate(h.dir, 'local:import/jammy-server-cloudimg-amd64.qcow2');
  } finally {
    h.cleanup();
  }
});

test('qm template refuses a VM with snapshots; a template cannot be snapshotted', async () => {
  await withVm(async (h) => {
    await h.ok('qm', 'set', '9000', '--scsi0', 'local-lvm:4');
    await h.ok('qm', 'snapshot', '9000', 'pre-features');
    let r = await h.run('qm', 'template', '9000');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'unable to create template, because VM contains snapshots\n']);
    await h.ok('qm', 'delsnapshot', '9000', 'pre-features');
    await h.ok('qm', 'template', '9000');
    r = await h.run('qm', 'snapshot', '9000', 'initial_clean_state');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't take a snapshot if it's a template\n"]);
  });
});
