// pct on the simulator: what a user of the real tool would see (stdout, stderr, exit code) and
// what ends up in /etc/pve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN, UBUNTU } from '../helpers/sim.js';

const conf = (dir: string, id: number) => readFileSync(join(dir, 'etc/pve/nodes/pve/lxc', `${id}.conf`), 'utf8');

async function withCt(fn: (h: ReturnType<typeof simHarness>) => Promise<void>, extra: string[] = []) {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--hostname', 'web', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', ...extra);
    await fn(h);
  } finally {
    h.cleanup();
  }
}

test('fresh host: empty pct list prints nothing; /etc/pve has the lxc and qemu-server symlinks', async () => {
  const h = simHarness();
  try {
    const r = await h.run('pct', 'list');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, '', '']);
    assert.equal(readlinkSync(join(h.dir, 'etc/pve/lxc')), 'nodes/pve/lxc');
    assert.equal(readlinkSync(join(h.dir, 'etc/pve/qemu-server')), 'nodes/pve/qemu-server');
    assert.match(readFileSync(join(h.dir, 'etc/pve/storage.cfg'), 'utf8'), /^lvmthin: local-lvm\n\tthinpool data\n\tvgname pve\n\tcontent rootdir,images\n/m);
  } finally {
    h.cleanup();
  }
});

test('pct create writes the conf as Proxmox does: hwaddr assigned, arch/ostype from the template, defaults', async () => {
  await withCt(async (h) => {
    const text = conf(h.dir, 100);
    assert.match(text, /^arch: amd64\nhostname: web\nmemory: 512\nnet0: name=eth0,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth\nostype: debian\nrootfs: local-lvm:vm-100-disk-0,size=8G\nswap: 512\nunprivileged: 1\n$/);
    assert.equal(await h.ok('pct', 'config', '100'), text);
    assert.equal(await h.ok('pct', 'status', '100'), 'status: stopped\n');
    assert.equal(await h.ok('pct', 'list'), 'VMID       Status     Lock         Name                \n100        stopped                 web                 \n');
    assert.deepEqual(h.fs.calls, [`create 100 lxc ${DEBIAN}`]);
  });
});

test('MAC addresses are reproducible from the state seed', async () => {
  const a = simHarness();
  const b = simHarness();
  try {
    for (const h of [a, b]) await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0');
    assert.equal(conf(a.dir, 100), conf(b.dir, 100));
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test('pct create: bare sizes use --storage, --unprivileged 0 is not written, mount points need rootfs', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--storage', 'local-lvm', '--rootfs', '3', '--mp0', 'local-lvm:2,mp=/data', '--unprivileged', '0');
    const text = conf(h.dir, 100);
    assert.match(text, /^hostname: CT100\nmemory: 512\nmp0: local-lvm:vm-100-disk-1,mp=\/data,size=2G\nostype: debian\nrootfs: local-lvm:vm-100-disk-0,size=3G\nswap: 512\n$/m);
    assert.doesNotMatch(text, /unprivileged/);
    const r = await h.run('pct', 'create', '101', DEBIAN, '--storage', 'local-lvm', '--mp0', '2,mp=/data');
    assert.deepEqual([r.exitCode, r.stderr], [255, "mount points configured, but 'rootfs' not set - aborting\n"]);
  } finally {
    h.cleanup();
  }
});

test('pct create on an existing id fails with Proxmox text, exit 255', async () => {
  await withCt(async (h) => {
    const r = await h.run('pct', 'create', '100', UBUNTU);
    assert.deepEqual([r.exitCode, r.stderr], [255, "CT 100 already exists on node 'pve'\n"]);
  });
});

test('pct create on a storage without rootdir content is a 400 parameter error', async () => {
  const h = simHarness();
  try {
    const r = await h.run('pct', 'create', '100', DEBIAN, '--storage', 'local');
    assert.equal(r.exitCode, 255);
    assert.equal(r.stderr, "400 Parameter verification failed.\nstorage: storage 'local' does not support container directories\npct create <vmid> <ostemplate> [OPTIONS]\n");
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/lxc/100.conf')), false);
  } finally {
    h.cleanup();
  }
});

test('a bad option value fails parameter verification (exit 255, usage line)', async () => {
  await withCt(async (h) => {
    const r = await h.run('pct', 'set', '100', '--memory', 'lots');
    assert.equal(r.exitCode, 255);
    assert.equal(r.stderr, "400 Parameter verification failed.\nmemory: type check ('integer') failed - got 'lots'\npct set <vmid> [OPTIONS]\n");
  });
});

test('a missing template fails the create task', async () => {
  const h = simHarness();
  try {
    const r = await h.run('pct', 'create', '100', 'local:vztmpl/nope.tar.zst', '--rootfs', 'local-lvm:8');
    assert.equal(r.exitCode, 255);
    // pve-storage abs_filesystem_path, in the create task (LXC/Create.pm): warned on the task output, then the task dies.
    assert.deepEqual([r.stdout, r.stderr], ["can't find file 'local:vztmpl/nope.tar.zst'\n", "unable to create CT 100 - can't find file 'local:vztmpl/nope.tar.zst'\n"]);
    assert.equal((await h.run('pct', 'list')).stdout, '');
  } finally {
    h.cleanup();
  }
});

test('start/stop strictness: start on running, stop on stopped, exec on stopped all fail', async () => {
  await withCt(async (h) => {
    let r = await h.run('pct', 'stop', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT 100 not running\n']);
    r = await h.run('pct', 'exec', '100', '--', 'true');
    assert.deepEqual([r.exitCode, r.stderr], [255, "container '100' not running!\n"]);
    await h.ok('pct', 'start', '100');
    assert.equal(await h.ok('pct', 'status', '100'), 'status: running\n');
    r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT 100 already running\n']);
    h.fs.execResult = { exitCode: 3, stdout: 'out\n', stderr: 'err\n' };
    r = await h.run('pct', 'exec', '100', '--', 'sh', '-c', 'exit 3');
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
    await h.ok('pct', 'shutdown', '100');
    r = await h.run('pct', 'shutdown', '100');
    assert.equal(r.exitCode, 255);
  });
});

test('pct set: read-only unprivileged refused; property strings stored canonically; --delete', async () => {
  await withCt(async (h) => {
    let r = await h.run('pct', 'set', '100', '--unprivileged', '1');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to modify read-only option: 'unprivileged'\n"]);
    await h.ok('pct', 'set', '100', '--net0', 'name=eth0,ip=10.0.0.5/24,gw=10.0.0.1,bridge=vmbr0,hwaddr=52:54:00:AA:BB:CC,firewall=1', '--onboot', 'yes', '--features', 'nesting=1');
    const text = conf(h.dir, 100);
    assert.match(text, /^net0: name=eth0,bridge=vmbr0,firewall=1,gw=10.0.0.1,hwaddr=52:54:00:AA:BB:CC,ip=10.0.0.5\/24,type=veth$/m);
    assert.match(text, /^onboot: 1$/m);
    await h.ok('pct', 'set', '100', '--delete', 'onboot,features');
    assert.doesNotMatch(conf(h.dir, 100), /onboot|features/);
    await h.ok('pct', 'set', '100', '--net1', 'name=eth1,bridge=vmbr9'); // stopped: checked at start
    r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, "bridge 'vmbr9' does not exist\n"]);
    await h.ok('pct', 'set', '100', '--delete', 'net1');
    await h.ok('pct', 'start', '100');
    r = await h.run('pct', 'set', '100', '--net1', 'name=eth1,bridge=vmbr9');
    assert.deepEqual([r.exitCode, r.stderr], [255, "bridge 'vmbr9' does not exist\n"]);
  });
});

test('mount points: STORAGE:SIZE allocates the next disk; replacing one leaves unusedN; bind mounts stay paths', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'set', '100', '--mp0', 'local-lvm:2,mp=/data', '--mp1', '/srv/host,mp=/host');
    let text = conf(h.dir, 100);
    assert.match(text, /^mp0: local-lvm:vm-100-disk-1,mp=\/data,size=2G$/m);
    assert.match(text, /^mp1: \/srv\/host,mp=\/host$/m);
    await h.ok('pct', 'set', '100', '--mp0', 'local-lvm:3,mp=/data');
    text = conf(h.dir, 100);
    assert.match(text, /^mp0: local-lvm:vm-100-disk-2,mp=\/data,size=3G$/m);
    assert.match(text, /^unused0: local-lvm:vm-100-disk-1$/m);
    // Deleting the unused entry destroys the volume: its number is free again.
    await h.ok('pct', 'set', '100', '--delete', 'unused0');
    await h.ok('pct', 'set', '100', '--mp2', 'local-lvm:1,mp=/more');
    assert.match(conf(h.dir, 100), /^mp2: local-lvm:vm-100-disk-1,mp=\/more,size=1G$/m);
  });
});

test('resize grows (absolute and +relative), refuses to shrink, and refuses a no-op', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'resize', '100', 'rootfs', '10G');
    await h.ok('pct', 'resize', '100', 'rootfs', '+2G');
    assert.match(conf(h.dir, 100), /^rootfs: local-lvm:vm-100-disk-0,size=12G$/m);
    let r = await h.run('pct', 'resize', '100', 'rootfs', '4G');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'unable to shrink disk size\n']);
    r = await h.run('pct', 'resize', '100', 'rootfs', '12G');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'disk is already at specified size\n']);
  });
});

test('snapshots: collision fails, tree with parent, rollback restores, delsnapshot reparents', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'snapshot', '100', 'one', '--description', 'first\nmore');
    let r = await h.run('pct', 'snapshot', '100', 'one');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot name 'one' already used\n"]);
    await h.ok('pct', 'set', '100', '--memory', '2048');
    await h.ok('pct', 'snapshot', '100', 'two');
    const tree = (await h.ok('pct', 'listsnapshot', '100')).split('\n');
    assert.match(tree[0], /^`-> one {25}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {5}first$/);
    assert.match(tree[1], /^ `-> two {24}.{19} {5}no-description$/);
    assert.equal(tree[2], `  \`-> current${' '.repeat(43)}You are here!`);
    assert.match(conf(h.dir, 100), /^\[two\]\n(?:.*\n)*parent: one\n/m);
    await h.ok('pct', 'rollback', '100', 'one');
    assert.doesNotMatch(await h.ok('pct', 'config', '100'), /memory: 2048/);
    assert.match(await h.ok('pct', 'config', '100'), /^parent: one$/m);
    await h.ok('pct', 'delsnapshot', '100', 'one');
    assert.doesNotMatch(conf(h.dir, 100), /^parent:/m);
    assert.doesNotMatch(conf(h.dir, 100), /\[two\]\n(?:.*\n)*parent:/);
    r = await h.run('pct', 'delsnapshot', '100', 'one');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot 'one' does not exist\n"]);
    assert.deepEqual(
      h.fs.calls.filter((c) => /snapshot|rollback/.test(c)),
      ['delsnapshot 100 one', 'snapshot 100 one', 'delsnapshot 100 two', 'snapshot 100 two', 'rollback 100 one', 'delsnapshot 100 one'],
    );
  });
});

test('snapshots need a storage that can snapshot', async () => {
  const h = simHarness();
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:8');
    const { addStorage } = await import('../../src/sim/state/admin.js');
    await addStorage(h.dir, 'plain', { type: 'dir', content: ['rootdir'] });
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'plain:8');
    assert.match(conf(h.dir, 101), /^rootfs: plain:101\/vm-101-disk-0.raw,size=8G$/m);
    const r = await h.run('pct', 'snapshot', '101', 'snap');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'snapshot feature is not available\n']);
  } finally {
    h.cleanup();
  }
});

test('snapshots check every mount point: a bind mount has no snapshot feature (only vzdump skips it)', async () => {
  await withCt(async (h) => {
    // A storage volume without backup=1 is checked too; on lvmthin it can snapshot.
    await h.ok('pct', 'set', '100', '--mp0', 'local-lvm:2,mp=/data');
    await h.ok('pct', 'snapshot', '100', 'with-volume');
    await h.ok('pct', 'set', '100', '--mp1', '/srv/host,mp=/host');
    const r = await h.run('pct', 'snapshot', '100', 'with-bind');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'snapshot feature is not available\n']);
    assert.doesNotMatch(conf(h.dir, 100), /\[with-bind\]/);
    // The backup's own snapshot is vzdump's: `pct snapshot` refuses the name.
    const rv = await h.run('pct', 'snapshot', '100', 'vzdump');
    assert.deepEqual([rv.exitCode, rv.stderr], [255, "unable to use snapshot name 'vzdump' (reserved name)\n"]);
    await h.ok('pct', 'set', '100', '--mp1', '/srv/host,mp=/host,backup=1');
    const r2 = await h.run('pct', 'snapshot', '100', 'other');
    assert.deepEqual([r2.exitCode, r2.stderr], [255, 'snapshot feature is not available\n']);
  });
});

test('pct set on a running CT: fast-plug and hot-pluggable options at once, the rest in [pve:pending] until the next start', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'set', '100', '--mp0', '/srv/a,mp=/a');
    await h.ok('pct', 'start', '100');
    // hostname/cores (fast-plug), memory and a new mount point (hot-plugged): live. A changed
    // mount point, features and nameserver: pending; a deletion of searchdomain too.
    await h.ok('pct', 'set', '100', '--searchdomain', 'lab');
    await h.ok('pct', 'stop', '100');
    await h.ok('pct', 'start', '100');
    await h.ok('pct', 'set', '100', '--hostname', 'web2', '--cores', '2', '--memory', '1024', '--mp1', '/srv/b,mp=/b', '--mp0', '/srv/c,mp=/a', '--features', 'nesting=1', '--nameserver', '10.0.0.1', '--delete', 'searchdomain');
    const text = conf(h.dir, 100);
    assert.match(text, /^cores: 2\nhostname: web2\nmemory: 1024\nmp0: \/srv\/a,mp=\/a\nmp1: \/srv\/b,mp=\/b\n/m);
    assert.match(text, /\n\[pve:pending\]\ndelete: searchdomain\nfeatures: nesting=1\nmp0: \/srv\/c,mp=\/a\nnameserver: 10.0.0.1\n$/);
    // pve-guest-common GuestHelpers.pm format_pending: sorted, cur/new/del.
    assert.match(
      await h.ok('pct', 'pending', '100'),
      /^cur arch: amd64\ncur cores: 2\nnew features: nesting=1\ncur hostname: web2\ncur memory: 1024\ncur mp0: \/srv\/a,mp=\/a\nnew mp0: \/srv\/c,mp=\/a\ncur mp1: \/srv\/b,mp=\/b\nnew nameserver: 10.0.0.1\ncur net0: name=eth0,bridge=vmbr0,hwaddr=[0-9A-F:]{17},ip=dhcp,type=veth\ncur ostype: debian\ncur rootfs: local-lvm:vm-100-disk-0,size=8G\ndel searchdomain: lab\ncur swap: 512\ncur unprivileged: 1\n$/,
    );
    // config: pending values by default, the running ones with --current.
    assert.match(await h.ok('pct', 'config', '100'), /^mp0: \/srv\/c,mp=\/a$/m);
    assert.doesNotMatch(await h.ok('pct', 'config', '100'), /searchdomain/);
    assert.match(await h.ok('pct', 'config', '100', '--current', '1'), /^mp0: \/srv\/a,mp=\/a$/m);
    // --revert drops a pending change.
    await h.ok('pct', 'set', '100', '--revert', 'nameserver');
    assert.doesNotMatch(conf(h.dir, 100), /nameserver/);
    // A reboot applies what is pending.
    await h.ok('pct', 'reboot', '100');
    const after = conf(h.dir, 100);
    assert.doesNotMatch(after, /pve:pending|searchdomain/);
    assert.match(after, /^features: nesting=1$/m);
    assert.match(after, /^mp0: \/srv\/c,mp=\/a$/m);
  });
});

test('clone: running CT without --snapname refused; from a snapshot gets new disks and a new MAC', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'set', '100', '--memory', '1024');
    await h.ok('pct', 'snapshot', '100', 'base');
    await h.ok('pct', 'start', '100');
    let r = await h.run('pct', 'clone', '100', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'Full clone of a running container is only possible from a snapshot\n']);
    const out = await h.ok('pct', 'clone', '100', '101', '--snapname', 'base', '--hostname', 'copy', '--storage', 'local-lvm');
    assert.match(out, /create full clone of mountpoint rootfs \(local-lvm:vm-100-disk-0\)/);
    const c = conf(h.dir, 101);
    assert.match(c, /^hostname: copy$/m);
    assert.match(c, /^rootfs: local-lvm:vm-101-disk-0,size=8G$/m);
    assert.doesNotMatch(c, /snaptime|parent|\[base\]/);
    const mac = (t: string) => /hwaddr=([0-9A-F:]+)/.exec(t)![1];
    assert.notEqual(mac(c), mac(conf(h.dir, 100)));
    r = await h.run('pct', 'clone', '100', '101', '--snapname', 'base');
    assert.deepEqual([r.exitCode, r.stderr], [255, "CT 101 already exists on node 'pve'\n"]);
    r = await h.run('pct', 'clone', '100', '102', '--snapname', 'nope');
    assert.deepEqual([r.exitCode, r.stderr], [255, "snapshot 'nope' does not exist\n"]);
  });
});

test('template: no start; linked clone of the base volume; destroy frees volumes and the conf', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'template', '100');
    assert.match(conf(h.dir, 100), /^rootfs: local-lvm:base-100-disk-0,size=8G\nswap: 512\ntemplate: 1$/m);
    let r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, "you can't start a CT if it's a template\n"]);
    r = await h.run('pct', 'clone', '100', '101', '--storage', 'local-lvm');
    assert.deepEqual([r.exitCode, r.stderr], [255, "parameter 'storage' not allowed for linked clones\n"]);
    await h.ok('pct', 'clone', '100', '101');
    assert.match(conf(h.dir, 101), /^rootfs: local-lvm:vm-101-disk-0,size=8G$/m);
    r = await h.run('pct', 'destroy', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, "base volume 'base-100-disk-0' is still in use by linked clones\n"]);
    await h.ok('pct', 'destroy', '101');
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/lxc/101.conf')), false);
    r = await h.run('pct', 'status', '101');
    assert.deepEqual([r.exitCode, r.stderr], [255, "Configuration file 'nodes/pve/lxc/101.conf' does not exist\n"]);
  });
});

test('destroy refuses a running CT', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'start', '100');
    const r = await h.run('pct', 'destroy', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'unable to destroy CT 100 - container is running\n']);
  });
});

test('storage over-allocation fails like lvcreate and leaves no half-created CT', async () => {
  const h = simHarness();
  try {
    // Thick LVM (a thin pool such as local-lvm over-provisions instead: storage-thin.test.ts).
    const { addStorage } = await import('../../src/sim/state/admin.js');
    await addStorage(h.dir, 'thick', { type: 'lvm', content: ['rootdir', 'images'], size: '400G' });
    const r = await h.run('pct', 'create', '100', DEBIAN, '--rootfs', 'thick:900');
    assert.equal(r.exitCode, 255);
    assert.match(r.stderr, /^unable to create CT 100 - lvcreate 'pve\/vm-100-disk-0' error: {3}Volume group "pve" has insufficient free space/);
    assert.equal((await h.run('pct', 'list')).stdout, '');
  } finally {
    h.cleanup();
  }
});

test('push/pull/exec go to the guest filesystem with argv intact and stdin passed', async () => {
  await withCt(async (h) => {
    await h.ok('pct', 'start', '100');
    await h.ok('pct', 'push', '100', '/etc/hostname', '/tmp/x', '--perms', '0600');
    await h.ok('pct', 'pull', '100', '/etc/os-release', '/tmp/y');
    const { runSim } = await import('../../src/sim/frontend/run.js');
    await runSim(['pct', 'exec', '100', '--', 'sh', '-c', 'cat; echo "$1"', 'x', 'a b'], { stateDir: h.dir, env: h.env, guestfs: h.fs, stdin: 'in' });
    assert.deepEqual(h.fs.calls.slice(-3), ['push 100 /etc/hostname /tmp/x', 'pull 100 /etc/os-release /tmp/y', 'exec 100 ["sh","-c","cat; echo \\"$1\\"","x","a b"] stdin="in"']);
  });
});

test('status --verbose prints sorted keys with raw integers', async () => {
  await withCt(async (h) => {
    const out = await h.ok('pct', 'status', '100', '--verbose');
    const keys = out
      .trim()
      .split('\n')
      .map((l) => l.split(':')[0]);
    assert.deepEqual(keys, [...keys].sort());
    assert.match(out, /^maxdisk: 8589934592$/m);
    assert.match(out, /^status: stopped$/m);
    assert.doesNotMatch(out, /^cpu:/m);
  });
});

test('clone refuses bind mounts and carries the firewall file over', async () => {
  await withCt(async (h) => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(h.dir, 'etc/pve/firewall/100.fw'), '[OPTIONS]\nenable: 1\n');
    await h.ok('pct', 'clone', '100', '101');
    assert.equal(readFileSync(join(h.dir, 'etc/pve/firewall/101.fw'), 'utf8'), '[OPTIONS]\nenable: 1\n');
    await h.ok('pct', 'set', '100', '--mp0', '/srv/data,mp=/data');
    const r = await h.run('pct', 'clone', '100', '102');
    assert.deepEqual([r.exitCode, r.stderr], [255, "unable to clone mountpoint 'mp0' (type bind)\n"]);
    assert.equal(existsSync(join(h.dir, 'etc/pve/nodes/pve/lxc/102.conf')), false);
  });
});

test('pct create --ssh-public-keys FILE: the keys reach root in the CT at start, never the config', async () => {
  const h = simHarness();
  try {
    const { writeFileSync } = await import('node:fs');
    const file = join(h.dir, 'keys.pub');
    // A key ssh-keygen -l reads: Proxmox checks every line (pve-common validate_ssh_public_keys).
    writeFileSync(file, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g k\n');
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1', '--ssh-public-keys', file, '--password', 'sup3rsecret');
    assert.doesNotMatch(conf(h.dir, 100), /ssh|AAAA|sup3rsecret/);
    await h.ok('pct', 'start', '100');
    assert.equal(h.fs.calls.at(-1), 'start 100 CT100 keys="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g k\\n"');
  } finally {
    h.cleanup();
  }
});
