// The start of every guest's plan: finish (or undo) what a killed run left half-done, then take
// the guest as observed, or plan its definition (create/clone). A guest that is a template on the
// host is only verified from then on.

import type { Guest } from '../../model/guest.js';
import type { GuestConfig, GuestStatus, GuestType } from '../../proxmox/types.js';
import type { PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';
import { planRecovery } from './recover.js';
import { planRestart } from './restart.js';

export interface Defined {
  /** Status after the define steps (for a guest the plan creates: as the create leaves it). */
  status: GuestStatus | null;
  /** The guest was there before this run. */
  existed: boolean;
  /** It is a template on the host: the plan stops at verifying it. */
  templateOnHost: boolean;
}

/**
 * What Proxmox cannot change in place (create-time settings): each as `field: have → want`. The
 * caller lists them from the guest's config.
 */
export type RecreateCheck = (cfg: GuestConfig) => string[];

export async function observeOrDefine(type: GuestType, g: Guest, rec: StepRecorder, ctx: PlanContext, define: () => Promise<void>, recreate?: RecreateCheck): Promise<Defined> {
  let status = await planRecovery(type, g.id, await ctx.reader.status(type, g.id), rec, ctx);
  if (status && !status.template && recreate) {
    const cfg = await ctx.reader.config(type, g.id);
    const why = cfg ? recreate(cfg) : [];
    if (why.length && ctx.replace?.has(g.id)) {
      rec.step(
        'replace',
        '-/+',
        `destroy ${g.id} and make it again`,
        { reason: `--replace: ${why.join('; ')}` },
        {
          kind: 'destroy',
          type,
          vmid: g.id,
          stop: status.status === 'running',
          reason: why.join('; '),
        },
      );
      status = null;
    } else if (why.length) {
      rec.step('replace', '-/+', `must be re-created (${why.join('; ')})`, { reason: `Proxmox cannot change this in place; not done without --replace ${g.id}` });
    }
  }
  const existed = status !== null;
  if (status?.template) {
    rec.note('verify', `template ${g.id} exists`);
    if (!g.isTemplate) rec.notes.push(`${type === 'lxc' ? 'CT' : 'VM'} ${g.id} is a template on the host but not in the config (left as it is)`);
    return { status, existed, templateOnHost: true };
  }
  if (status) return { status, existed, templateOnHost: false };
  await define();
  return { status: await ctx.reader.status(type, g.id), existed: false, templateOnHost: false };
}

/**
 * Plan the configuration as a diff against the guest's config (observed, or as its create/clone
 * leaves it), then the one restart it may need. Returns whether an existing guest is changed
 * (its later snapshots are then retaken).
 */
export async function configurePhase(type: GuestType, g: Guest, d: Defined, rec: StepRecorder, ctx: PlanContext, configure: (cfg: GuestConfig, running: boolean) => Promise<boolean>): Promise<boolean> {
  const cfg = d.status ? await ctx.reader.config(type, g.id) : null;
  if (!cfg) {
    rec.notes.push(`its configuration is compared once ${g.cloneFrom ?? 'its source'} exists (known after apply)`);
    return false;
  }
  const running = d.status?.status === 'running';
  const before = rec.steps.length;
  const restart = await configure(cfg, running);
  const changed = rec.steps.slice(before).some((s) => s.symbol !== '=') && d.existed;
  await planRestart(type, g.id, restart, running, rec, ctx);
  if (!d.existed || ctx.unconfigured?.has(g.id)) rec.step('configured', '=', 'configuration applied', {}, { kind: 'configured', vmid: g.id });
  return changed;
}
