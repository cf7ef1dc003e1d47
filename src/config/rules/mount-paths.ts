// Two mounts at one path inside a guest: Proxmox would accept both and the second would hide the
// first. Checked across bind mounts and volumes (containers) and NFS volumes (VMs).
import type { JsonPath } from '../json.js';
import type { GuestEntry, Rule, RuleContext } from './context.js';

/** [mount path, where it is written] for each mount of the entry, in file order. */
function targets(ctx: RuleContext, e: GuestEntry): Array<[string, JsonPath]> {
  const list = (key: string, field: string): Array<[string, JsonPath]> => {
    const at = ctx.keyPath(e, key);
    const items = at[0] === 'vm_defaults' ? (ctx.parsed.vmDefaults as Record<string, unknown>)[key] : e.raw[key];
    // Items the schema rejected (null, a number) are reported already; only paths are compared.
    return (Array.isArray(items) ? items : []).flatMap((m, i): Array<[string, JsonPath]> => {
      const path = m !== null && typeof m === 'object' ? (m as Record<string, unknown>)[field] : undefined;
      return typeof path === 'string' ? [[path, [...at, i, field]]] : [];
    });
  };
  return e.kind === 'lxc' ? [...list('mount_points', 'container_path'), ...list('zfs_volumes', 'mount_point')] : list('volumes', 'mount_point');
}

export const mountPaths: Rule = {
  name: 'mount-paths',
  run(ctx) {
    for (const e of ctx.entries) {
      if (!e.guest) continue;
      const seen = new Set<string>();
      for (const [path, at] of targets(ctx, e)) {
        const p = path.replace(/\/+$/, '') || '/';
        if (seen.has(p)) ctx.report(e.src, 'error', at, `${path} is already a mount point of this guest`);
        seen.add(p);
      }
    }
  },
};
