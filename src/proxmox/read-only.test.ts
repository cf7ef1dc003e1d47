// readOnlyDriver: a dry run cannot mutate, by construction. Every mutating method refuses
// without reaching the inner driver; every read passes through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MutationRefused, type ProxmoxDriver, readOnlyDriver } from './driver.js';
import { PveCliDriver } from './cli/driver.js';
import type { ExecRequest } from './exec/types.js';
import type { HostFiles } from './hostfiles/types.js';

const MUTATIONS: Array<[keyof ProxmoxDriver, unknown[]]> = [
  ['create', ['lxc', 100, {}, 'local:vztmpl/x.tar.zst']],
  ['clone', ['lxc', 100, 101, {}]],
  ['set', ['lxc', 100, { memory: 1 }]],
  ['resize', ['lxc', 100, 'rootfs', '+1G']],
  ['start', ['lxc', 100]],
  ['stop', ['lxc', 100]],
  ['shutdown', ['lxc', 100, 10]],
  ['reboot', ['lxc', 100]],
  ['destroy', ['lxc', 100]],
  ['template', ['lxc', 100]],
  ['snapshot', ['lxc', 100, 's']],
  ['delsnapshot', ['lxc', 100, 's']],
  ['rollback', ['lxc', 100, 's']],
  ['importDisk', [100, '/x.qcow2', 'local-lvm']],
  ['cloudinitUpdate', [100]],
  ['push', ['lxc', 100, '/tmp/x', '/x']],
  ['setRawLxc', [100, [['lxc.a', '1']]]],
  ['writeFirewall', [100, 'x']],
  ['downloadUrl', [{ storage: 'local', url: 'https://example.com/x.qcow2', filename: 'x.qcow2', content: 'import' }]],
];

function recordingDriver() {
  const calls: string[][] = [];
  const fileOps: string[] = [];
  const hostFiles: HostFiles = {
    root: '/etc/pve',
    read: async (p) => (fileOps.push(`read ${p}`), p.endsWith('.conf') ? 'arch: amd64\n' : null),
    write: async (p) => void fileOps.push(`write ${p}`),
    remove: async (p) => void fileOps.push(`remove ${p}`),
    readDir: async (d) => (fileOps.push(`readDir ${d}`), new Map([['100.conf', 'arch: amd64\ntemplate: 1\n']])),
  };
  const inner = new PveCliDriver(
    async (req: ExecRequest) => {
      calls.push(req.argv);
      const stdout = req.argv[1] === 'status' ? 'status: running\n' : req.argv[1] === 'guest' ? '{"exited":1,"exitcode":0}' : '';
      return { argv: req.argv, exitCode: 0, stdout, stderr: '', durationMs: 1, timedOut: false, isCanceled: false };
    },
    { node: 'pve', hostFiles },
  );
  return { inner, calls, fileOps };
}

test('the wrapped driver actually mutates (so the refusals below mean something)', async () => {
  const { inner, calls, fileOps } = recordingDriver();
  for (const [m, args] of MUTATIONS) await (inner[m] as (...a: unknown[]) => Promise<unknown>)(...args);
  assert.ok(calls.length >= MUTATIONS.length - 2);
  assert.ok(fileOps.some((o) => o.startsWith('write')));
});

for (const [m, args] of MUTATIONS) {
  test(`readOnlyDriver refuses ${m}`, async () => {
    const { inner, calls, fileOps } = recordingDriver();
    const ro = readOnlyDriver(inner);
    await assert.rejects((ro[m] as (...a: unknown[]) => Promise<unknown>)(...args), (e) => e instanceof MutationRefused && e.operation === m);
    assert.deepEqual(calls, []);
    assert.deepEqual(
      fileOps.filter((o) => !o.startsWith('read')),
      [],
    );
  });
}

test('readOnlyDriver passes reads through', async () => {
  const { inner, calls } = recordingDriver();
  const ro = readOnlyDriver(inner);
  assert.equal(ro.node, 'pve');
  assert.equal((await ro.status('lxc', 100))?.status, 'running');
  await ro.config('qemu', 100);
  await ro.list();
  await ro.listSnapshots('lxc', 100);
  await ro.readFirewall(100);
  await ro.exec('qemu', 100, ['true']);
  assert.equal(await ro.agentPing(100), true);
  assert.deepEqual(
    calls.map((a) => a.slice(0, 3)),
    [
      ['pct', 'status', '100'],
      ['qm', 'config', '100'],
      ['pct', 'list'],
      ['qm', 'list'],
      ['pct', 'listsnapshot', '100'],
      ['qm', 'guest', 'exec'],
      ['qm', 'guest', 'cmd'],
    ],
  );
});

test('readOnlyDriver passes the bulk read (inventory) through', async () => {
  const { inner, calls, fileOps } = recordingDriver();
  const inv = await readOnlyDriver(inner).inventory();
  // pvesh printed no rows here, so each guest's status is read on its own.
  assert.deepEqual(
    inv?.guests.map((g) => [g.type, g.vmid, g.status.status]),
    [
      ['lxc', 100, 'running'],
      ['qemu', 100, 'running'],
    ],
  );
  assert.deepEqual(
    calls.map((a) => a.slice(0, 3)),
    [
      ['pvesh', 'get', '/cluster/resources'],
      ['pct', 'status', '100'],
      ['qm', 'status', '100'],
    ],
  );
  assert.deepEqual(fileOps.filter((o) => o.startsWith('readDir')).sort(), ['readDir nodes/pve/lxc', 'readDir nodes/pve/qemu-server']);
});
