// Differential test: the same calls go to Proxmox's own code (../shared/pve-oracle, one batched
// run) and to the simulator. Every bad call below is refused by both, with the same message where
// Proxmox's CLI prints one (the usage line the CLI appends is left out); the good calls are
// accepted by both. The expected messages are what pve-oracle printed for PVE 9.1; the simulator
// half always runs, the oracle half skips (saying so) where the oracle cannot run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simHarness, DEBIAN, type SimHarness } from '../helpers/sim.js';
import { oracleSkipReason, runOracle } from '../conformance/oracle.js';

/** [rule, call (words without spaces), Proxmox's message]. */
const BAD: Array<[string, string, string]> = [
  ['integer maximum', 'pct set 100 --cores 99999', '400 Parameter verification failed.\ncores: value must have a maximum value of 8192\n'],
  ['integer minimum', 'pct set 100 --memory 1', '400 Parameter verification failed.\nmemory: value must have a minimum value of 16\n'],
  ['dns-name format', 'pct set 100 --hostname bad_name!', '400 Parameter verification failed.\nhostname: invalid format - value does not look like a valid DNS name\n\n'],
  ['enum', 'pct set 100 --ostype windows', "400 Parameter verification failed.\nostype: value 'windows' does not have a value in the enumeration 'debian, devuan, ubuntu, centos, fedora, opensuse, archlinux, alpine, gentoo, nixos, unmanaged'\n"],
  ['property string: unknown key', 'pct set 100 --net0 name=eth0,bridge=vmbr0,foo=1', '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.foo: property is not defined in schema and the schema does not allow additional properties\n\n'],
  ['property string: required key missing', 'pct set 100 --net0 bridge=vmbr0', '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.name: property is missing and it is not optional\n\n'],
  ['mount point without mp', 'pct set 100 --mp0 local-lvm:1', '400 Parameter verification failed.\nmp0: invalid format - format error\nmp0.mp: property is missing and it is not optional\n\n'],
  ['unknown option', 'pct set 100 --bogus 1', 'Unknown option: bogus\n400 unable to parse option\n'],
  ['missing argument', 'pct create 300', '400 not enough arguments\n'],
  ['create: storage does not exist', 'pct create 300 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --storage nope', "storage 'nope' does not exist\n"],
  ['create: mount points without rootfs', 'pct create 300 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --mp0 local-lvm:2,mp=/data', "mount points configured, but 'rootfs' not set - aborting\n"],
  ['create: ostemplate of another content type', 'pct create 300 local:iso/nope.iso --rootfs local-lvm:1', "unable to use volume local:iso/nope.iso - content type needs to be 'vztmpl'\n"],
  ['create: ostemplate a disk volume', 'pct create 300 local-lvm:vm-100-disk-0 --rootfs local-lvm:1', "unable to use volume local-lvm:vm-100-disk-0 - content type needs to be 'vztmpl'\n"],
  ['create: ostemplate name on lvm', 'pct create 300 local-lvm:vztmpl/x.tar.zst --rootfs local-lvm:1', "lvm name 'vztmpl/x.tar.zst' contains illegal characters\n"],
  ['create: ostemplate extension', 'pct create 300 local:vztmpl/x.img --rootfs local-lvm:1', "unable to parse directory volume name 'vztmpl/x.img'\n"],
  ['create: storage without rootdir content', 'pct create 300 local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst --storage local', "400 Parameter verification failed.\nstorage: storage 'local' does not support container directories\n"],
  ['swap minimum', 'pct set 100 --swap -1', '400 Parameter verification failed.\nswap: value must have a minimum value of 0\n'],
  ['boolean option', 'pct set 100 --onboot 2', '400 unable to parse boolean option\n'],
  ['number minimum', 'pct set 100 --cpulimit -1', '400 Parameter verification failed.\ncpulimit: value must have a minimum value of 0\n'],
  ['resize: size pattern', 'pct resize 100 rootfs abc', '400 Parameter verification failed.\nsize: value does not match the regex pattern\n'],
  ['snapshot: configid format', 'pct snapshot 100 1abc', "400 Parameter verification failed.\nsnapname: invalid format - invalid configuration ID '1abc'\n\n"],
  ['property string: boolean sub-key', 'pct set 100 --features nesting=2', "400 Parameter verification failed.\nfeatures: invalid format - format error\nfeatures.nesting: type check ('boolean') failed - got '2'\n\n"],
  ['property string: disk-size sub-key', 'pct set 100 --rootfs local-lvm:1,size=abc', '400 Parameter verification failed.\nrootfs: invalid format - format error\nrootfs.size: invalid format - value does not look like a valid disk size: abc\n\n\n'],
  ['template: unknown option', 'pct template 100 --foo 1', 'Unknown option: foo\n400 unable to parse option\n'],
  ['property string: CIDR sub-key', 'pct set 100 --net0 name=eth0,bridge=vmbr0,ip=1.2.3.4', '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.ip: invalid format - value does not look like a valid ipv4 network configuration\n\n\n'],
  ['timezone from zone.tab', 'pct set 100 --timezone Not/AZone', "400 Parameter verification failed.\ntimezone: invalid format - invalid time zone 'Not/AZone'\n\n"],
  ['lock enum', 'pct set 100 --lock foo', "400 Parameter verification failed.\nlock: value 'foo' does not have a value in the enumeration 'backup, create, destroyed, disk, fstrim, migrate, mounted, rollback, snapshot, snapshot-delete'\n"],
  ['arch enum', 'pct set 100 --arch sparc', "400 Parameter verification failed.\narch: value 'sparc' does not have a value in the enumeration 'amd64, i386, arm64, armhf, riscv32, riscv64'\n"],
  ['startup format', 'pct set 100 --startup order=x', '400 Parameter verification failed.\nstartup: invalid format - unable to parse startup options\n\n'],
  ['qm integer minimum', 'qm set 200 --cores 0', '400 Parameter verification failed.\ncores: value must have a minimum value of 1\n'],
  ['qm memory property string minimum', 'qm set 200 --memory 1', '400 Parameter verification failed.\nmemory: invalid format - format error\nmemory.current: value must have a minimum value of 16\n\n'],
  ['qm property string: unknown key', 'qm set 200 --net0 virtio,bridge=vmbr0,foo=1', '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.foo: property is not defined in schema and the schema does not allow additional properties\n\n'],
  [
    'qm net model enum',
    'qm set 200 --net0 e1000x,bridge=vmbr0',
    "400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.model: value 'e1000x' does not have a value in the enumeration 'e1000, e1000-82540em, e1000-82544gc, e1000-82545em, e1000e, i82551, i82557b, i82559er, ne2k_isa, ne2k_pci, pcnet, rtl8139, virtio, vmxnet3'\n\n",
  ],
  ['qm drive cache enum', 'qm set 200 --scsi0 local-lvm:1,cache=bogus', "400 Parameter verification failed.\nscsi0: invalid format - format error\nscsi0.cache: value 'bogus' does not have a value in the enumeration 'none, writethrough, writeback, unsafe, directsync'\n\n"],
  ['qm ipconfig CIDR', 'qm set 200 --ipconfig0 ip=1.2.3.4', '400 Parameter verification failed.\nipconfig0: invalid format - format error\nipconfig0.ip: invalid format - value does not look like a valid ipv4 network configuration\n\n\n'],
  ['qm boot order device', 'qm set 200 --boot order=bogus0', "400 Parameter verification failed.\nboot: invalid format - format error\nboot.order: invalid format - invalid boot device 'bogus0'\n\n\n"],
  ['qm ostype enum', 'qm set 200 --ostype dos', "400 Parameter verification failed.\nostype: value 'dos' does not have a value in the enumeration 'other, wxp, w2k, w2k3, w2k8, wvista, win7, win8, win10, win11, l24, l26, solaris'\n"],
  ['qm scsihw enum', 'qm set 200 --scsihw bogus', "400 Parameter verification failed.\nscsihw: value 'bogus' does not have a value in the enumeration 'lsi, lsi53c810, virtio-scsi-pci, virtio-scsi-single, megasas, pvscsi'\n"],
  ['qm create: unknown option', 'qm create 400 --bogus 1', 'Unknown option: bogus\n400 unable to parse option\n'],
  ['qm resize: size pattern', 'qm resize 200 scsi0 +x', '400 Parameter verification failed.\nsize: value does not match the regex pattern\n'],
  ['qm snapshot: configid', 'qm snapshot 200 a..b', "400 Parameter verification failed.\nsnapname: invalid format - invalid configuration ID 'a..b'\n\n"],
  ['qm clone: name format', 'qm clone 200 201 --name bad_name', '400 Parameter verification failed.\nname: invalid format - value does not look like a valid DNS name\n\n'],
  ['qm agent boolean sub-key', 'qm set 200 --agent enabled=2', "400 Parameter verification failed.\nagent: invalid format - format error\nagent.enabled: type check ('boolean') failed - got '2'\n\n"],
  [
    'qm template: disk enum (drive order)',
    'qm template 200 --disk bogus0',
    "400 Parameter verification failed.\ndisk: value 'bogus0' does not have a value in the enumeration 'ide0, ide1, ide2, ide3, scsi0, scsi1, scsi2, scsi3, scsi4, scsi5, scsi6, scsi7, scsi8, scsi9, scsi10, scsi11, scsi12, scsi13, scsi14, scsi15, scsi16, scsi17, scsi18, scsi19, scsi20, scsi21, scsi22, scsi23, scsi24, scsi25, scsi26, scsi27, scsi28, scsi29, scsi30, virtio0, virtio1, virtio2, virtio3, virtio4, virtio5, virtio6, virtio7, virtio8, virtio9, virtio10, virtio11, virtio12, virtio13, virtio14, virtio15, sata0, sata1, sata2, sata3, sata4, sata5, efidisk0, tpmstate0'\n",
  ],
  ['qm vga type enum', 'qm set 200 --vga bogus', "400 Parameter verification failed.\nvga: invalid format - format error\nvga.type: value 'bogus' does not have a value in the enumeration 'cirrus, qxl, qxl2, qxl3, qxl4, none, serial0, serial1, serial2, serial3, std, virtio, virtio-gl, vmware'\n\n"],
  ['qm balloon minimum', 'qm set 200 --balloon -1', '400 Parameter verification failed.\nballoon: value must have a minimum value of 0\n'],
  ['qm sockets minimum', 'qm set 200 --sockets 0', '400 Parameter verification failed.\nsockets: value must have a minimum value of 1\n'],
  ['qm create: new disk on a missing storage', 'qm create 400 --scsi0 nope:1', "storage 'nope' does not exist\n"],
  ['qm cpu type known', 'qm set 200 --cpu bogus', "400 Parameter verification failed.\ncpu: invalid format - Built-in cputype 'bogus' is not defined (missing 'custom-' prefix?)\n\n"],
  ['qm serial pattern', 'qm set 200 --serial0 bogus', '400 Parameter verification failed.\nserial0: value does not match the regex pattern\n'],
  ['qm create: name format', 'qm create 400 --name bad_name', '400 Parameter verification failed.\nname: invalid format - value does not look like a valid DNS name\n\n'],
  ['qm bios enum', 'qm set 200 --bios bogus', "400 Parameter verification failed.\nbios: value 'bogus' does not have a value in the enumeration 'seabios, ovmf'\n"],
  ['qm machine type pattern', 'qm set 200 --machine bogus', '400 Parameter verification failed.\nmachine: invalid format - format error\nmachine.type: value does not match the regex pattern\n\n'],
  ['qm set: an existing volume of another content type', `qm set 200 --scsi1 ${DEBIAN}`, "400 Parameter verification failed.\nscsi1: content type needs to be 'images' or 'iso'\n"],
  ['qm set: an existing volume on an unknown storage', 'qm set 200 --scsi1 nope:vm-200-disk-9', "storage 'nope' does not exist\n"],
  ['pct set: a mount point volume on an unknown storage', 'pct set 100 --mp1 nope:vm-100-disk-9,mp=/x', "storage 'nope' does not exist\n"],
  ['qm set: option set and deleted', 'qm set 200 --delete scsi0 --scsi0 local-lvm:1', "400 Parameter verification failed.\ndelete: you can't use '-scsi0' and -delete scsi0' at the same time\n"],
];

const GOOD: string[] = [
  'pct set 100 --cores 2 --memory 1024',
  'pct set 100 --net0 name=eth0,bridge=vmbr0,ip=dhcp --timezone Europe/Berlin',
  'pct resize 100 rootfs +1G',
  'pct snapshot 100 before-upgrade',
  `pct create 300 ${DEBIAN} --rootfs local-lvm:1 --hostname web`,
  'qm set 200 --cores 2 --memory 2048 --ipconfig0 ip=10.0.0.5/24,gw=10.0.0.1',
  'qm snapshot 200 s1',
  'qm set 200 --cpu x86-64-v2-AES,flags=+aes',
  'qm set 200 --cpu host',
  'qm create 400 --scsi0 local-lvm:1 --name vm400',
];

/** A host with CT 100 and VM 200 on the default storages. */
async function host(): Promise<SimHarness> {
  const h = simHarness({ PHOENIX_CONFORMANCE_DIR: undefined });
  await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
  await h.ok('qm', 'create', '200', '--scsi0', 'local-lvm:1', '--net0', 'virtio,bridge=vmbr0');
  return h;
}

/** The simulator's stderr without the usage line the CLI appends to a parameter error. */
const withoutUsage = (stderr: string): string => stderr.replace(/(^|\n)(?:pct|qm) [^\n]*\n$/, '$1');

test('differential: the rules are distinct', () => {
  assert.ok(new Set(BAD.map(([rule]) => rule)).size >= 30);
  assert.equal(new Set(BAD.map(([, call]) => call)).size, BAD.length);
});

test("differential: the simulator refuses every bad call with Proxmox's message and accepts the good ones", async () => {
  const h = await host();
  try {
    for (const [rule, call, message] of BAD) {
      const r = await h.run(...call.split(' '));
      assert.notEqual(r.exitCode, 0, `${rule}: ${call} was accepted`);
      assert.equal(withoutUsage(r.stderr), message, `${rule}: ${call}`);
    }
    for (const call of GOOD) {
      const r = await h.run(...call.split(' '));
      assert.equal(r.exitCode, 0, `${call}: ${r.stderr}`);
    }
  } finally {
    h.cleanup();
  }
});

test("differential: Proxmox's own code refuses every bad call with that message and accepts the good ones", { skip: oracleSkipReason() }, async () => {
  const h = await host();
  const calls = join(h.dir, 'differential-calls.jsonl');
  try {
    const all = [...BAD.map(([, call]) => call), ...GOOD];
    writeFileSync(calls, all.map((c) => `${JSON.stringify({ argv: c.split(' ') })}\n`).join(''));
    const report = await runOracle(calls, h.dir);
    const byLine = new Map(report.problems.filter((p) => p.kind === 'call').map((p) => [Number(p.where.replace('call#', '')), p.msg]));
    BAD.forEach(([rule, call, message], i) => {
      const got = byLine.get(i + 1);
      assert.ok(got !== undefined, `${rule}: Proxmox accepted ${call}`);
      // The oracle names the API method (and its own update_pct_config post-check) first.
      assert.equal(got.replace(/^PVE::API2::[\w:]+: /, '').replace(/^update_pct_config: /, ''), message, `${rule}: ${call}`);
    });
    GOOD.forEach((call, i) => assert.equal(byLine.get(BAD.length + i + 1), undefined, `Proxmox refused ${call}: ${byLine.get(BAD.length + i + 1)}`));
    assert.equal(report.calls, all.length);
    assert.equal(report.config_problems, 0, JSON.stringify(report.problems.filter((p) => p.kind === 'config')));
  } finally {
    rmSync(calls, { force: true });
    h.cleanup();
  }
});
