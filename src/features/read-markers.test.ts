// readMarkers: every feature marker of a guest in one exec, run by a real shell in a simulated
// guest (and in a VM through the guest agent), with names only ever passed as arguments.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { selectDriver } from '../app/drivers/select.js';
import type { ExecResult } from '../proxmox/exec/types.js';
import { existsSync } from 'node:fs';
import { buildMarker, digestOf, markerPath, readGuestState, readMarkers } from './marker.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phx-markers-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

async function guestWithMarkers(name: string) {
  const calls: ExecResult[] = [];
  const { driver: d } = await selectDriver({ driver: 'sim', env: { PHOENIX_SIM_STATE: join(dir, name), PATH: process.env.PATH }, configDir: dir, readOnly: false, onCall: (r) => calls.push(r) });
  await d.create('lxc', 101, { hostname: 'm', rootfs: 'local-lvm:2' }, TEMPLATE);
  await d.start('lxc', 101);
  const good = buildMarker('base', digestOf('echo hi', 'lib', 'x=1\n'), new Date(0));
  const write = (path: string, text: string) => d.exec('lxc', 101, ['sh', '-c', 'mkdir -p "${1%/*}" && cat > "$1"', 'sh', path], { input: text });
  await write(markerPath('base'), `${JSON.stringify(good)}\n`);
  await write(markerPath('other'), `${JSON.stringify(buildMarker('wrong-name', digestOf('a', 'b', 'c'), new Date(0)))}\n`);
  await write(markerPath('garbage'), 'not json\nbase present\n');
  return { d, calls, good };
}

test('readMarkers: present, absent, unreadable and wrong-name markers in one exec', async () => {
  const { d, calls, good } = await guestWithMarkers('a');
  calls.length = 0;
  const got = await readMarkers(d, { type: 'lxc', vmid: 101 }, ['base', 'missing', 'other', 'garbage']);
  assert.deepEqual(
    [...got],
    [
      ['base', good],
      ['missing', null],
      ['other', 'unreadable'],
      ['garbage', 'unreadable'],
    ],
  );
  assert.equal(calls.length, 1);
  const argv = calls[0].argv;
  // The script is fixed; the names are its arguments, after a per-call tag.
  assert.deepEqual(argv.slice(0, 5), ['pct', 'exec', '101', '--', 'sh']);
  assert.deepEqual(argv.slice(-4), ['base', 'missing', 'other', 'garbage']);
  assert.ok(!argv[6].includes('base'));
});

test('readMarkers: no names is no call; a name that is not a feature name is refused before any call', async () => {
  const { d, calls } = await guestWithMarkers('b');
  calls.length = 0;
  assert.deepEqual(await readMarkers(d, { type: 'lxc', vmid: 101 }, []), new Map());
  await assert.rejects(readMarkers(d, { type: 'lxc', vmid: 101 }, ['../../etc/passwd']), /not a feature name/);
  await assert.rejects(readMarkers(d, { type: 'lxc', vmid: 101 }, ['a;reboot']), /not a feature name/);
  assert.equal(calls.length, 0);
});

test('readMarkers: a stopped guest throws what exec throws (the caller says "guest not reachable")', async () => {
  const { d } = await guestWithMarkers('c');
  await d.stop('lxc', 101);
  await assert.rejects(readMarkers(d, { type: 'lxc', vmid: 101 }, ['base']), /not running/);
});

test('readMarkers: output cut short is an error, not "absent"', async () => {
  const fake = {
    exec: async () => ({ exitCode: 0, stdout: 'partial', stderr: '' }),
  } as unknown as Parameters<typeof readMarkers>[0];
  await assert.rejects(readMarkers(fake, { type: 'qemu', vmid: 200 }, ['base']), /VM 200 failed/);
});

test('readMarkers: a VM through the guest agent, one guest exec', async () => {
  const calls: ExecResult[] = [];
  const { driver: d } = await selectDriver({ driver: 'sim', env: { PHOENIX_SIM_STATE: join(dir, 'vm'), PATH: process.env.PATH }, configDir: dir, readOnly: false, onCall: (r) => calls.push(r) });
  await d.create('qemu', 200, { name: 'vm', memory: 512, agent: 1 });
  await d.start('qemu', 200);
  calls.length = 0;
  assert.deepEqual(
    [...(await readMarkers(d, { type: 'qemu', vmid: 200 }, ['base', 'x']))],
    [
      ['base', null],
      ['x', null],
    ],
  );
  assert.deepEqual(calls.filter((c) => c.argv[2] === 'exec').length, 1);
});

test('readGuestState: markers, the run area and one attempt of each command check in one exec; check argvs stay arguments', async () => {
  const { d, calls, good } = await guestWithMarkers('checks');
  calls.length = 0;
  const checks = [
    { argv: ['sh', '-c', 'echo "up: $1"', 'sh', '$(touch /tmp/pwned) a b'], timeoutSec: 5 },
    { argv: ['/bin/sh', '-c', '--', 'echo failing >&2; exit 3'], timeoutSec: 5 },
    { argv: ['test', '-f', markerPath('base')], timeoutSec: 5 },
  ];
  const got = await readGuestState(d, { type: 'lxc', vmid: 101 }, ['base', 'missing'], { checks });
  assert.equal(calls.length, 1, 'one exec for all of it');
  assert.deepEqual(
    [...got.markers],
    [
      ['base', good],
      ['missing', null],
    ],
  );
  assert.deepEqual(got.runArea, []);
  assert.deepEqual(got.checks, [
    { exitCode: 0, output: 'up: $(touch /tmp/pwned) a b\n' },
    { exitCode: 3, output: 'failing\n' },
    { exitCode: 0, output: '' },
  ]);
  const probe = await d.exec('lxc', 101, ['test', '-e', '/tmp/pwned']);
  assert.equal(probe.exitCode, 1, 'a check argument was run as shell text');
});

test('readGuestState: a check that outlives its time limit reads as failed (124), the rest still run', { skip: !process.env.PATH?.split(':').some((p) => existsSync(join(p, 'timeout'))) && 'needs coreutils timeout' }, async () => {
  const { d } = await guestWithMarkers('slow');
  const got = await readGuestState(d, { type: 'lxc', vmid: 101 }, ['base'], {
    checks: [
      { argv: ['sleep', '5'], timeoutSec: 1 },
      { argv: ['true'], timeoutSec: 1 },
    ],
  });
  assert.deepEqual(
    got.checks.map((c) => c.exitCode),
    [124, 0],
  );
});
