// A clone starts with its source's disk, and Proxmox disks only grow: a clone asking for a
// smaller root disk than its source's configured one will fail at converge. Said here, before
// anything runs, as a warning (the source's real disk may differ from its config).
import type { Guest } from '../../model/guest.js';
import type { Rule } from './context.js';

const diskOf = (g: Guest): number | undefined => (g.kind === 'lxc' ? g.rootfsSizeGb : g.diskSizeGb);
const keyOf = (g: Guest) => (g.kind === 'lxc' ? 'storage_size_gb' : 'disk_size_gb');

export const diskShrink: Rule = {
  name: 'disk-shrink',
  run(ctx) {
    const guests = new Map<number, Guest>();
    for (const e of ctx.entries) if (e.id !== undefined && e.guest) guests.set(e.id, e.guest);
    for (const e of ctx.entries) {
      const g = e.guest;
      if (!g || g.cloneFrom === undefined) continue;
      const src = guests.get(g.cloneFrom);
      const want = diskOf(g);
      const from = src && diskOf(src);
      if (want !== undefined && from !== undefined && want < from) {
        ctx.report(e.src, 'warning', ctx.keyPath(e, keyOf(g)), `${want} GB is smaller than the ${from} GB disk of its clone source ${g.cloneFrom}; disks only grow, so converging this guest will fail`);
      }
    }
  },
};
