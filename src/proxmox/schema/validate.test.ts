import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkArgv, readOnlyAfterCreate, validateCommand } from './validate.js';
import { formatParamError } from './format-error.js';
import { parseCliArgs } from './cli-args.js';
import { getCommand, usageLine } from './commands.js';

const stderrOf = (tool: 'pct' | 'qm', argv: string[]) => {
  const r = checkArgv(tool, argv);
  return r.errors.length ? formatParamError(r.errors, r.usage) : '';
};

test('a valid create is accepted and parsed into named parameters', () => {
  const r = checkArgv('pct', ['create', '900', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--hostname', 'web', '--memory', '2048', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', '--unprivileged', '--features', 'nesting=1']);
  assert.deepEqual(r.errors, []);
  assert.equal(r.params.ostemplate, 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
  assert.equal(r.params.unprivileged, '1');
});

test('range, type and enum errors use Proxmox wording and the CLI block format', () => {
  assert.equal(stderrOf('pct', ['set', '100', '--memory', '8']), '400 Parameter verification failed.\nmemory: value must have a minimum value of 16\npct set <vmid> [OPTIONS]\n');
  assert.equal(stderrOf('pct', ['set', '100', '--cores', 'abc']), "400 Parameter verification failed.\ncores: type check ('integer') failed - got 'abc'\npct set <vmid> [OPTIONS]\n");
  assert.equal(stderrOf('qm', ['set', '100', '--scsihw', 'foo']), "400 Parameter verification failed.\nscsihw: value 'foo' does not have a value in the enumeration 'lsi, lsi53c810, virtio-scsi-pci, virtio-scsi-single, megasas, pvscsi'\nqm set <vmid> [OPTIONS]\n");
});

test('property-string errors: syntax die vs sub-key format errors', () => {
  assert.equal(stderrOf('pct', ['set', '100', '--net0', 'name=eth0,fwgroup=x']), '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.fwgroup: property is not defined in schema and the schema does not allow additional properties\n\npct set <vmid> [OPTIONS]\n');
  assert.equal(stderrOf('qm', ['set', '100', '--boot', 'scsi0']), '400 Parameter verification failed.\nboot: invalid format - format error\nboot.legacy: value does not match the regex pattern\n\nqm set <vmid> [OPTIONS]\n');
  const r = checkArgv('pct', ['set', '100', '--net0', 'name=eth0,tag=5000', '--mp0', 'local:8']);
  assert.deepEqual(
    r.errors.map((e) => e.param),
    ['mp0', 'net0'],
  );
  assert.match(r.errors[0].message, /mp0\.mp: property is missing and it is not optional/);
  assert.match(r.errors[1].message, /net0\.tag: value must have a maximum value of 4094/);
});

test('named-format verifiers use the texts of pve-container / qemu-server', () => {
  const msg = (tool: 'pct' | 'qm', argv: string[]) =>
    checkArgv(tool, argv)
      .errors.map((e) => `${e.param}: ${e.message}`)
      .join('');
  assert.equal(msg('qm', ['set', '100', '--boot', 'order=scsi0;efidisk0']), "boot: invalid format - format error\nboot.order: invalid format - invalid boot device 'efidisk0'\n\n");
  assert.equal(msg('qm', ['set', '100', '--boot', 'order=scsi0;net0;hostpci1']), '');
  // The format accepts efidisk0, the option's own pattern does not.
  assert.equal(msg('qm', ['set', '100', '--bootdisk', 'efidisk0']), 'bootdisk: value does not match the regex pattern');
  assert.equal(msg('qm', ['set', '100', '--bootdisk', 'net0']), "bootdisk: invalid format - invalid boot disk 'net0'\n");
  assert.equal(msg('qm', ['set', '100', '--hotplug', 'disk,network,cdrom']), "hotplug: invalid format - invalid hotplug feature 'cdrom'\n");
  assert.match(msg('pct', ['set', '100', '--mp0', '/srv/../etc,mp=/data']), /mp0\.volume: invalid format - \/srv\/\.\.\/etc contains illegal character sequences/);
  assert.equal(msg('pct', ['set', '100', '--mp0', '/srv/..data,mp=/data']), '');
  assert.match(msg('pct', ['set', '100', '--dev0', '/tmp/x']), /dev0\.path: invalid format - \/tmp\/x is not a valid device path/);
  assert.match(msg('pct', ['set', '100', '--net0', 'name=eth0,hwaddr=01:00:00:00:00:01']), /net0\.hwaddr: invalid format - value does not look like a valid unicast MAC address/);
  assert.match(msg('pct', ['set', '100', '--rootfs', 'local-lvm:8,size=8X']), /rootfs\.size: invalid format - value does not look like a valid disk size: 8X/);
  assert.equal(msg('qm', ['set', '100', '--force']), "delete: missing property - 'force' requires this property");
});

test('CLI-level failures: unknown option, missing and extra arguments, bad boolean', () => {
  assert.equal(stderrOf('pct', ['set', '100', '--foo', '1']), 'Unknown option: foo\n400 unable to parse option\npct set <vmid> [OPTIONS]\n');
  assert.equal(stderrOf('pct', ['resize', '100', 'rootfs']), '400 not enough arguments\npct resize <vmid> <disk> <size> [OPTIONS]\n');
  assert.equal(stderrOf('pct', ['start', '100', '101']), '400 too many arguments\npct start <vmid> [OPTIONS]\n');
  assert.equal(stderrOf('pct', ['set', '100', '--onboot', 'maybe']), '400 unable to parse boolean option\npct set <vmid> [OPTIONS]\n');
  assert.equal(stderrOf('pct', ['listsnapshot']), '400 not enough arguments\npct listsnapshot <vmid>\n');
  // Indexed options stop at their maximum index.
  assert.match(stderrOf('qm', ['set', '100', '--scsi31', 'local:1']), /^Unknown option: scsi31\n400 unable to parse option/);
  assert.equal(stderrOf('qm', ['set', '100', '--scsi30', 'local:1']), '');
});

test('Getopt syntax: -key, --key=value, unique prefixes, bare booleans, -- for exec', () => {
  const r = checkArgv('pct', ['set', '100', '-memory', '1024', '--swap=0', '--onb']);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.params, { vmid: '100', memory: '1024', swap: '0', onboot: '1' });
  // Like Getopt's `onboot:s`, a bare boolean swallows the next non-option word.
  assert.equal(stderrOf('pct', ['set', '--onboot', '100']), '400 not enough arguments\npct set <vmid> [OPTIONS]\n');
  const e = checkArgv('pct', ['exec', '101', '--', 'ls', '-la']);
  assert.deepEqual([e.params.vmid, e.extraArgs], ['101', ['ls', '-la']]);
  assert.match(stderrOf('pct', ['exec', '101', 'ls', '-la']), /^Unknown option: la\n400 unable to parse option/);
  const g = checkArgv('qm', ['guest', 'exec', '1001', '--timeout', '60', '--', '/bin/bash', '-c', 'true']);
  assert.deepEqual([g.params.timeout, g.extraArgs], ['60', ['/bin/bash', '-c', 'true']]);
});

test('aliases resolve: importdisk, resize, agent', () => {
  assert.equal(checkArgv('qm', ['importdisk', '9000', '/tmp/a.img', 'local-lvm']).spec?.name, 'disk import');
  assert.equal(checkArgv('qm', ['resize', '9000', 'scsi0', '+2G']).errors.length, 0);
  assert.equal(checkArgv('qm', ['agent', '1001', 'ping']).params.command, 'ping');
  assert.match(stderrOf('qm', ['agent', '1001', 'pong']), /command: value 'pong' does not have a value in the enumeration/);
});

test('validateCommand works on pre-split arguments', () => {
  const { params, positionals } = parseCliArgs(['100', '--memory', '4096', '--onboot'], new Set(['onboot']));
  assert.deepEqual(validateCommand('pct', 'set', params, positionals), []);
  assert.deepEqual(
    validateCommand('pct', 'set', { bogus: '1' }, ['100']).map((e) => e.message),
    ['Unknown option: bogus', 'unable to parse option'],
  );
  assert.deepEqual(validateCommand('pct', 'set', { hostname: 'bad_name' }, ['100']), [{ param: 'hostname', message: 'invalid format - value does not look like a valid DNS name\n' }]);
});

test('usage lines follow the synopsis', () => {
  assert.equal(usageLine(getCommand('pct', 'create')!), 'pct create <vmid> <ostemplate> [OPTIONS]');
  assert.equal(usageLine(getCommand('pct', 'exec')!), 'pct exec <vmid> [<extra-args>] [OPTIONS]');
  assert.equal(usageLine(getCommand('qm', 'importdisk')!), 'qm disk import <vmid> <source> <storage> [OPTIONS]');
  assert.equal(usageLine(getCommand('pct', 'list')!), 'pct list');
});

test('unprivileged is read-only after create', () => {
  assert.equal(readOnlyAfterCreate('pct', 'set', { unprivileged: '1' }), "unable to modify read-only option: 'unprivileged'");
  assert.equal(readOnlyAfterCreate('pct', 'set', { memory: '1' }), undefined);
  assert.equal(readOnlyAfterCreate('pct', 'create', { unprivileged: '1' }), undefined);
});
