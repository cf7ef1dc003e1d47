// The parsers against every sample in ../shared/pve/cli-output-samples.md (reproduced inline:
// they are format fixtures), plus the SRC-reconstructed shapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from './config.js';
import { parseGuestExecStart, parseGuestExecStatus } from './guest-exec.js';
import { parsePctList, parseQmList } from './list.js';
import { parseSnapshotList } from './snapshots.js';
import { parseStatus } from './status.js';

const pad = (s: string, n: number): string => s.padEnd(n);
/** `%-10s %-10s %-12s %-20s\n`, as pct.pm prints it. */
const pctRow = (a: string, b: string, c: string, d: string): string => `${pad(a, 10)} ${pad(b, 10)} ${pad(c, 12)} ${pad(d, 20)}\n`;

test('pct list: empty output is no guests', () => {
  assert.deepEqual(parsePctList(''), []);
});

test('pct list: real session', () => {
  const text = ['VMID       Status     Lock         Name                ', '101        running                 tailscale', '102        running                 ns1', '103        running                 ns2'].join('\n');
  assert.deepEqual(parsePctList(text), [
    { vmid: 101, type: 'lxc', name: 'tailscale', status: 'running' },
    { vmid: 102, type: 'lxc', name: 'ns1', status: 'running' },
    { vmid: 103, type: 'lxc', name: 'ns2', status: 'running' },
  ]);
});

test('pct list: locked container, and the SRC-reconstructed padding', () => {
  const text = 'VMID       Status     Lock         Name\n200        stopped    backup       db\n';
  assert.deepEqual(parsePctList(text), [{ vmid: 200, type: 'lxc', name: 'db', status: 'stopped', lock: 'backup' }]);
  const src = pctRow('VMID', 'Status', 'Lock', 'Name') + pctRow('100', 'running', 'mounted', 'web1') + pctRow('101', 'stopped', 'snapshot-delete', 'a-very-long-container-name-here');
  assert.deepEqual(parsePctList(src), [
    { vmid: 100, type: 'lxc', name: 'web1', status: 'running', lock: 'mounted' },
    { vmid: 101, type: 'lxc', name: 'a-very-long-container-name-here', status: 'stopped', lock: 'snapshot-delete' },
  ]);
});

test('qm list: real session (right-aligned vmid)', () => {
  const text = [
    '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       ',
    '       101 vm110                running    512               30.00 16474',
    '       103 vm103                stopped    512               80.00 0',
    '       104 vm104                running    256               80.00 16256',
  ].join('\n');
  assert.deepEqual(parseQmList(text), [
    { vmid: 101, type: 'qemu', name: 'vm110', status: 'running' },
    { vmid: 103, type: 'qemu', name: 'vm103', status: 'stopped' },
    { vmid: 104, type: 'qemu', name: 'vm104', status: 'running' },
  ]);
});

test('qm list: an unnamed VM is "VM <vmid>" (with a space)', () => {
  const text = ['root@m5:~# qm list', '      vmid NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID', '       100 vm1                  running    2048              22.20 80720', '      9000 VM 9000              stopped    2048              22.20 0'].join('\n');
  assert.deepEqual(parseQmList(text), [
    { vmid: 100, type: 'qemu', name: 'vm1', status: 'running' },
    { vmid: 9000, type: 'qemu', name: 'VM 9000', status: 'stopped' },
  ]);
});

test('qm list: a long name overflowing its column', () => {
  const text = ['VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID', '6000 chelonianlabs-dev-control-1 running    20480             32.00 37300', '7002 talos-control-3      running    16384             15.00 149944'].join('\n');
  assert.deepEqual(parseQmList(text), [
    { vmid: 6000, type: 'qemu', name: 'chelonianlabs-dev-control-1', status: 'running' },
    { vmid: 7002, type: 'qemu', name: 'talos-control-3', status: 'running' },
  ]);
  assert.deepEqual(parseQmList(''), []);
});

test('qm config: real session', () => {
  const text = `boot: order=scsi0;ide2;net0
cores: 1
cpu: x86-64-v2-AES
ide2: Hard1:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom,size=632M
machine: q35
memory: 1024
meta: creation-qemu=9.0.2,ctime=1739877136
name: haproxydeb
net0: virtio=BC:24:11:9D:38:61,bridge=vmbr0
numa: 0
ostype: l26
scsi0: Hard1:100/vm-100-disk-0.qcow2,iothread=1,size=15G
scsihw: virtio-scsi-single
smbios1: uuid=2479505f-f493-4a8e-838f-24be1708d34b
sockets: 1
vmgenid: 13766f5f-fe30-48e4-9f1a-2c68a4018549
`;
  const c = parseConfig(text);
  assert.equal(Object.keys(c.options).length, 16);
  assert.equal(c.options.boot, 'order=scsi0;ide2;net0');
  assert.equal(c.options.net0, 'virtio=BC:24:11:9D:38:61,bridge=vmbr0');
  assert.equal(c.options.ide2, 'Hard1:iso/debian-12.9.0-amd64-netinst.iso,media=cdrom,size=632M');
  assert.deepEqual(c.rawLxc, []);
});

test('qm config: splits at the first ": " only (args with colons, parent)', () => {
  const text = `agent: 1
args: -cpu 'host,+kvm_pv_unhalt,+kvm_pv_eoi,hv_vendor_id=NV43FIX,kvm=off'
cpu: host,hidden=1,flags=+pcid
efidisk0: local-zfs:vm-103-disk-0,efitype=4m,size=1M
hostpci0: 0000:01:00,pcie=1
parent: working
scsi0: local-zfs:vm-103-disk-1,iothread=1,size=500G
`;
  const c = parseConfig(text);
  assert.equal(c.options.args, "-cpu 'host,+kvm_pv_unhalt,+kvm_pv_eoi,hv_vendor_id=NV43FIX,kvm=off'");
  assert.equal(c.options.hostpci0, '0000:01:00,pcie=1');
  assert.equal(c.options.parent, 'working');
  assert.equal(c.options.efidisk0, 'local-zfs:vm-103-disk-0,efitype=4m,size=1M');
});

test('pct config: raw lxc.* entries last, in file order, an empty value kept', () => {
  const text = `arch: amd64
cores: 2
features: nesting=1
hostname: lxc-soc-core
memory: 3072
nameserver: 192.168.20.2
net0: name=eth0,bridge=vmbr0,gw=192.168.20.1,hwaddr=BC:24:11:C3:E1:C5,ip=192.168.20.3/24,tag=20,type=veth
ostype: ubuntu
rootfs: local-lvm:vm-101-disk-1,size=60G
swap: 512
unprivileged: 1
lxc.apparmor.profile: unconfined
lxc.cgroup2.devices.allow: a
lxc.cap.drop:
`;
  const c = parseConfig(text);
  assert.equal(c.options.hostname, 'lxc-soc-core');
  assert.equal(c.options.unprivileged, '1');
  assert.equal(c.options['lxc.apparmor.profile'], undefined);
  assert.deepEqual(c.rawLxc, [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cgroup2.devices.allow', 'a'],
    ['lxc.cap.drop', ''],
  ]);
  // As pct prints it (`"$k: $v\n"` leaves a trailing space after an empty value).
  assert.deepEqual(parseConfig('lxc.cap.drop: \nlxc.cgroup2.devices.allow: c 195:* rwm\n').rawLxc, [
    ['lxc.cap.drop', ''],
    ['lxc.cgroup2.devices.allow', 'c 195:* rwm'],
  ]);
});

test('pct config: the description is decoded (encode_text)', () => {
  const text = `arch: amd64
cores: 2
description: seadog-guid%3Ag-ct%0Aseadog-owner%3Aalice
hostname: seadog-alice-proj-cd34
memory: 1024
net0: name=eth0,bridge=vmbr0,hwaddr=12:34:56:78:9A:BC,ip=dhcp,tag=20,type=veth
rootfs: local:10011/vm-10011-disk-0.raw,size=8G
`;
  const c = parseConfig(text);
  assert.equal(c.options.description, 'seadog-guid:g-ct\nseadog-owner:alice');
  assert.equal(c.options.rootfs, 'local:10011/vm-10011-disk-0.raw,size=8G');
  assert.equal(parseConfig('description: 100%25 %E2%9C%93\n').options.description, '100% ✓');
  assert.equal(parseConfig('description: bad %zz\n').options.description, 'bad %zz');
});

test('status: one-line form and missing keys', () => {
  assert.deepEqual(parseStatus('lxc', 101, 'status: running\n'), { vmid: 101, type: 'lxc', status: 'running', template: false });
  assert.deepEqual(parseStatus('qemu', 100, 'VM_STATUS\nstatus: running\n'), { vmid: 100, type: 'qemu', status: 'running', template: false });
  assert.equal(parseStatus('qemu', 100, 'status: paused\n').status, 'paused');
  assert.equal(parseStatus('qemu', 100, 'status: io-error\n').status, 'unknown');
});

test('status: pct --verbose (sorted keys, template and lock)', () => {
  const text = ['cpus: 2', 'disk: 0', 'lock: backup', 'maxdisk: 8589934592', 'maxmem: 2147483648', 'name: base', 'status: stopped', 'template: 1', 'type: lxc', 'uptime: 0', 'vmid: 900', ''].join('\n');
  assert.deepEqual(parseStatus('lxc', 900, text), { vmid: 900, type: 'lxc', status: 'stopped', template: true, lock: 'backup' });
});

test('status: qm --verbose skips nested hashes and prefers qmpstatus', () => {
  const text = ['ballooninfo:', '\tactual: 2147483648', '\tmax_mem: 2147483648', 'blockstat:', '\tscsi0:', '\t\trd_bytes: 123', 'name: vm1', 'nics:', '\ttap100i0:', '\t\tnetin: 456', 'qmpstatus: paused', 'status: running', 'vmid: 100', ''].join('\n');
  assert.deepEqual(parseStatus('qemu', 100, text), { vmid: 100, type: 'qemu', status: 'paused', template: false });
});

test('listsnapshot: real qm output; current is not a snapshot', () => {
  const text = ['`-> baseline-tiles-2026-07-28   2026-07-28 23:08:18     Kasm baseline 2026-07-28: 6 vCPU, 12 GiB, 200G disk, 34 tiles suffixed Normal/VPN/Malware/Target/Review/Full, three concurrent sessions', ' `-> current                                            You are here!'].join('\n');
  const s = parseSnapshotList(text);
  assert.equal(s.length, 1);
  assert.equal(s[0].name, 'baseline-tiles-2026-07-28');
  assert.equal(s[0].parent, undefined);
  assert.equal(s[0].description, 'Kasm baseline 2026-07-28: 6 vCPU, 12 GiB, 200G disk, 34 tiles suffixed Normal/VPN/Malware/Target/Review/Full, three concurrent sessions');
  assert.equal(s[0].snaptime, new Date(2026, 6, 28, 23, 8, 18).getTime() / 1000);
});

test('listsnapshot: PVE 9 pct output', () => {
  const text = '`-> gatetest                    2026-07-30 19:37:22     voltius live gate\n `-> current                                             You are here!\n';
  assert.deepEqual(parseSnapshotList(text), [{ name: 'gatetest', snaptime: new Date(2026, 6, 30, 19, 37, 22).getTime() / 1000, description: 'voltius live gate' }]);
});

test('listsnapshot: a tree, parents from indentation, no-description, no time', () => {
  // print_snapshot_tree: prefix grows by one space per level; %-${30-len(prefix)}s; %-23s.
  const row = (depth: number, name: string, time: string, desc: string): string => {
    const prefix = `${' '.repeat(depth)}\`->`;
    return `${prefix} ${name.padEnd(Math.max(0, 30 - prefix.length))} ${time.padEnd(23)} ${desc}`;
  };
  const text = [row(0, 'pre-configured', '2026-01-02 03:04:05', 'no-description'), row(1, 'final-form', '2026-01-02 04:00:00', 'after checks'), row(2, 'a', '2026-01-03 00:00:00', 'x'), row(2, 'current', '', 'You are here!'), row(1, 'side', '', 'no-description'), ''].join('\n');
  const s = parseSnapshotList(text);
  assert.deepEqual(
    s.map((x) => [x.name, x.parent, x.description]),
    [
      ['pre-configured', undefined, undefined],
      ['final-form', 'pre-configured', 'after checks'],
      ['a', 'final-form', 'x'],
      ['side', 'pre-configured', undefined],
    ],
  );
  assert.equal(s[3].snaptime, undefined);
  assert.deepEqual(parseSnapshotList(''), []);
});

test('guest exec: pid answer, finished answer, pretty JSON with a stderr notice', () => {
  assert.deepEqual(parseGuestExecStart('{\n   "pid" : 12345\n}\n'), { pid: 12345 });
  assert.deepEqual(parseGuestExecStart('{"exitcode":0,"exited":1,"out-data":"ok\\n"}'), {
    status: { exited: true, exitCode: 0, stdout: 'ok\n', stderr: '', truncated: false },
  });
  assert.deepEqual(parseGuestExecStatus('{\n   "exitcode" : 3,\n   "exited" : 1,\n   "err-data" : "bad\\n"\n}\n'), {
    exited: true,
    exitCode: 3,
    stdout: '',
    stderr: 'bad\n',
    truncated: false,
  });
  assert.deepEqual(parseGuestExecStatus('{\n   "exited" : 0\n}\n'), { exited: false, stdout: '', stderr: '', truncated: false });
  assert.throws(() => parseGuestExecStart('garbage'), /expected a JSON object/);
});
