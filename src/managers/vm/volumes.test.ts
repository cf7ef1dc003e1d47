import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VmGuest } from '../../model/guest.js';
import type { PlanContext } from '../context.js';
import { StepRecorder } from '../recorder.js';
import { World } from '../world.js';
import { applyNfsVolume, fstabLine, planNfsVolumes } from './volumes.js';

const vol = { kind: 'nfs' as const, name: 'data', server: '10.0.0.13', path: '/export/x', mountPoint: '/data' };
const guest = { id: 1001, kind: 'vm', volumes: [vol] } as unknown as VmGuest;

/** A world where VM 1001 runs with this /etc/fstab (undefined: stopped, so not readable yet). */
function planned(fstab: string | undefined) {
  const w = new World('pve');
  w.guests.set(1001, {
    type: 'qemu',
    status: { vmid: 1001, type: 'qemu', status: fstab === undefined ? 'stopped' : 'running', template: false },
    config: { options: {}, rawLxc: [] },
    pending: [],
    snapshots: [],
    firewall: null,
    markers: { known: true, value: new Map() },
    runArea: { known: true, value: [] },
    fstab: fstab === undefined ? { known: false, why: 'stopped' } : { known: true, value: fstab },
  });
  const ctx = { reader: w.reader(), world: w } as unknown as PlanContext;
  return { rec: new StepRecorder(w), ctx };
}

function fakeDriver(mountExit = 0) {
  const calls: string[][] = [];
  const driver = {
    exec: async (_t: string, _id: number, argv: string[]) => {
      calls.push(argv);
      if (argv[0] === 'mount') return { exitCode: mountExit, stdout: '', stderr: 'mount.nfs: Connection refused' };
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  return { ctx: { driver, signal: new AbortController().signal } as never, calls };
}

test('a missing NFS volume is planned from the observed fstab, then added with the values as arguments and mounted', async () => {
  const { rec, ctx } = planned('proc /proc proc defaults 0 0\n');
  await planNfsVolumes(guest, rec, ctx);
  assert.equal(rec.steps[0]!.symbol, '+');
  assert.equal(rec.steps[0]!.summary, 'nfs 10.0.0.13:/export/x on /data');
  assert.deepEqual(rec.steps[0]!.action, { kind: 'nfs', vmid: 1001, mountPoint: '/data', line: fstabLine(vol) });
  const d = fakeDriver();
  assert.equal(await applyNfsVolume(1001, '/data', fstabLine(vol), d.ctx), 'done');
  assert.equal(d.calls[0]![0], '/bin/sh');
  assert.deepEqual(d.calls[0]!.slice(3), ['sh', '/data', fstabLine(vol)]); // never interpolated into the script
  assert.ok(!d.calls[0]![2]!.includes('10.0.0.13'));
  assert.deepEqual(d.calls[1], ['mount', '/data']);
});

test('a volume already in fstab plans nothing', async () => {
  const { rec, ctx } = planned(`${fstabLine(vol)}\n`);
  await planNfsVolumes(guest, rec, ctx);
  assert.equal(rec.changed(), false);
});

test('a VM stopped at plan time: the line is written at apply (its fstab is known only then)', async () => {
  const { rec, ctx } = planned(undefined);
  await planNfsVolumes(guest, rec, ctx);
  assert.equal(rec.steps[0]!.symbol, '+');
  assert.match(rec.steps[0]!.reason!, /read once the VM runs/);
});

test('a mount that fails now is reported in the outcome, not a failure (nofail mounts at boot)', async () => {
  const d = fakeDriver(32);
  assert.match(await applyNfsVolume(1001, '/data', fstabLine(vol), d.ctx), /in \/etc\/fstab, but mounting now failed: mount.nfs: Connection refused/);
});
