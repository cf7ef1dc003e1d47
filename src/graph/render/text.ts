// Human listing of a guest closure: level by level, each guest after everything it needs, with
// the reason it is there. Guests on one level could be worked on at the same time.
import type { GuestClosure } from '../guests.js';
import { formatReasons } from './reasons.js';

/** renderText returns the listing, one line per guest, ending with a newline. */
export function renderText(c: GuestClosure): string {
  const byId = new Map(c.nodes.map((n) => [n.id, n]));
  const idW = Math.max(0, ...c.nodes.map((n) => String(n.id).length));
  const nameW = Math.max(0, ...c.nodes.map((n) => n.name.length));
  const lines: string[] = [];
  c.levels.forEach((ids, level) => {
    lines.push(`level ${level}`);
    for (const id of ids) {
      const n = byId.get(id)!;
      const reasons = formatReasons(n.reasons);
      const row = `  ${String(id).padEnd(idW)}  ${n.kind.padEnd(3)}  ${reasons ? n.name.padEnd(nameW) : n.name}`;
      lines.push(reasons ? `${row}  ${reasons}` : row);
    }
  });
  const g = c.nodes.length;
  const l = c.levels.length;
  lines.push(`${g} guest${g === 1 ? '' : 's'} in ${l} level${l === 1 ? '' : 's'}; each guest comes after everything it needs.`);
  return `${lines.join('\n')}\n`;
}
