// One ordering for graph keys everywhere, so every listing the graph produces is deterministic.
// Numbers sort numerically (so 900 comes before 1001), strings by code unit (locale-independent).

/** compareKeys orders two keys of the same type ascending. */
export function compareKeys<K extends string | number>(a: K, b: K): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** sortKeys returns a sorted copy of `keys`. */
export function sortKeys<K extends string | number>(keys: Iterable<K>): K[] {
  return [...keys].sort(compareKeys);
}
