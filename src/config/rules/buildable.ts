// A guest with neither an image/template nor a clone source can be managed once it exists, but
// Phoenix could never create it: worth a warning before anyone runs `create`.
import type { Rule } from './context.js';

export const buildable: Rule = {
  name: 'buildable',
  run(ctx) {
    for (const e of ctx.entries) {
      const g = e.guest;
      if (!g || g.cloneFrom !== undefined || e.partial) continue; // partial: the source key may be the bad one
      if (g.kind === 'lxc' && g.template === undefined) ctx.report(e.src, 'warning', e.path, 'neither template nor clone_from_ctid is set: Phoenix can manage this container once it exists, but cannot create it');
      if (g.kind === 'vm' && g.image === undefined) ctx.report(e.src, 'warning', e.path, 'neither template_image nor clone_from_vmid is set: Phoenix can manage this VM once it exists, but cannot create it');
    }
  },
};
