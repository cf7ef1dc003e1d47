// Bad ids: CTID keys must be numeric strings, and every id must be one Proxmox accepts.
import type { Rule } from './context.js';

/** The vmid range Proxmox accepts for containers and VMs alike. */
export const ID_MIN = 100;
export const ID_MAX = 999_999_999;

export const guestIds: Rule = {
  name: 'guest-ids',
  run(ctx) {
    for (const e of ctx.entries) {
      if (e.kind === 'lxc' && e.id === undefined) {
        const key = String(e.path[1]);
        ctx.report(e.src, 'error', e.path, `expected a CTID key of digits like "901", got ${JSON.stringify(key)}`);
        continue;
      }
      if (e.id !== undefined && (e.id < ID_MIN || e.id > ID_MAX)) {
        const at = e.kind === 'lxc' ? e.path : [...e.path, 'vmid'];
        ctx.report(e.src, 'error', at, `expected an id from ${ID_MIN} to ${ID_MAX} (what Proxmox accepts), got ${e.id}`);
      }
    }
  },
};
