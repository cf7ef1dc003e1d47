// The start of every workflow: finish (or undo) what a killed run left half-done, then adopt
// the guest if it exists, or define it (create/clone, journaled so a kill mid-way is recovered).
// A guest that is a template on the host is only verified from then on.

import type { Guest } from '../../model/guest.js';
import type { GuestStatus, GuestType } from '../../proxmox/types.js';
import type { WorkflowContext } from '../context.js';
import { journaled } from '../inflight.js';
import type { StepRecorder } from '../recorder.js';
import { recoverInterrupted } from './recover.js';

export interface Defined {
  /** Observed status after defining (null in plan mode for a guest that would be made). */
  status: GuestStatus | null;
  /** The guest was there before this run. */
  existed: boolean;
  /** It is a template on the host: the workflow stops at verifying it. */
  templateOnHost: boolean;
}

export async function observeOrDefine(
  type: GuestType,
  g: Guest,
  rec: StepRecorder,
  ctx: WorkflowContext,
  define: () => Promise<void>,
): Promise<Defined> {
  let status = await recoverInterrupted(type, g.id, await ctx.driver.status(type, g.id), rec, ctx);
  const existed = status !== null;
  if (status?.template) {
    rec.note('verify', `template ${g.id} exists`);
    if (!g.isTemplate) rec.notes.push(`${type === 'lxc' ? 'CT' : 'VM'} ${g.id} is a template on the host but not in the config (left as it is)`);
    return { status, existed, templateOnHost: true };
  }
  if (!status) {
    if (!ctx.apply) {
      await define();
      return { status, existed, templateOnHost: false };
    }
    await journaled(ctx.inflight, g.id, 'define', undefined, define);
    ctx.createdThisRun.add(g.id);
    status = await ctx.driver.status(type, g.id);
  }
  return { status, existed, templateOnHost: false };
}
