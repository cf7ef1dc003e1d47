// The one restart a converge may do: only for a running guest, and only when a change needs it.
// What Proxmox itself has queued (`pct/qm pending`: a change made by this run, an earlier one, a
// manual `pct set`, another checkout) is read from the host; the local marker adds the changes
// Proxmox applies at once but the guest only sees at its next start (a CT's hostname, raw lxc
// lines) and survives a run killed between `set` and the restart. A guest found stopped owes
// nothing: its next start applies every pending change.

import type { GuestType } from '../../proxmox/types.js';
import type { WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

/** Restart a running guest once when a change needs it, Proxmox has changes pending, or a restart is still owed. */
export async function restartIfOwed(type: GuestType, vmid: number, restart: boolean, running: boolean, rec: StepRecorder, ctx: WorkflowContext): Promise<void> {
  if (!running) {
    if (ctx.apply && ctx.pending.has(vmid)) ctx.pending.clear(vmid);
    return;
  }
  const queued = await ctx.driver.pending(type, vmid);
  if (!(restart || queued.length || ctx.pending.has(vmid))) return;
  const when = type === 'qemu' ? 'boot' : 'start';
  const reason = queued.length
    ? `Proxmox has changes pending until the next ${when}: ${queued.map((q) => (q.change === 'delete' ? `-${q.key}` : q.key)).join(', ')}`
    : `a change applies only at ${when}`;
  await rec.step('restart', '!', `${type === 'qemu' ? 'reboot' : 'restart'} ${vmid}`, { reason }, async () => {
    await ctx.driver.reboot(type, vmid);
    ctx.pending.clear(vmid);
  });
}
