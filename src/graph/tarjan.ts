// Strongly connected components (Tarjan, 1972), iterative so a long dependency chain cannot blow
// the call stack. Kept generic and separate from Dag so it can be tested on plain adjacency maps.

/**
 * stronglyConnected returns every strongly connected component of the graph given by `nodes` and
 * `successors`. Components come out in reverse topological order (sinks first), as Tarjan yields them.
 */
export function stronglyConnected<K>(nodes: Iterable<K>, successors: (k: K) => Iterable<K>): K[][] {
  const index = new Map<K, number>();
  const low = new Map<K, number>();
  const onStack = new Set<K>();
  const stack: K[] = [];
  const out: K[][] = [];
  let next = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    // Each frame remembers the node and the iterator over its successors still to visit.
    const frames: { node: K; it: Iterator<K> }[] = [];
    const visit = (k: K): void => {
      index.set(k, next);
      low.set(k, next);
      next++;
      stack.push(k);
      onStack.add(k);
      frames.push({ node: k, it: successors(k)[Symbol.iterator]() });
    };
    visit(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const step = frame.it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) visit(w);
        else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const v = frame.node;
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: K[] = [];
        let w: K;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        out.push(component);
      }
    }
  }
  return out;
}
