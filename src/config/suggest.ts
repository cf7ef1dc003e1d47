// "did you mean ...?" for misspelt keys: the closest known key by edit distance, if close enough.

/** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known key closest to `key`, when the difference looks like a typo. */
export function suggest(key: string, known: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    if (norm(k) === norm(key)) return k;
    const dist = editDistance(key.toLowerCase(), k.toLowerCase());
    if (dist < bestDist) [best, bestDist] = [k, dist];
  }
  return bestDist <= Math.max(1, Math.floor(key.length / 4)) ? best : undefined;
}
