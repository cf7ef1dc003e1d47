// Reasons in words, grouped by kind so a widely used base reads "clone source of 102, 103, 901"
// rather than three repeated phrases.
import type { Reason } from '../guests.js';

/** formatReasons: [] → "", else e.g. "target; clone source of 102, 103; dependency of 101". */
export function formatReasons(reasons: readonly Reason[]): string {
  const parts: string[] = [];
  if (reasons.some((r) => r.kind === 'target')) parts.push('target');
  const of = (kind: Reason['kind']) => reasons.flatMap((r) => (r.kind === kind && 'of' in r ? [r.of] : []));
  const clones = of('clone-source');
  const deps = of('dependency');
  if (clones.length) parts.push(`clone source of ${clones.join(', ')}`);
  if (deps.length) parts.push(`dependency of ${deps.join(', ')}`);
  return parts.join('; ');
}
