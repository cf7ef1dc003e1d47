// The independent apidata checker itself: it must accept good calls and catch bad ones, or the
// conformance checks built on it prove nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haveApidata } from './apidata.js';
import { checkAgainstApidata } from './check-argv.js';

const skip = !haveApidata() && 'needs ../shared/pve/apidata-pve9.1.js (absent)';

test('good calls pass the apidata checker', { skip }, () => {
  for (const argv of [
    ['pct', 'create', '900', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', '--unprivileged', '1'],
    ['pct', 'set', '100', '--startup', 'order=2,up=5,down=5', '--features', 'nesting=1,keyctl=1'],
    ['qm', 'set', '1001', '--boot', 'order=scsi0;net0', '--net0', 'virtio=BC:24:11:00:00:E9,bridge=vmbr0,firewall=1', '--ipconfig0', 'ip=10.0.0.111/24,gw=10.0.0.1'],
    ['qm', 'disk', 'import', '9000', '/tmp/a.img', 'local-lvm', '--format', 'qcow2'],
    ['qm', 'guest', 'exec', '1001', '--timeout', '10', '--', '/bin/true'],
    ['pct', 'exec', '100', '--', 'ls', '-la'],
  ])
    assert.deepEqual(checkAgainstApidata(argv), [], argv.join(' '));
});

test('bad calls are caught', { skip }, () => {
  const cases: Array<[string[], RegExp]> = [
    [['pct', 'set', '100', '--memory', '8'], /memory="8": below minimum 16/],
    [['pct', 'set', '100', '--net0', 'name=eth0,fwgroup=x'], /net0: unknown sub-key 'fwgroup'/],
    [['pct', 'set', '100', '--net0', 'bridge=vmbr0'], /net0: required sub-key 'name' missing/],
    [['qm', 'set', '100', '--boot', 'scsi0'], /boot\.legacy="scsi0": does not match/],
    [['qm', 'set', '100', '--startup', 'order=x'], /startup\.order="x": does not match/],
    [['qm', 'set', '100', '--scsi31', 'local:1'], /unknown option --scsi31/],
    [['pct', 'resize', '100', 'rootfs'], /missing argument <size>/],
    [['qm', 'disk', 'import', '9000', '/a', 'local', '--format', 'qcow'], /format="qcow": not in enum/],
    [['pct', 'set', '100', '--hostname', 'bad_name'], /not a valid dns-name/],
  ];
  for (const [argv, re] of cases) assert.match(checkAgainstApidata(argv).join('\n'), re, argv.join(' '));
});
