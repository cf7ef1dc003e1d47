// Pictures of a finished run: the graph with each guest coloured by its outcome, as Mermaid or
// Graphviz DOT. Takes plain data so `status` and the end-of-run summary can both use it. Edges
// point from a guest to what it needs (the graph command's direction), drawn bottom-to-top.
import type { NodeStatus } from '../../engine/events.js';
import type { Key } from './format.js';

export type Outcome = NodeStatus | 'pending';

export interface OutcomeGraph {
  nodes: Array<{ id: Key; label?: string }>;
  /** `from` needs `to`. */
  edges: Array<{ from: Key; to: Key }>;
  /** Guests missing here are drawn as 'pending'. */
  outcomes: ReadonlyMap<Key, Outcome> | Readonly<Record<string, Outcome>>;
}

const STYLE: Record<Outcome, { fill: string; stroke: string }> = {
  ok: { fill: '#d3f9d8', stroke: '#2b8a3e' },
  failed: { fill: '#ffe3e3', stroke: '#c92a2a' },
  skipped: { fill: '#fff3bf', stroke: '#e67700' },
  cancelled: { fill: '#e9ecef', stroke: '#868e96' },
  pending: { fill: '#ffffff', stroke: '#adb5bd' },
};

const outcomeOf = (g: OutcomeGraph, id: Key): Outcome => (g.outcomes instanceof Map ? g.outcomes.get(id) : (g.outcomes as Record<string, Outcome>)[String(id)]) ?? 'pending';

const text = (n: { id: Key; label?: string }, o: Outcome) => `${n.id}${n.label ? ` ${n.label}` : ''} (${o})`;

/** renderOutcomeMermaid returns a `flowchart BT` with one class per outcome, ending with a newline. */
export function renderOutcomeMermaid(g: OutcomeGraph): string {
  const id = (k: Key) => `g${String(k).replace(/[^A-Za-z0-9_]/g, '_')}`;
  const lines = ['flowchart BT'];
  for (const n of g.nodes) {
    const o = outcomeOf(g, n.id);
    lines.push(`  ${id(n.id)}["${text(n, o).replace(/"/g, '#quot;')}"]:::${o}`);
  }
  for (const e of g.edges) lines.push(`  ${id(e.from)} --> ${id(e.to)}`);
  for (const [o, s] of Object.entries(STYLE)) lines.push(`  classDef ${o} fill:${s.fill},stroke:${s.stroke},color:#000`);
  return `${lines.join('\n')}\n`;
}

/** renderOutcomeDot returns a `digraph phoenix_run` with filled, outcome-coloured nodes. */
export function renderOutcomeDot(g: OutcomeGraph): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph phoenix_run {', '  rankdir=BT;', '  node [shape=box, style=filled];'];
  for (const n of g.nodes) {
    const o = outcomeOf(g, n.id);
    lines.push(`  ${q(String(n.id))} [label=${q(text(n, o))}, fillcolor=${q(STYLE[o].fill)}, color=${q(STYLE[o].stroke)}];`);
  }
  for (const e of g.edges) lines.push(`  ${q(String(e.from))} -> ${q(String(e.to))};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
