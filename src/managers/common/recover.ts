// Finishing what an interrupted run left. The in-flight journal (inflight.ts) names the step a
// previous run (or an earlier attempt of this one) started and never saw end, so the leftover is
// known to be Phoenix's own: no guessing at a lock somebody else holds (a backup, an admin's
// snapshot), which is left alone and retried as a busy lock.
//   define     the guest was being created/cloned (a VM: also its disk import). What exists is
//              half-made, as Proxmox itself would have removed it had the task failed normally:
//              unlock, stop, destroy with its volumes (also those the config never got to name),
//              and let the workflow create it again. Only a guest still holding the killed task's
//              lock (or a VM without its boot disk) counts as half-made; a complete one is adopted.
//   snapshot / delsnapshot   unlock; the named snapshot, if it is there, may be half-taken or
//              half-deleted: delete it so the workflow takes it again.
//   resize     unlock; the workflow compares the size again and resizes only if still needed.
// A killed `pct clone` also leaves `lock: disk` on its SOURCE (pve-container sets it for the whole
// clone and a dead worker never removes it), and every later clone of that source would fail on it.
// The define entry names the source, so that lock is known ours and is removed (`pct unlock SRC`),
// under the source's clone queue so that a clone of ours running now is never unlocked. A source
// locked with no entry of ours is somebody else's: never unlocked, reported (cloneSourceLockNote).

import type { GuestStatus, GuestType } from '../../proxmox/types.js';
import type { PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';
import type { InFlightStep } from '../inflight.js';

/** Locks a killed create/clone/import task leaves behind. */
const DEFINE_LOCKS = new Set(['create', 'clone', 'disk']);

/**
 * Half-made = still holding the lock of the killed task, or (a VM) created but never given its
 * boot disk because the run died between `qm create` and the disk import.
 */
async function halfMade(type: GuestType, vmid: number, status: GuestStatus, ctx: PlanContext): Promise<boolean> {
  if (status.lock && DEFINE_LOCKS.has(status.lock)) return true;
  if (type === 'lxc') return false;
  const cfg = await ctx.reader.config(type, vmid);
  const disks = Object.entries(cfg?.options ?? {}).filter(([k, v]) => /^(scsi|virtio|sata|ide)\d+$/.test(k) && !/cloudinit|media=cdrom/.test(v));
  return disks.length === 0;
}

/** A guest created more than this after the journaled create/clone call began is not its result. */
const CREATE_WINDOW_MS = 120_000;

/**
 * Why the guest at this id is not the one the journal's define was making (undefined: it is, as
 * far as can be told): another name, or (a VM) a creation time (`meta: ctime=`) outside the moments
 * the interrupted call ran. An admin may have rebuilt the id by hand after the crash.
 */
async function notOurs(type: GuestType, vmid: number, j: InFlightStep, ctx: PlanContext): Promise<string | undefined> {
  const cfg = await ctx.reader.config(type, vmid);
  const o = cfg?.options ?? {};
  const name = type === 'lxc' ? o.hostname : o.name;
  if (j.guestName !== undefined && name !== j.guestName) return `it is named ${JSON.stringify(name ?? '')}, the interrupted run was making ${JSON.stringify(j.guestName)}`;
  const ctime = /(?:^|,)ctime=(\d+)/.exec(o.meta ?? '')?.[1];
  const at = Date.parse(j.at);
  if (ctime !== undefined && Number.isFinite(at)) {
    const made = Number(ctime) * 1000;
    // ctime has whole seconds; allow for that and for clock steps between runs.
    if (made < at - 5000 || made > at + CREATE_WINDOW_MS) {
      return `it was created at ${new Date(made).toISOString()}, not during the interrupted run's create (${j.at})`;
    }
  }
  return undefined;
}

/** The guest (other than `except`) whose journaled `pct clone` names `source`, if any. */
export function journaledCloneOf(inflight: PlanContext['inflight'], source: number, except?: number): number | undefined {
  return inflight?.entries().find(([id, s]) => id !== except && s.op === 'define' && s.source === source)?.[0];
}

/**
 * What Phoenix says of a clone source it finds locked with no journal entry of its own (`except`:
 * the entry of the clone now running, which cannot explain the lock it failed on).
 */
export function cloneSourceLockNote(inflight: PlanContext['inflight'], source: number, lock: string | undefined, except?: number): string | undefined {
  if (!lock || journaledCloneOf(inflight, source, except) !== undefined) return undefined;
  return `clone source ${source} is locked (${lock}) by a task that is not Phoenix's: left alone (once nothing runs on it, 'pct unlock ${source}' frees it)`;
}

/** Plans removing the `lock: disk` our interrupted clone → target left on CT source. */
async function planReleaseSource(source: number, target: number, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  const st = await ctx.reader.status('lxc', source);
  if (st?.lock !== 'disk') return;
  rec.step('recover', '!', `unlock clone source ${source} (lock: disk)`, { reason: `a previous run was interrupted while cloning it to ${target}` }, { kind: 'unlock-source', source, target });
}

/** Plans finishing what an interrupted run left; returns the status the rest is planned against. */
export async function planRecovery(type: GuestType, vmid: number, status: GuestStatus | null, rec: StepRecorder, ctx: PlanContext): Promise<GuestStatus | null> {
  if (type === 'lxc' && status?.lock === 'disk') {
    // This CT is the source of a clone of ours that died.
    const target = journaledCloneOf(ctx.inflight, vmid);
    if (target !== undefined) {
      await planReleaseSource(vmid, target, rec, ctx);
      status = await ctx.reader.status(type, vmid);
    }
  }
  const j = ctx.inflight?.get(vmid);
  if (!j) return status;
  // The clone that died here held its source: free it (when the source is in the config, its own
  // plan does, above, earlier in the run's order; a guest planned again after a failed attempt
  // is planned alone, so it frees the source itself).
  if (type === 'lxc' && j.op === 'define' && j.source !== undefined && (ctx.replanning || !ctx.config.guests.has(j.source))) {
    await planReleaseSource(j.source, vmid, rec, ctx);
  }
  const end = { kind: 'recover' as const, type, vmid, unlock: false, stop: false, destroy: false, endJournal: true };
  if (!status) {
    // The interrupted step never made the guest (or Proxmox removed it): nothing to finish.
    rec.note('recover', `forget the interrupted ${j.op} of ${vmid}`, 'the guest is not there', end);
    return status;
  }
  const lock = status.lock ? ` (lock: ${status.lock})` : '';
  const what = type === 'lxc' ? 'container' : 'VM';
  if (j.op === 'define' && !(await halfMade(type, vmid, status, ctx))) {
    // The create/clone finished (no task lock, a disk in place): adopt it, never destroy a
    // complete guest on the word of a journal (someone may have remade it by hand since).
    rec.note('recover', `${what} ${vmid}: adopt`, 'a previous run was interrupted while defining it, but it is complete', end);
    rec.notes.push(`${what} ${vmid}: a previous run was interrupted while defining it, but it is complete; adopted`);
    return status;
  }
  // A guest still holding the killed task's lock is that task's leftover (a half-made clone may
  // still carry its source's name); the identity check is for one that holds no such lock.
  const locked = Boolean(status.lock && DEFINE_LOCKS.has(status.lock));
  const foreign = j.op === 'define' && !locked ? await notOurs(type, vmid, j, ctx) : undefined;
  if (foreign) {
    // Never destroy on the word of a journal what it did not make: the entry is stale.
    rec.note('recover', `${what} ${vmid}: adopt`, foreign, end);
    rec.notes.push(`${what} ${vmid}: a previous run was interrupted while defining it, but ${foreign}; not destroying it, adopted`);
    return status;
  }
  if (j.op === 'define') {
    rec.step(
      'recover',
      '!',
      `remove the half-made ${what} ${vmid}${lock} and make it again`,
      { reason: 'a previous run was interrupted while creating it' },
      {
        ...end,
        unlock: Boolean(status.lock),
        stop: status.status === 'running',
        destroy: true,
      },
    );
    return null;
  }
  const name = j.name ? ` ${j.name}` : '';
  const snaps = (j.op === 'snapshot' || j.op === 'delsnapshot') && j.name ? (await ctx.reader.listSnapshots(type, vmid)).map((s) => s.name) : [];
  rec.step(
    'recover',
    '!',
    `finish the interrupted ${j.op}${name}${lock}`,
    { reason: 'a previous run was interrupted during it' },
    {
      ...end,
      unlock: Boolean(status.lock),
      ...(j.name && snaps.includes(j.name) ? { delsnapshot: j.name } : {}),
    },
  );
  return await ctx.reader.status(type, vmid);
}
