// One driver per node of a cluster (the simulator's nodes, or nodes over SSH), made on first use.

import { UsageError } from '../../diag/errors.js';
import { type ProxmoxDriver, readOnlyDriver } from '../../proxmox/driver.js';
import type { NodeDrivers } from '../../proxmox/cluster.js';

/**
 * One driver per node of a cluster, made on first use: `make(node)` for a node it can reach;
 * another name is refused with `why`. A read-only run gets read-only node drivers.
 */
export function nodeDrivers(home: string, nodes: string[], make: (node: string) => ProxmoxDriver, readOnly: boolean): NodeDrivers {
  const made = new Map<string, ProxmoxDriver>();
  return {
    home,
    nodes,
    on(node) {
      let d = made.get(node);
      if (!d) {
        if (!nodes.includes(node)) throw new UsageError(`node '${node}' is not a node of this cluster (nodes: ${nodes.join(', ')})`);
        d = readOnly ? readOnlyDriver(make(node)) : make(node);
        made.set(node, d);
      }
      return d;
    },
  };
}
