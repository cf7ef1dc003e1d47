// Snapshots by exact name, created only when missing. When this converge changes the guest
// (config before `pre-configured`, or features before `final-form`), the snapshots that follow
// the change are retaken so they hold the new state; the others are left alone. When whether a
// feature runs is only known at apply (the guest was stopped at plan time), the retake is too.

import type { GuestType } from '../../proxmox/types.js';
import type { StepRecorder } from '../recorder.js';

export type Staleness = boolean | 'if-features-ran';

export function planSnapshot(type: GuestType, vmid: number, name: string, existing: ReadonlySet<string>, stale: Staleness, rec: StepRecorder): void {
  if (!existing.has(name)) {
    rec.step('snapshot', '+', `snapshot ${name}`, { reason: 'missing' }, { kind: 'snapshot', type, vmid, name, retake: false });
    return;
  }
  if (stale === false) {
    rec.note('snapshot', `snapshot ${name}`, 'exists');
    return;
  }
  const atApply = stale === 'if-features-ran';
  rec.step(
    'snapshot',
    '~',
    `snapshot ${name} (retake${atApply ? ' if a feature runs' : ''})`,
    {
      reason: atApply ? 'a feature decided at apply may change the guest (known after apply)' : 'the guest changed since it was taken',
    },
    { kind: 'snapshot', type, vmid, name, retake: true, ...(atApply ? { atApply: 'if-features-ran' as const } : {}) },
  );
}
