// Mermaid flowchart of a guest closure. Arrows point from a guest to what it needs (the JSON edge
// direction); drawn bottom-to-top so the bases sit at the top and the targets at the bottom.
// Clones are solid arrows, declared dependencies dotted.
import type { GuestClosure } from '../guests.js';

// Mermaid's quoted labels cannot hold a double quote; its entity form can.
const label = (s: string): string => s.replace(/"/g, '#quot;');

/** renderMermaid returns a `flowchart BT` document, ending with a newline. */
export function renderMermaid(c: GuestClosure): string {
  const lines = ['flowchart BT'];
  for (const n of c.nodes) {
    const text = label(`${n.id} ${n.name} (${n.kind})`);
    // LXC as rectangles, VMs with rounded corners.
    lines.push(n.kind === 'vm' ? `  g${n.id}("${text}")` : `  g${n.id}["${text}"]`);
  }
  for (const e of c.edges) for (const k of e.kinds) lines.push(k === 'clone' ? `  g${e.from} -->|clone of| g${e.to}` : `  g${e.from} -.->|depends on| g${e.to}`);
  return `${lines.join('\n')}\n`;
}
