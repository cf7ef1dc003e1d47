// Each driver method → the exact pct/qm argv (table test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argv, qemuWriteFileCommand, redactArgv, withEnv } from './argv.js';

const table: Array<[string, string[] | null, string[]]> = [
  ['list lxc', argv.list('lxc'), ['pct', 'list']],
  ['list qemu', argv.list('qemu'), ['qm', 'list']],
  ['status', argv.status('lxc', 101), ['pct', 'status', '101', '--verbose', '1']],
  ['config', argv.config('qemu', 9000), ['qm', 'config', '9000']],
  ['listsnapshot', argv.listSnapshots('lxc', 900), ['pct', 'listsnapshot', '900']],
  [
    'create lxc: ostemplate positional, params in insertion order, booleans 1/0',
    argv.create('lxc', 900, { hostname: 'base', memory: 2048, rootfs: 'local-lvm:8', unprivileged: true, onboot: false }, 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst'),
    ['pct', 'create', '900', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--hostname', 'base', '--memory', '2048', '--rootfs', 'local-lvm:8', '--unprivileged', '1', '--onboot', '0'],
  ],
  ['create qemu', argv.create('qemu', 9000, { name: 'tpl', memory: 4096 }), ['qm', 'create', '9000', '--name', 'tpl', '--memory', '4096']],
  ['clone lxc', argv.clone('lxc', 900, 103, { snapname: 'final-form', hostname: 'Step-CA', storage: 'quickOS-lxc-disks' }), ['pct', 'clone', '900', '103', '--snapname', 'final-form', '--hostname', 'Step-CA', '--storage', 'quickOS-lxc-disks']],
  ['clone qemu', argv.clone('qemu', 9000, 1001, { name: 'vm1', full: true }), ['qm', 'clone', '9000', '1001', '--name', 'vm1', '--full', '1']],
  ['set', argv.set('lxc', 103, { memory: 1024, onboot: true }), ['pct', 'set', '103', '--memory', '1024', '--onboot', '1']],
  ['set with delete', argv.set('qemu', 1001, { cores: 2 }, ['mp0', 'net1']), ['qm', 'set', '1001', '--cores', '2', '--delete', 'mp0,net1']],
  ['set delete only', argv.set('lxc', 103, {}, ['mp1']), ['pct', 'set', '103', '--delete', 'mp1']],
  ['resize', argv.resize('lxc', 103, 'rootfs', '16G'), ['pct', 'resize', '103', 'rootfs', '16G']],
  ['start', argv.start('qemu', 9000), ['qm', 'start', '9000']],
  ['stop', argv.stop('lxc', 103), ['pct', 'stop', '103']],
  ['shutdown with timeout', argv.shutdown('lxc', 103, 60), ['pct', 'shutdown', '103', '--timeout', '60']],
  ['shutdown', argv.shutdown('qemu', 1001), ['qm', 'shutdown', '1001']],
  ['reboot', argv.reboot('lxc', 103), ['pct', 'reboot', '103']],
  ['destroy lxc', argv.destroy('lxc', 103), ['pct', 'destroy', '103', '--purge', '1']],
  ['destroy qemu', argv.destroy('qemu', 1001), ['qm', 'destroy', '1001', '--purge', '1', '--destroy-unreferenced-disks', '1']],
  ['destroy without purge', argv.destroy('lxc', 103, { purge: false }), ['pct', 'destroy', '103']],
  ['template', argv.template('qemu', 9000), ['qm', 'template', '9000']],
  ['snapshot', argv.snapshot('lxc', 900, 'final-form'), ['pct', 'snapshot', '900', 'final-form']],
  ['snapshot with description', argv.snapshot('lxc', 900, 'pre', 'before features'), ['pct', 'snapshot', '900', 'pre', '--description', 'before features']],
  ['delsnapshot', argv.delsnapshot('qemu', 9000, 'x'), ['qm', 'delsnapshot', '9000', 'x']],
  ['rollback', argv.rollback('lxc', 900, 'x'), ['pct', 'rollback', '900', 'x']],
  ['disk import', argv.importDisk(9000, '/var/lib/vz/import/debian-12-genericcloud-amd64.qcow2', 'local-lvm', { format: 'raw' }), ['qm', 'disk', 'import', '9000', '/var/lib/vz/import/debian-12-genericcloud-amd64.qcow2', 'local-lvm', '--format', 'raw']],
  ['disk import no format', argv.importDisk(9000, 'local:import/x.qcow2', 'local-lvm'), ['qm', 'disk', 'import', '9000', 'local:import/x.qcow2', 'local-lvm']],
  ['cloudinit update', argv.cloudinitUpdate(9000), ['qm', 'cloudinit', 'update', '9000']],
  ['agent ping', argv.agentPing(1001), ['qm', 'guest', 'cmd', '1001', 'ping']],
  ['pct exec', argv.lxcExec(103, ['sh', '-c', 'echo $(id)']), ['pct', 'exec', '103', '--', 'sh', '-c', 'echo $(id)']],
  ['qm guest exec', argv.qemuExecStart(1001, ['uname', '-a'], false), ['qm', 'guest', 'exec', '1001', '--synchronous', '0', '--', 'uname', '-a']],
  ['qm guest exec stdin', argv.qemuExecStart(1001, ['cat'], true), ['qm', 'guest', 'exec', '1001', '--synchronous', '0', '--pass-stdin', '1', '--', 'cat']],
  ['qm guest exec-status', argv.qemuExecStatus(1001, 4242), ['qm', 'guest', 'exec-status', '1001', '4242']],
  ['pct push', argv.lxcPush(103, '/tmp/f', '/etc/x'), ['pct', 'push', '103', '/tmp/f', '/etc/x']],
  ['pct push with perms and owner', argv.lxcPush(103, '/tmp/f', '/etc/x', { perms: '0600', user: 0, group: 0 }), ['pct', 'push', '103', '/tmp/f', '/etc/x', '--perms', '0600', '--user', '0', '--group', '0']],
];

for (const [name, got, want] of table) {
  test(`argv: ${name}`, () => assert.deepEqual(got, want));
}

test('argv: set with nothing to send is no call', () => {
  assert.equal(argv.set('lxc', 103, {}), null);
  assert.equal(argv.set('lxc', 103, {}, []), null);
});

test('argv: refuses what could turn a value into a flag or a bad id', () => {
  assert.throws(() => argv.set('lxc', 103, { '-x': 1 }), /invalid Proxmox option name/);
  assert.throws(() => argv.set('lxc', 103, { 'memory --delete': 1 }), /invalid Proxmox option name/);
  assert.throws(() => argv.set('lxc', 103, {}, ['a,b']), /invalid Proxmox option name/);
  assert.throws(() => argv.start('lxc', 99), /invalid vmid/);
  assert.throws(() => argv.start('lxc', 1.5), /invalid vmid/);
  assert.throws(() => argv.create('lxc', 100, {}), /ostemplate/);
  assert.throws(() => argv.set('lxc', 100, { memory: Number.NaN }), /invalid Proxmox option value/);
});

test('argv: values are passed verbatim, never shell-interpreted', () => {
  assert.deepEqual(argv.set('lxc', 103, { description: "a b; $(id) 'q'" }), ['pct', 'set', '103', '--description', "a b; $(id) 'q'"]);
});

test('VM file write: the path travels as an argument, not in the script', () => {
  const evil = '/tmp/x"; rm -rf / #';
  assert.deepEqual(qemuWriteFileCommand(evil, { perms: '0600' }), ['/bin/sh', '-c', 'cat > "$1" && chmod "$2" "$1"', 'sh', evil, '0600']);
  assert.deepEqual(qemuWriteFileCommand('/etc/x', { user: 0, group: 10 }), ['/bin/sh', '-c', 'cat > "$1" && chmod "$2" "$1" && chown "$3" "$1"', 'sh', '/etc/x', '0644', '0:10']);
});

test('guest env becomes an env(1) prefix; bad names refused', () => {
  assert.deepEqual(withEnv(['run'], { A: '1', B_2: 'x y' }), ['env', 'A=1', 'B_2=x y', 'run']);
  assert.deepEqual(withEnv(['run']), ['run']);
  assert.throws(() => withEnv(['run'], { 'A=B': '1' }), /invalid environment variable name/);
});

test('redactArgv hides secret option values for logs, nothing else', () => {
  const a = argv.set('qemu', 9000, { ciuser: 'admin', cipassword: 's3cret', sshkeys: 'ssh-ed25519%20AAAA' });
  assert.deepEqual(redactArgv(a ?? []), ['qm', 'set', '9000', '--ciuser', 'admin', '--cipassword', '***', '--sshkeys', 'ssh-ed25519%20AAAA']);
  assert.deepEqual(a?.[6], 's3cret');
});

test('a positional that pct/qm would read as an option is refused, not passed on', () => {
  assert.throws(() => argv.snapshot('lxc', 100, '--description'), /read as an option/);
  assert.throws(() => argv.delsnapshot('qemu', 100, '-x'), /read as an option/);
  assert.deepEqual(argv.snapshot('lxc', 100, 'final-form'), ['pct', 'snapshot', '100', 'final-form']);
});
