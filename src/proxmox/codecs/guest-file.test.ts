// The config-file codec against file texts written as Proxmox writes them, including the corners
// of its own parsers (parse_pct_config, parse_vm_config) that the simulator does not produce.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configView, parseGuestFile, parsePendingDelete, pendingView, snapshotsView } from './guest-file.js';

const CT = [
  '#web%3A front',
  '#second line',
  'arch: amd64',
  'hostname: web',
  'memory: 512',
  'nameserver: 1.1.1.1',
  'onboot: 0',
  'parent: snap2',
  'lxc.apparmor.profile: unconfined',
  'lxc.cap.drop: ',
  'lxc.mount.entry = /a b none bind 0 0',
  'lxc.environment.runtime: A=1',
  '',
  '[pve:pending]',
  'delete: nameserver,!onboot;searchdomain',
  'features: nesting=1',
  'memory: 1024',
  '',
  '[snap1]',
  '#first%0Aignored',
  'hostname: web',
  'snaptime: 1700000000',
  '',
  '[snap2]',
  'hostname: web',
  'parent: snap1',
  'snaptime: 1700000100',
  '',
  '[PENDING]',
  'hostname: web',
  'snaptime: 1600000000',
].join('\n');

test('LXC: options, raw lines in file order, the description with a newline per comment line', () => {
  const f = parseGuestFile('lxc', CT);
  assert.equal(f.current.options.description, 'web: front\nsecond line\n');
  assert.deepEqual(f.current.rawLxc, [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cap.drop', ''],
    ['lxc.mount.entry', '/a b none bind 0 0'],
  ]);
  assert.deepEqual(
    [...(f.pending?.delete ?? [])],
    [
      ['nameserver', false],
      ['onboot', true],
      ['searchdomain', false],
    ],
  );
  // `[PENDING]` is not LXC's pending heading: Proxmox reads it as a snapshot of that name.
  assert.deepEqual(Object.keys(f.snapshots), ['snap1', 'snap2', 'PENDING']);
});

test('LXC: config applies pending values and deletions (a "0" value survives, as in Perl)', () => {
  const c = configView('lxc', parseGuestFile('lxc', CT));
  assert.equal(c.options.memory, '1024');
  assert.equal(c.options.features, 'nesting=1');
  assert.equal(c.options.nameserver, undefined);
  assert.equal(c.options.onboot, '0');
});

test('LXC: pending lists a deletion only of an option that has a value, new values otherwise', () => {
  assert.deepEqual(pendingView(parseGuestFile('lxc', CT)), [
    { key: 'features', change: 'set' },
    { key: 'memory', change: 'set' },
    { key: 'nameserver', change: 'delete' },
    { key: 'onboot', change: 'delete' },
  ]);
});

test('snapshots: the tree in print order, first description line, parents that exist', () => {
  assert.deepEqual(snapshotsView(parseGuestFile('lxc', CT)), [
    { name: 'PENDING', snaptime: 1600000000 },
    { name: 'snap1', snaptime: 1700000000, description: 'first' },
    { name: 'snap2', parent: 'snap1', snaptime: 1700000100 },
  ]);
});

test('QEMU: [PENDING], special sections skipped, description trimmed, cipassword masked', () => {
  const text = ['#line one', '#line two', '#', 'cipassword: $5$abc$def', 'cores: 1', 'agent: 1', 'name: vm', '', '[PENDING]', 'cores: 2', 'delete: agent', '', '[special:cloudinit]', 'cipassword: $5$abc$def', 'name: old', '', '[before]', 'cores: 1', 'snaptime: 5', 'vmstate: local-lvm:vm-100-state-before'].join('\n');
  const f = parseGuestFile('qemu', text);
  assert.equal(f.current.options.description, 'line one\nline two');
  const c = configView('qemu', f);
  assert.deepEqual(c.options, { description: 'line one\nline two', cipassword: '**********', cores: '2', name: 'vm' });
  assert.deepEqual(pendingView(f), [
    { key: 'agent', change: 'delete' },
    { key: 'cores', change: 'set' },
  ]);
  assert.deepEqual(snapshotsView(f), [{ name: 'before', snaptime: 5 }]);
  assert.deepEqual(c.rawLxc, []);
});

test('pending delete lists: commas, semicolons, spaces, forced', () => {
  assert.deepEqual(
    [...parsePendingDelete(' a, !b;c  d')],
    [
      ['a', false],
      ['b', true],
      ['c', false],
      ['d', false],
    ],
  );
  assert.deepEqual([...parsePendingDelete(undefined)], []);
});
