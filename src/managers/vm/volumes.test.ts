import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VmGuest } from '../../model/guest.js';
import type { WorkflowContext } from '../context.js';
import { memoryRestarts } from '../pending.js';
import { StepRecorder } from '../recorder.js';
import { ensureNfsVolumes, fstabLine } from './volumes.js';

const vol = { kind: 'nfs' as const, name: 'data', server: '10.0.0.13', path: '/export/x', mountPoint: '/data' };
const guest = { id: 1001, kind: 'vm', volumes: [vol] } as unknown as VmGuest;

function fakeCtx(fstab: string, apply: boolean, mountExit = 0) {
  const calls: string[][] = [];
  const driver = {
    exec: async (_t: string, _id: number, argv: string[]) => {
      calls.push(argv);
      if (argv[0] === 'cat') return { exitCode: 0, stdout: fstab, stderr: '' };
      if (argv[0] === 'mount') return { exitCode: mountExit, stdout: '', stderr: 'mount.nfs: Connection refused' };
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  const ctx = { driver, apply, signal: new AbortController().signal, emit: () => {}, pending: memoryRestarts() } as unknown as WorkflowContext;
  return { ctx, calls };
}

test('a missing NFS volume is added to fstab with the values as arguments, then mounted', async () => {
  const { ctx, calls } = fakeCtx('proc /proc proc defaults 0 0\n', true);
  const rec = new StepRecorder(ctx);
  await ensureNfsVolumes(guest, rec, ctx, true);
  assert.deepEqual(calls[0], ['cat', '/etc/fstab']);
  assert.equal(calls[1][0], '/bin/sh');
  assert.deepEqual(calls[1].slice(3), ['sh', '/data', fstabLine(vol)]); // never interpolated into the script
  assert.ok(!calls[1][2].includes('10.0.0.13'));
  assert.deepEqual(calls[2], ['mount', '/data']);
  assert.equal(rec.steps[0].symbol, '+');
});

test('a volume already in fstab is only read', async () => {
  const { ctx, calls } = fakeCtx(`${fstabLine(vol)}\n`, true);
  const rec = new StepRecorder(ctx);
  await ensureNfsVolumes(guest, rec, ctx, true);
  assert.deepEqual(calls, [['cat', '/etc/fstab']]);
  assert.equal(rec.changed(), false);
});

test('a mount that fails now is reported as a note, not a failure (nofail mounts at boot)', async () => {
  const { ctx } = fakeCtx('', true, 32);
  const rec = new StepRecorder(ctx);
  await ensureNfsVolumes(guest, rec, ctx, true);
  assert.match(rec.notes.join('\n'), /\/data: in \/etc\/fstab, but mounting now failed: mount.nfs: Connection refused/);
});

test('plan mode only reads', async () => {
  const { ctx, calls } = fakeCtx('', false);
  const rec = new StepRecorder(ctx);
  await ensureNfsVolumes(guest, rec, ctx, true);
  assert.deepEqual(calls, [['cat', '/etc/fstab']]);
  assert.equal(rec.steps[0].summary, 'nfs 10.0.0.13:/export/x on /data');
});
