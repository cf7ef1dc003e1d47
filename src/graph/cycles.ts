// Turns strongly connected components into cycles a person can read, in one canonical form so a
// message reads the same on every run: each cycle starts at its smallest key and follows edge
// direction ("depends on"), and the list of cycles is sorted.

import { compareKeys } from './compare.js';
import { stronglyConnected } from './tarjan.js';

/**
 * findCyclesIn reports one cycle per strongly connected component of two or more nodes (the
 * shortest cycle through the component's smallest key, so the path is a real one the user can
 * follow), and every self-loop as the one-element cycle [k].
 * `successors` must yield the keys a node depends on.
 */
export function findCyclesIn<K extends string | number>(nodes: readonly K[], successors: (k: K) => readonly K[]): K[][] {
  const cycles: K[][] = [];
  for (const k of nodes) if (successors(k).includes(k)) cycles.push([k]);
  for (const component of stronglyConnected(nodes, successors)) {
    if (component.length < 2) continue;
    cycles.push(shortestCycleThroughMin(new Set(component), successors));
  }
  return cycles.sort(compareCycles);
}

// Breadth-first search from the smallest key back to itself, inside the component, visiting
// successors in ascending order so ties resolve the same way every time.
function shortestCycleThroughMin<K extends string | number>(component: Set<K>, successors: (k: K) => readonly K[]): K[] {
  const start = [...component].sort(compareKeys)[0];
  const parent = new Map<K, K>();
  const queue: K[] = [start];
  const seen = new Set<K>([start]);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of [...successors(v)].sort(compareKeys)) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path: K[] = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return path;
      }
      if (seen.has(w)) continue;
      seen.add(w);
      parent.set(w, v);
      queue.push(w);
    }
  }
  // Unreachable for a true SCC of size ≥ 2; fall back to the sorted members.
  return [...component].sort(compareKeys);
}

function compareCycles<K extends string | number>(a: K[], b: K[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareKeys(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
