// prune: delete the Phoenix-managed guests (tag `phoenix`) that the config no longer names. Never
// one that something still needs: a configured guest that clones it or depends on it, or a guest
// on the host whose disks are linked clones of its (base-ID-disk-N) volumes.

import type { Orphan } from '../plan/types.js';
import { findOrphans } from './converge.js';
import type { Session } from './session.js';

export interface PrunePlan {
  /** Orphans that can go. */
  remove: Orphan[];
  /** Orphans kept, with why. */
  kept: Array<{ orphan: Orphan; why: string }>;
}

export async function planPrune(s: Session): Promise<PrunePlan> {
  const orphans = await findOrphans(s);
  const inv = await s.driver.inventory();
  const hostConfigs = inv ? inv.guests.map((g) => ({ vmid: g.vmid, options: g.config.options })) : await Promise.all((await s.driver.list()).map(async (e) => ({ vmid: e.vmid, options: (await s.driver.config(e.type, e.vmid))?.options ?? {} })));
  const remove: Orphan[] = [];
  const kept: PrunePlan['kept'] = [];
  for (const o of orphans) {
    const needers = [...s.config.guests.values()].filter((g) => g.cloneFrom === o.vmid || (g.dependencies ?? []).includes(o.vmid)).map((g) => g.id);
    const linked = hostConfigs.filter((h) => h.vmid !== o.vmid && Object.values(h.options).some((v) => new RegExp(`(^|[:/])base-${o.vmid}-disk-`).test(v))).map((h) => h.vmid);
    if (needers.length) kept.push({ orphan: o, why: `configured guest(s) ${needers.join(', ')} need it` });
    else if (linked.length) kept.push({ orphan: o, why: `guest(s) ${linked.join(', ')} are linked clones of it` });
    else remove.push(o);
  }
  return { remove, kept };
}

/**
 * Stop (when running) and destroy with purge, one after the other, in passes: Proxmox refuses to
 * destroy a template whose volumes linked clones still use, so a base goes after its clones. What
 * Proxmox still refuses when no pass makes progress is kept, with its reason.
 */
export async function applyPrune(s: Session, remove: readonly Orphan[], onGuest?: (o: Orphan) => void): Promise<PrunePlan['kept']> {
  let left = [...remove];
  let refused: PrunePlan['kept'] = [];
  for (let progress = true; left.length && progress; ) {
    progress = false;
    refused = [];
    for (const o of left) {
      try {
        const st = await s.driver.status(o.type, o.vmid);
        if (st) {
          onGuest?.(o);
          if (st.status === 'running') await s.driver.stop(o.type, o.vmid);
          await s.driver.destroy(o.type, o.vmid, { purge: true });
        }
        progress = true;
      } catch (e) {
        refused.push({ orphan: o, why: `Proxmox refused: ${(e as Error).message.split('\n')[0]}` });
      }
    }
    left = refused.map((r) => r.orphan);
  }
  return refused;
}
