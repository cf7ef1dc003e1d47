// Dependency cycles across containers and VMs (clone sources count as dependencies), printed in
// the graph layer's canonical form: `901 → 1002 → 901`, starting at the smallest id. Self-loops
// are left to the references rule, which says "depends on itself".
import { Dag } from '../../graph/dag.js';
import type { GuestEntry, Rule } from './context.js';

export const cycles: Rule = {
  name: 'cycles',
  run(ctx) {
    const byId = new Map<number, GuestEntry>();
    for (const e of ctx.entries) if (e.guest && !byId.has(e.guest.id)) byId.set(e.guest.id, e);
    const dag = new Dag<number>();
    for (const [id, e] of byId) {
      dag.addNode(id);
      const g = e.guest!;
      for (const to of [...(g.cloneFrom !== undefined ? [g.cloneFrom] : []), ...g.dependencies]) if (to !== id && byId.has(to)) dag.addEdge(id, to);
    }
    for (const cycle of dag.findCycles()) {
      if (cycle.length < 2) continue;
      const [from, to] = cycle;
      const e = byId.get(from)!;
      const g = e.guest!;
      // Point at the field that makes the first step of the cycle.
      const at =
        g.cloneFrom === to
          ? ctx.keyPath(e, e.kind === 'lxc' ? 'clone_from_ctid' : 'clone_from_vmid')
          : (() => {
              const p = ctx.keyPath(e, 'dependencies');
              const list = p[0] === 'vm_defaults' ? undefined : e.raw.dependencies;
              const i = Array.isArray(list) ? list.findIndex((x) => Number(x) === to) : -1;
              return i >= 0 ? [...p, i] : p;
            })();
      ctx.report(e.src, 'error', at, `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`);
    }
  },
};
