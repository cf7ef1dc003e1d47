// Limits for work spread over places — for Phoenix, a cluster's nodes and storages: at most
// `perNode` nodes of the graph run at once on one place-node, and at most `perStorage` at once on
// one storage. Built on the walker's keyed resources (`node:<name>`, `storage:<key>`); a key's
// holders are counted across the whole run, so a storage every node shares is limited cluster-wide.

import type { RunDagOptions } from './types.js';

export interface PlaceLimitOptions<K> {
  /** Where k runs (undefined: no node limit for it). */
  nodeOf: (k: K) => string | undefined;
  /** The storages k allocates on (a shared one by its id, a node-local one qualified by node). */
  storagesOf: (k: K) => readonly string[];
  perNode: number;
  perStorage: number;
}

export function placeLimits<K>(o: PlaceLimitOptions<K>): Required<Pick<RunDagOptions<K>, 'resources' | 'resourceLimits'>> {
  if (!(o.perNode >= 1) || !(o.perStorage >= 1)) throw new Error('placeLimits: perNode and perStorage must be at least 1');
  return {
    resources: (k) => {
      const n = o.nodeOf(k);
      return [...(n === undefined ? [] : [`node:${n}`]), ...[...new Set(o.storagesOf(k))].map((s) => `storage:${s}`)];
    },
    resourceLimits: (key) => (key.startsWith('node:') ? o.perNode : key.startsWith('storage:') ? o.perStorage : Number.POSITIVE_INFINITY),
  };
}
