// A container is cloned from a template, or from its source's `template_snapshot_name`: Proxmox
// refuses a full clone of a running container without a snapshot ("Full clone of a running
// container is only possible from a snapshot", pve-container API2/LXC.pm clone_vm), and Phoenix
// starts every container that is not a template. A clone source that is neither can never be
// cloned once it runs, so it is an error here rather than at the clone.
import type { Guest } from '../../model/guest.js';
import type { Rule } from './context.js';

export const cloneSnapshots: Rule = {
  name: 'clone-snapshots',
  run(ctx) {
    const byId = new Map<number, Guest>();
    for (const e of ctx.entries) if (e.guest && !byId.has(e.guest.id)) byId.set(e.guest.id, e.guest);
    for (const e of ctx.entries) {
      const g = e.guest;
      if (g?.kind !== 'lxc' || g.cloneFrom === undefined) continue;
      const src = byId.get(g.cloneFrom);
      if (src?.kind !== 'lxc' || src.isTemplate || src.snapshots.templateSnapshotName) continue;
      ctx.report(
        e.src,
        'error',
        ctx.keyPath(e, 'clone_from_ctid'),
        `clone source ${src.id} is neither a template (is_template) nor has a template_snapshot_name: Proxmox clones a running container only from a snapshot ("Full clone of a running container is only possible from a snapshot"); give ${src.id} a template_snapshot_name or make it a template`,
      );
    }
  },
};
