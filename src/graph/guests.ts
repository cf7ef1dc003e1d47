// The guest dependency graph: one Dag over every configured guest, LXC and VM together. An edge
// "from → to" means guest `from` needs guest `to` first, either because it is cloned from it
// (cloneFrom) or because it declares it in `dependencies`. This is the only graph module that
// knows about guests; the Dag itself stays generic.

import type { Guest, GuestId, GuestKind } from '../model/guest.js';
import { sortKeys } from './compare.js';
import { Dag } from './dag.js';

/** Why an edge exists: `clone` (from is cloned from to) or `dependency` (declared in dependencies). */
export type EdgeKind = 'clone' | 'dependency';

/** Why a guest is in a closure: it was asked for, or a guest in the closure needs it. */
export type Reason = { kind: 'target' } | { kind: 'clone-source'; of: GuestId } | { kind: 'dependency'; of: GuestId };

export interface GuestNode {
  id: GuestId;
  kind: GuestKind;
  name: string;
  /** 0 = needs nothing in the graph; n = one past its deepest dependency. */
  level: number;
  /** Target first, then by the guest that needs it (clone source before dependency). */
  reasons: Reason[];
}

export interface GuestEdge {
  /** `from` needs `to` first. */
  from: GuestId;
  to: GuestId;
  /** Both when a guest is cloned from, and also declares a dependency on, the same guest. */
  kinds: EdgeKind[];
}

/** A closed set of guests ready to print or run: every guest comes after all it needs. */
export interface GuestClosure {
  /** Sorted by id. */
  nodes: GuestNode[];
  /** Sorted by from, then to. */
  edges: GuestEdge[];
  /** Guests that could be worked on at once, level by level, each level ascending. */
  levels: GuestId[][];
  /** levels flattened. */
  order: GuestId[];
}

/** Thrown by closure() for ids that name no configured guest. */
export class UnknownGuestError extends Error {
  constructor(readonly ids: GuestId[]) {
    super(`no guest${ids.length > 1 ? 's' : ''} with id${ids.length > 1 ? 's' : ''} ${ids.join(', ')} in the config`);
    this.name = 'UnknownGuestError';
  }
}

export class GuestGraph {
  readonly dag = new Dag<GuestId>();
  private readonly kinds = new Map<string, EdgeKind[]>();

  /**
   * References to guests that are not configured are left out: config validation reports them,
   * and a phantom node here would only hide that error behind a confusing graph.
   */
  constructor(readonly guests: ReadonlyMap<GuestId, Guest>) {
    for (const id of sortKeys(guests.keys())) this.dag.addNode(id);
    for (const g of guests.values()) {
      if (g.cloneFrom !== undefined) this.link(g.id, g.cloneFrom, 'clone');
      for (const d of g.dependencies) this.link(g.id, d, 'dependency');
    }
  }

  /** edgeKinds says why `from` needs `to` ([] when it does not directly). */
  edgeKinds(from: GuestId, to: GuestId): EdgeKind[] {
    return this.kinds.get(`${from}>${to}`) ?? [];
  }

  /** roots returns the guests nothing else needs: asking for them gives the whole graph. */
  roots(): GuestId[] {
    return this.dag.nodes().filter((id) => this.dag.dependentsOf(id).length === 0);
  }

  /**
   * closure returns `targets` plus everything they need, transitively, each with its reasons.
   * Throws UnknownGuestError for unconfigured ids and CycleError (from levels) on a cycle.
   */
  closure(targets: Iterable<GuestId>): GuestClosure {
    const wanted = new Set(targets);
    const unknown = sortKeys([...wanted].filter((id) => !this.guests.has(id)));
    if (unknown.length > 0) throw new UnknownGuestError(unknown);
    const members = new Set(wanted);
    for (const t of wanted) for (const a of this.dag.ancestors(t)) members.add(a);
    const sub = this.dag.subgraph(members);
    const levels = sub.levels();
    const levelOf = new Map<GuestId, number>();
    levels.forEach((ids, i) => ids.forEach((id) => levelOf.set(id, i)));

    const nodes = sub.nodes().map((id): GuestNode => {
      const g = this.guests.get(id)!;
      const reasons: Reason[] = wanted.has(id) ? [{ kind: 'target' }] : [];
      for (const user of sub.dependentsOf(id)) for (const k of this.edgeKinds(user, id)) reasons.push(k === 'clone' ? { kind: 'clone-source', of: user } : { kind: 'dependency', of: user });
      return { id, kind: g.kind, name: g.name, level: levelOf.get(id)!, reasons };
    });
    const edges = sub.edges().map(([from, to]): GuestEdge => ({ from, to, kinds: this.edgeKinds(from, to) }));
    return { nodes, edges, levels, order: levels.flat() };
  }

  private link(from: GuestId, to: GuestId, kind: EdgeKind): void {
    if (!this.guests.has(to)) return;
    this.dag.addEdge(from, to);
    const key = `${from}>${to}`;
    const list = this.kinds.get(key) ?? [];
    if (!list.includes(kind)) list.push(kind);
    // 'clone' first, whatever order the config listed them in.
    list.sort((a, b) => (a === b ? 0 : a === 'clone' ? -1 : 1));
    this.kinds.set(key, list);
  }
}
