// The one restart a converge may do: only for a running guest, and only when a change needs it.
// What Proxmox itself has queued (`pct/qm pending`: a change made by an earlier run, a manual
// `pct set`, another checkout) is read from the host; the local marker adds the changes Proxmox
// applies at once but the guest only sees at its next start (a CT's hostname, raw lxc lines) and
// survives a run killed between `set` and the restart. A guest found stopped owes nothing: its
// next start applies every pending change. With --no-reboot the restart is not planned: the plan
// says what stays pending.

import type { GuestType } from '../../proxmox/types.js';
import type { PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

export async function planRestart(type: GuestType, vmid: number, restart: boolean, running: boolean, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  if (!running) return;
  const queued = await ctx.reader.pending(type, vmid);
  if (!(restart || queued.length || ctx.pending.has(vmid))) return;
  const when = type === 'qemu' ? 'boot' : 'start';
  const reason = queued.length ? `Proxmox has changes pending until the next ${when}: ${queued.map((q) => (q.change === 'delete' ? `-${q.key}` : q.key)).join(', ')}` : `a change applies only at ${when}`;
  if (ctx.noReboot) {
    rec.notes.push(`not restarted (--no-reboot): pending until the next ${when} (${reason})`);
    return;
  }
  rec.step('restart', '!', `${type === 'qemu' ? 'reboot' : 'restart'} ${vmid}`, { reason }, { kind: 'restart', type, vmid });
}
