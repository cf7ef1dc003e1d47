// The one restart a converge may do: only for a running guest, only when a change needs it (or a
// restart is still owed from a run that was killed after `set`), cleared once done.

import type { GuestType } from '../../proxmox/types.js';
import type { WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

/** Restart a running guest once when a change needs it (or a restart is still owed from a killed run). */
export async function restartIfOwed(type: GuestType, vmid: number, restart: boolean, running: boolean, rec: StepRecorder, ctx: WorkflowContext): Promise<void> {
  if (!running || !(restart || ctx.pending.has(vmid))) return;
  await rec.step('restart', '!', `${type === 'qemu' ? 'reboot' : 'restart'} ${vmid}`, { reason: `a change applies only at ${type === 'qemu' ? 'boot' : 'start'}` }, async () => {
    await ctx.driver.reboot(type, vmid);
    ctx.pending.clear(vmid);
  });
}
