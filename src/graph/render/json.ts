// The `--json` form of a guest closure, a stable contract for scripts:
//   {"nodes":[{"id","kind","level"}],"edges":[[from,to]],"order":[...]}
// An edge [from, to] means guest `from` needs guest `to` first (cloned from it or declares it as a
// dependency); a pair linked both ways is one edge. Ids are numbers; everything is sorted.
import type { GuestClosure } from '../guests.js';
import type { GuestId, GuestKind } from '../../model/guest.js';

export interface GraphJson {
  nodes: { id: GuestId; kind: GuestKind; level: number }[];
  edges: [GuestId, GuestId][];
  order: GuestId[];
}

/** graphJson returns exactly the documented keys, nothing more. */
export function graphJson(c: GuestClosure): GraphJson {
  return {
    nodes: c.nodes.map((n) => ({ id: n.id, kind: n.kind, level: n.level })),
    edges: c.edges.map((e): [GuestId, GuestId] => [e.from, e.to]),
    order: [...c.order],
  };
}

/** renderJson returns graphJson as one line of JSON with a newline. */
export function renderJson(c: GuestClosure): string {
  return `${JSON.stringify(graphJson(c))}\n`;
}
