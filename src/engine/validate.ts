// Input checks before a run: every node once, every dependency a known node, no cycle (a cycle
// would leave its nodes waiting forever). Returns the graph as indices for the scheduler.

export interface IndexedGraph {
  /** deps[i]: indices node i depends on (deduplicated). */
  deps: number[][];
  /** dependents[i]: indices that depend on node i, ascending. */
  dependents: number[][];
}

export function indexGraph<K>(nodes: readonly K[], depsOf: (k: K) => readonly K[]): IndexedGraph {
  const index = new Map<K, number>();
  nodes.forEach((k, i) => {
    if (index.has(k)) throw new Error(`runDag: node ${String(k)} is listed twice`);
    index.set(k, i);
  });
  const deps = nodes.map((k) => {
    const out = new Set<number>();
    for (const d of depsOf(k)) {
      const j = index.get(d);
      if (j === undefined) throw new Error(`runDag: ${String(k)} depends on ${String(d)}, which is not a node of this run`);
      if (j === index.get(k)) throw new Error(`runDag: ${String(k)} depends on itself`);
      out.add(j);
    }
    return [...out];
  });
  const dependents: number[][] = nodes.map(() => []);
  deps.forEach((ds, i) => ds.forEach((j) => dependents[j].push(i)));
  assertAcyclic(nodes, deps, dependents);
  return { deps, dependents };
}

// Kahn's algorithm: whatever cannot be peeled off sits on or behind a cycle.
function assertAcyclic<K>(nodes: readonly K[], deps: number[][], dependents: number[][]): void {
  const left = deps.map((d) => d.length);
  const queue = left.flatMap((n, i) => (n === 0 ? [i] : []));
  let seen = 0;
  while (queue.length) {
    const i = queue.pop()!;
    seen++;
    for (const d of dependents[i]) if (--left[d] === 0) queue.push(d);
  }
  if (seen < nodes.length) {
    const stuck = nodes.filter((_, i) => left[i] > 0).map(String);
    throw new Error(`runDag: dependency cycle among ${stuck.join(', ')}`);
  }
}
