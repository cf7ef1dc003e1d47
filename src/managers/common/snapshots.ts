// Snapshots by exact name, created only when missing. When this converge changed the guest
// (config before `pre-configured`, or features before `final-form`), the snapshots that follow
// the change are retaken so they hold the new state; the others are left alone.

import type { GuestType } from '../../proxmox/types.js';
import type { WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';
import { journaled } from '../inflight.js';

export async function ensureSnapshot(
  type: GuestType,
  vmid: number,
  name: string,
  existing: ReadonlySet<string>,
  stale: boolean,
  rec: StepRecorder,
  ctx: WorkflowContext,
): Promise<void> {
  if (!existing.has(name)) {
    await rec.step('snapshot', '+', `snapshot ${name}`, { reason: 'missing' }, () =>
      journaled(ctx.inflight, vmid, 'snapshot', name, () => ctx.driver.snapshot(type, vmid, name, 'taken by phoenix')),
    );
    return;
  }
  if (!stale) {
    rec.note('snapshot', `snapshot ${name}`, 'exists');
    return;
  }
  await rec.step('snapshot', '~', `snapshot ${name} (retake)`, { reason: 'the guest changed since it was taken' }, async () => {
    await journaled(ctx.inflight, vmid, 'delsnapshot', name, () => ctx.driver.delsnapshot(type, vmid, name));
    await journaled(ctx.inflight, vmid, 'snapshot', name, () => ctx.driver.snapshot(type, vmid, name, 'taken by phoenix'));
  });
}
