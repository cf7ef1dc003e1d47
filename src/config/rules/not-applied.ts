// Keys Phoenix accepts (the schema and editors know them) but does not act on yet: say so once
// per key instead of letting a user believe they took effect.
//   user_config.password  cloud-init's cipassword would travel in qm's argv (visible in `ps`) and
//                         Proxmox stores it hashed, so it could never be compared; use SSH keys.
//   mount_points[].owner_uid/owner_gid  a chown of the host directory, outside pct/qm.
import type { Rule } from './context.js';

export const notApplied: Rule = {
  name: 'not-applied',
  run(ctx) {
    let pw = false;
    let owner = false;
    for (const e of ctx.entries) {
      const g = e.guest;
      if (g?.kind === 'vm' && g.cloudInit.password !== undefined && !pw) {
        pw = true;
        ctx.report(e.src, 'warning', ctx.keyPath(e, 'user_config', 'password'), "not applied by Phoenix (it would pass through qm's command line and cannot be compared once Proxmox hashes it); give user_config SSH keys instead");
      }
      if (g?.kind === 'lxc' && !owner) {
        const i = g.mounts.findIndex((m) => m.kind === 'bind' && (m.ownerUid !== undefined || m.ownerGid !== undefined));
        if (i >= 0) {
          owner = true;
          ctx.report(e.src, 'warning', ctx.keyPath(e, 'mount_points', i), 'owner_uid/owner_gid are not applied by Phoenix (they would chown the host directory); set the ownership on the host');
        }
      }
    }
  },
};
