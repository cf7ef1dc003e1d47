// The start of every workflow: finish (or undo) what a killed run left half-done, then adopt
// the guest if it exists, or define it (create/clone, journaled so a kill mid-way is recovered).
// A guest that is a template on the host is only verified from then on.

import type { Guest } from '../../model/guest.js';
import type { GuestConfig, GuestStatus, GuestType } from '../../proxmox/types.js';
import type { WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';
import { recoverInterrupted } from './recover.js';
import { restartIfOwed } from './restart.js';

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
    // Not configured until the configure phase says so: a clone carries its source's address.
    ctx.unconfigured?.add(g.id, 'defined; configuration not applied yet');
    // A CT clone names its source: the `lock: disk` a killed clone leaves there is then known ours.
    ctx.inflight?.begin(g.id, 'define', undefined, g.name, type === 'lxc' ? g.cloneFrom : undefined);
    await define();
    ctx.inflight?.end(g.id);
    ctx.createdThisRun.add(g.id);
    status = await ctx.driver.status(type, g.id);
  }
  return { status, existed, templateOnHost: false };
}

export interface ConfigureHooks {
  /** Compare and apply; returns whether a running guest needs a restart for what it changed. */
  configure: (cfg: GuestConfig, running: boolean) => Promise<boolean>;
  /** Plan mode: what a clone not made yet will carry from its source's config. */
  cloneBase: (source: GuestConfig) => GuestConfig;
  /** Plan mode: the config a create will produce (undefined: nothing to plan after it). */
  createBase?: () => GuestConfig;
}

/**
 * Apply the configuration as a diff (then the one restart it may need). In plan mode for a guest
 * not made yet, the diff is planned against what the clone or create will produce. Returns
 * whether an existing guest was changed (its later snapshots are then retaken).
 */
export async function configurePhase(
  type: GuestType,
  g: Guest,
  d: Defined,
  rec: StepRecorder,
  ctx: WorkflowContext,
  hooks: ConfigureHooks,
): Promise<boolean> {
  const cfg = d.status ? await ctx.driver.config(type, g.id) : null;
  const running = d.status?.status === 'running';
  if (cfg) {
    const restart = await hooks.configure(cfg, running);
    const changed = rec.changed() && d.existed;
    await restartIfOwed(type, g.id, restart, running, rec, ctx);
    if (ctx.apply) ctx.unconfigured?.clear(g.id);
    return changed;
  }
  if (g.cloneFrom !== undefined) {
    const src = await ctx.driver.config(type, g.cloneFrom);
    if (!src) rec.notes.push(`values after the clone are compared with ${g.cloneFrom}'s once it exists`);
    await hooks.configure(src ? hooks.cloneBase(src) : { options: {}, rawLxc: [] }, false);
  } else if (hooks.createBase) {
    await hooks.configure(hooks.createBase(), false);
  }
  return false;
}
