// A VM's template_image must be something Proxmox can import a disk from: a .qcow2/.raw/.vmdk
// file on import storage, an images volume, a host path, or an https URL with a usable file name.
// A name Proxmox cannot hold (Ubuntu's `…cloudimg-amd64.img`) is said here, before anything runs;
// converging such a VM fails before its first call.
import { imageProblem, imageSource } from '../../model/vm-image.js';
import type { Rule } from './context.js';

export const vmImage: Rule = {
  name: 'vm-image',
  run(ctx) {
    for (const e of ctx.entries) {
      const g = e.guest;
      if (!g || g.kind !== 'vm' || g.image === undefined || g.cloneFrom !== undefined) continue;
      const problem = imageProblem(imageSource(g.image, g.imageFile));
      if (problem) ctx.report(e.src, 'warning', ctx.keyPath(e, 'template_image'), `${problem}; Phoenix cannot create this VM from it`);
    }
  },
};
