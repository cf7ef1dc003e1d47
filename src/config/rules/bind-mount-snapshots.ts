// A container with a bind mount cannot be snapshotted, cloned or made a template: Proxmox checks
// every mount point (rootfs and each mpN, bind mounts included) and a host path has none of those
// storage features (pve-container LXC/Config.pm has_feature, API2/LXC.pm clone_vm, LXC.pm
// template_create; pve-storage Storage.pm volume_has_feature). Snapshots are a safety net, so
// asking for them is a warning and Phoenix skips them; a clone or template could never be made,
// so those are errors.
import { firstBindMount, lxcSnapshotNames, type LxcGuest } from '../../model/guest.js';
import type { Rule } from './context.js';

export const bindMountSnapshots: Rule = {
  name: 'bind-mount-snapshots',
  run(ctx) {
    const lxc = new Map<number, LxcGuest>();
    for (const e of ctx.entries) if (e.guest?.kind === 'lxc' && e.id !== undefined) lxc.set(e.id, e.guest);
    for (const e of ctx.entries) {
      const g = e.guest;
      if (g?.kind !== 'lxc') continue;
      const bind = firstBindMount(g);
      if (bind) {
        const what = `mount_points[${bind.index}] (${bind.mount.hostPath}) is a bind mount`;
        const names = lxcSnapshotNames(g);
        if (names.length) {
          const key = g.snapshots.lifecycle ? 'enable_lifecycle_snapshots' : 'template_snapshot_name';
          ctx.report(e.src, 'warning', ctx.keyPath(e, key), `${what}: Proxmox cannot snapshot this container ("snapshot feature is not available"); Phoenix will not take ${names.join(', ')}`);
        }
        if (g.isTemplate) ctx.report(e.src, 'error', ctx.keyPath(e, 'is_template'), `${what}: Proxmox cannot make this container a template ("Template feature is not available")`);
      }
      const from = g.cloneFrom !== undefined ? lxc.get(g.cloneFrom) : undefined;
      const srcBind = from && firstBindMount(from);
      if (srcBind) {
        ctx.report(e.src, 'error', ctx.keyPath(e, 'clone_from_ctid'), `clone source ${g.cloneFrom} has a bind mount (mount_points[${srcBind.index}], ${srcBind.mount.hostPath}): Proxmox cannot clone it ("unable to clone mountpoint 'mpN' (type bind)")`);
      }
    }
  },
};
