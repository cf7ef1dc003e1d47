// Reading a finished run: only root causes are failures (skipped nodes point at them), as in
// Terraform, so a caller reports each real problem once.
import type { NodeStatus } from './events.js';
import type { NodeResult, RunResults } from './types.js';

export interface RootFailure<K> {
  node: K;
  error: unknown;
  /** Nodes skipped because of this one (directly or further down). */
  skipped: K[];
}

/** rootFailures lists the failed nodes, in run order, each with the nodes its failure skipped. */
export function rootFailures<K>(results: RunResults<K>): RootFailure<K>[] {
  const out: RootFailure<K>[] = [];
  const byNode = new Map<K, RootFailure<K>>();
  for (const [node, r] of results) {
    if (r.status !== 'failed') continue;
    const f = { node, error: r.error, skipped: [] };
    out.push(f);
    byNode.set(node, f);
  }
  for (const [node, r] of results) if (r.status === 'skipped') for (const c of r.rootCauses) byNode.get(c)?.skipped.push(node);
  return out;
}

/** countOutcomes counts the nodes per status. */
export function countOutcomes<K>(results: RunResults<K> | Iterable<NodeResult<K>>): Record<NodeStatus, number> {
  const counts: Record<NodeStatus, number> = { ok: 0, failed: 0, skipped: 0, cancelled: 0 };
  const values = results instanceof Map ? results.values() : results;
  for (const r of values) counts[r.status]++;
  return counts;
}
