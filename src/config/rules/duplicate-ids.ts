// One id, one guest: an id may not be both a container and a VM, nor two VMs.
import type { GuestEntry, Rule } from './context.js';
import { where } from './context.js';

export const duplicateIds: Rule = {
  name: 'duplicate-ids',
  run(ctx) {
    const first = new Map<number, GuestEntry>();
    for (const e of ctx.entries) {
      if (e.id === undefined) continue;
      const prev = first.get(e.id);
      if (!prev) {
        first.set(e.id, e);
        continue;
      }
      const at = e.kind === 'vm' ? [...e.path, 'vmid'] : e.path;
      const what = prev.kind === e.kind ? `id ${e.id} is used twice: also by ${where(prev)}` : `id ${e.id} is both a container (${where(prev)}) and a VM; Proxmox ids are shared by containers and VMs`;
      ctx.report(e.src, 'error', at, what);
    }
  },
};
