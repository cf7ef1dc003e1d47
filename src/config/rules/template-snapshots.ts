// A template has no snapshots: Proxmox refuses to make a template of a guest with snapshots
// (qemu-server API2/Qemu.pm and pve-container API2/LXC.pm `template`: "unable to create template,
// because VM/CT contains snapshots") and refuses any snapshot of a template (pve-guest-common
// AbstractConfig.pm __snapshot_prepare). Phoenix therefore takes no snapshot of an is_template
// guest; the template itself is the frozen state its clones start from. Said here, per key.
import type { Rule } from './context.js';

export const templateSnapshots: Rule = {
  name: 'template-snapshots',
  run(ctx) {
    for (const e of ctx.entries) {
      const g = e.guest;
      if (!g || !g.isTemplate) continue;
      const what = g.kind === 'vm' ? 'VM' : 'container';
      const why = `${what} ${g.id} is a template (is_template): Proxmox takes no snapshot of a template and makes no template of a ${what} with snapshots, so Phoenix does not take`;
      const tail = `; clones start from the template itself`;
      if (g.snapshots.templateSnapshotName !== undefined) {
        ctx.report(e.src, 'warning', ctx.keyPath(e, 'template_snapshot_name'), `${why} snapshot "${g.snapshots.templateSnapshotName}"${tail}`);
      }
      if (g.snapshots.lifecycle) ctx.report(e.src, 'warning', ctx.keyPath(e, 'enable_lifecycle_snapshots'), `${why} the lifecycle snapshots${tail}`);
      if (g.snapshots.named.length) ctx.report(e.src, 'warning', ctx.keyPath(e, 'snapshots'), `${why} snapshots ${g.snapshots.named.map((n) => `"${n}"`).join(', ')}${tail}`);
    }
  },
};
