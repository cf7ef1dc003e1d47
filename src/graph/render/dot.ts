// Graphviz DOT of a guest closure. Edges point from a guest to what it needs (the JSON edge
// direction); rankdir=BT puts the bases on top. Each level is one rank, so the picture shows
// which guests could run at the same time. Clones solid, declared dependencies dashed.
import type { GuestClosure } from '../guests.js';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** renderDot returns a `digraph phoenix { ... }` document, ending with a newline. */
export function renderDot(c: GuestClosure): string {
  const lines = ['digraph phoenix {', '  rankdir=BT;', '  node [shape=box];'];
  for (const n of c.nodes) {
    const style = n.kind === 'vm' ? ', style=rounded' : '';
    lines.push(`  ${quote(String(n.id))} [label=${quote(`${n.id} ${n.name}\n${n.kind}`).replace(/\n/g, '\\n')}${style}];`);
  }
  c.levels.forEach((ids, level) => {
    if (ids.length > 1) lines.push(`  { rank=same; ${ids.map((id) => `${quote(String(id))};`).join(' ')} }  // level ${level}`);
  });
  for (const e of c.edges) for (const k of e.kinds) lines.push(`  ${quote(String(e.from))} -> ${quote(String(e.to))} [label=${k === 'clone' ? '"clone of"' : '"depends on", style=dashed'}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
