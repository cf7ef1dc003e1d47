// A generic directed acyclic graph of string or number keys. It knows nothing about guests or
// Proxmox (those live in guests.ts); an edge means "from depends on to": `to` must be done first.

import { compareKeys, sortKeys } from './compare.js';
import { findCyclesIn } from './cycles.js';

/** Thrown by levels()/order() when the graph has a cycle; carries the cycles in canonical form. */
export class CycleError<K extends string | number = string | number> extends Error {
  constructor(readonly cycles: K[][]) {
    super(`dependency cycle: ${cycles.map((c) => [...c, c[0]].join(' → ')).join('; ')}`);
    this.name = 'CycleError';
  }
}

export class Dag<K extends string | number> {
  // deps: node → what it depends on; rdeps: node → what depends on it.
  private readonly deps = new Map<K, Set<K>>();
  private readonly rdeps = new Map<K, Set<K>>();

  /** addNode adds `k` (no-op if present). */
  addNode(k: K): this {
    if (!this.deps.has(k)) {
      this.deps.set(k, new Set());
      this.rdeps.set(k, new Set());
    }
    return this;
  }

  /** addEdge records that `from` depends on `to`; both nodes are added if missing. */
  addEdge(from: K, to: K): this {
    this.addNode(from).addNode(to);
    this.deps.get(from)!.add(to);
    this.rdeps.get(to)!.add(from);
    return this;
  }

  has(k: K): boolean {
    return this.deps.has(k);
  }

  /** nodes returns every key, ascending. */
  nodes(): K[] {
    return sortKeys(this.deps.keys());
  }

  /** edges returns every [from, to] pair ("from depends on to"), sorted by from then to. */
  edges(): [K, K][] {
    return this.nodes().flatMap((f) => this.dependenciesOf(f).map((t): [K, K] => [f, t]));
  }

  /** dependenciesOf returns what `k` directly depends on, ascending. */
  dependenciesOf(k: K): K[] {
    return sortKeys(this.need(k, this.deps));
  }

  /** dependentsOf returns what directly depends on `k`, ascending. */
  dependentsOf(k: K): K[] {
    return sortKeys(this.need(k, this.rdeps));
  }

  /** ancestors returns everything `k` needs, transitively (excluding k unless on a cycle), ascending. */
  ancestors(k: K): K[] {
    return this.reach([k], this.deps);
  }

  /** descendants returns everything that needs `k`, transitively, ascending. */
  descendants(k: K): K[] {
    return this.reach([k], this.rdeps);
  }

  /** subgraph returns a new Dag with only `keys` (unknown keys are ignored) and the edges among them. */
  subgraph(keys: Iterable<K>): Dag<K> {
    const keep = new Set([...keys].filter((k) => this.has(k)));
    const g = new Dag<K>();
    for (const k of sortKeys(keep)) g.addNode(k);
    for (const k of sortKeys(keep)) for (const d of this.dependenciesOf(k)) if (keep.has(d)) g.addEdge(k, d);
    return g;
  }

  /** findCycles returns every cycle in canonical order (see cycles.ts); [] when acyclic. */
  findCycles(): K[][] {
    return findCyclesIn(this.nodes(), (k) => this.dependenciesOf(k));
  }

  /**
   * levels groups nodes so each level depends only on earlier ones: level 0 has no dependencies,
   * level n holds nodes whose deepest dependency is on level n-1. Nodes of one level could run at
   * once. Each level is sorted ascending. Throws CycleError on a cycle.
   */
  levels(): K[][] {
    const cycles = this.findCycles();
    if (cycles.length > 0) throw new CycleError(cycles);
    const remaining = new Map<K, number>();
    for (const k of this.deps.keys()) remaining.set(k, this.deps.get(k)!.size);
    let current = this.nodes().filter((k) => remaining.get(k) === 0);
    const out: K[][] = [];
    while (current.length > 0) {
      out.push(current);
      const next: K[] = [];
      for (const k of current)
        for (const d of this.rdeps.get(k)!) {
          const left = remaining.get(d)! - 1;
          remaining.set(d, left);
          if (left === 0) next.push(d);
        }
      current = next.sort(compareKeys);
    }
    return out;
  }

  /** order returns levels() flattened: every node after everything it depends on. */
  order(): K[] {
    return this.levels().flat();
  }

  /** toString lists each node with its dependencies, one per line, e.g. "901 -> 900, 1002". */
  toString(): string {
    return this.nodes()
      .map((k) => {
        const d = this.dependenciesOf(k);
        return d.length ? `${k} -> ${d.join(', ')}` : `${k}`;
      })
      .join('\n');
  }

  private need(k: K, m: Map<K, Set<K>>): Set<K> {
    const s = m.get(k);
    if (!s) throw new Error(`unknown graph node ${String(k)}`);
    return s;
  }

  private reach(start: K[], m: Map<K, Set<K>>): K[] {
    const seen = new Set<K>();
    const stack = [...start];
    while (stack.length > 0) {
      for (const n of this.need(stack.pop()!, m)) {
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return sortKeys(seen);
  }
}
