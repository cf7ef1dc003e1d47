// A container is cloned from a container, a VM from a VM: pct and qm cannot cross over.
import type { GuestKind } from '../../model/guest.js';
import type { Rule } from './context.js';

const noun = (k: GuestKind) => (k === 'lxc' ? 'a container' : 'a VM');

export const cloneKind: Rule = {
  name: 'clone-kind',
  run(ctx) {
    const kinds = new Map<number, GuestKind>();
    for (const e of ctx.entries) if (e.id !== undefined && !kinds.has(e.id)) kinds.set(e.id, e.kind);
    for (const e of ctx.entries) {
      const from = e.guest?.cloneFrom;
      if (from === undefined || from === e.id) continue;
      const k = kinds.get(from);
      if (k && k !== e.kind) {
        const key = e.kind === 'lxc' ? 'clone_from_ctid' : 'clone_from_vmid';
        ctx.report(e.src, 'error', ctx.keyPath(e, key), `${from} is ${noun(k)}; ${noun(e.kind)} can only be cloned from ${noun(e.kind)}`);
      }
    }
  },
};
