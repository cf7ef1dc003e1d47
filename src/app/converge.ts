// create / converge / plan: the closure of the targets, run over the dependency graph by the
// engine, each guest through its manager workflow. In plan mode the same workflows run against a
// read-only driver and record what they would do.

import { resolveTargets } from './targets.js';
import { runDag, type NodeResult } from '../engine/index.js';
import { GuestGraph, UnknownGuestError } from '../graph/guests.js';
import type { Guest, GuestId } from '../model/guest.js';
import { GuestFailure, type WorkflowContext } from '../managers/context.js';
import { convergeLxc } from '../managers/lxc/workflow.js';
import { convergeVm } from '../managers/vm/workflow.js';
import type { GuestMode, GuestPlan } from '../plan/types.js';
import { isTaskInterrupted, isTransient } from '../proxmox/errors.js';
import { BACKOFF, policy, retryWhen } from '../util/retry.js';
import { UsageError } from '../diag/errors.js';
import type { Session } from './session.js';

export type Verb = 'create' | 'converge';

export interface ConvergeRequest {
  verb: Verb;
  /** Guest ids as typed; empty = every guest. */
  targets: string[];
  apply: boolean;
  concurrency: number;
  failFast?: boolean;
  signal: AbortSignal;
  onEvent?: Parameters<typeof runDag<GuestId>>[0]['onEvent'];
  /** Test seams. */
  health?: WorkflowContext['health'];
  pollMs?: number;
}

export interface GuestOutcome {
  id: GuestId;
  result: NodeResult<GuestId>;
  plan?: GuestPlan;
  /** Root-cause message for a failure (feature/check named, exit code, last log lines). */
  message?: string;
  detail?: string[];
}

export interface ConvergeResult {
  order: GuestId[];
  outcomes: Map<GuestId, GuestOutcome>;
  edges: Array<[GuestId, GuestId]>;
}

export const parseIds = (args: string[], guests: Map<GuestId, Guest>): GuestId[] => resolveTargets(args, guests);

export async function runConverge(s: Session, req: ConvergeRequest): Promise<ConvergeResult> {
  const guests = s.config.guests;
  const targets = req.targets.length ? parseIds(req.targets, guests) : [...guests.keys()];
  const graph = new GuestGraph(guests);
  let closure;
  try {
    closure = graph.closure(targets);
  } catch (e) {
    if (e instanceof UnknownGuestError) throw new UsageError(e.message);
    throw e;
  }
  const targetSet = new Set(targets);
  const modeOf = (id: GuestId): GuestMode => (req.verb === 'converge' || targetSet.has(id) ? 'converge' : 'ensure');
  const deps = new Map<GuestId, GuestId[]>();
  for (const e of closure.edges) deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);

  const outcomes = new Map<GuestId, GuestOutcome>();
  const createdThisRun = new Set<GuestId>();
  const plans = new Map<GuestId, GuestPlan>();
  const failures = new Map<GuestId, GuestFailure>();

  const results = await runDag<GuestId>({
    nodes: req.apply ? byCriticality(closure.order, deps) : closure.order,
    // A plan has nothing to wait for: every guest is observed independently.
    deps: (k) => (req.apply ? (deps.get(k) ?? []) : []),
    concurrency: req.concurrency,
    // A task that died (`interrupted by signal`) is retried too: the next attempt finds its
    // journal entry and finishes or redoes the step.
    retry: policy(BACKOFF.task, retryWhen(isTransient, isTaskInterrupted)),
    failFast: req.failFast,
    signal: req.signal,
    onEvent: req.onEvent,
    run: async (id, nctx) => {
      const g = guests.get(id)!;
      const ctx: WorkflowContext = {
        driver: s.driver,
        apply: req.apply,
        config: s.config,
        registry: s.registry,
        secrets: s.secrets,
        logDir: s.logDir,
        pending: s.pending,
        inflight: s.inflight,
        unconfigured: s.unconfigured,
        signal: nctx.signal,
        emit: (step, detail) => nctx.emit({ kind: 'step', step, status: 'started', detail }),
        health: req.health,
        pollMs: req.pollMs,
        createdThisRun,
      };
      try {
        const plan = g.kind === 'lxc' ? await convergeLxc(g, modeOf(id), ctx) : await convergeVm(g, modeOf(id), ctx);
        plans.set(id, plan);
        return { kind: 'ok', note: plan.symbol === '=' ? 'unchanged' : 'changed' };
      } catch (e) {
        if (e instanceof GuestFailure) failures.set(id, e);
        throw e;
      }
    },
  });

  for (const id of closure.order) {
    const result = results.get(id)!;
    const f = failures.get(id);
    const message = f?.message ?? (result.status === 'failed' ? s.secrets.scrubber.scrub(errorText(result.error)) : undefined);
    outcomes.set(id, { id, result, plan: plans.get(id), message, detail: f?.detail });
  }
  return { order: closure.order, outcomes, edges: closure.edges.map((e) => [e.from, e.to]) };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Ready guests start in this order: those with the longest chain of guests waiting on them first
 * (a critical-path heuristic), ties in graph order. With more ready guests than slots, starting the
 * long chains early keeps the run close to its critical path.
 */
export function byCriticality(order: readonly GuestId[], deps: ReadonlyMap<GuestId, readonly GuestId[]>): GuestId[] {
  const dependents = new Map<GuestId, GuestId[]>();
  for (const [from, tos] of deps) for (const to of tos) dependents.set(to, [...(dependents.get(to) ?? []), from]);
  const height = new Map<GuestId, number>();
  for (const id of [...order].reverse()) {
    height.set(id, 1 + Math.max(0, ...(dependents.get(id) ?? []).map((d) => height.get(d) ?? 0)));
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  return [...order].sort((a, b) => height.get(b)! - height.get(a)! || rank.get(a)! - rank.get(b)!);
}
