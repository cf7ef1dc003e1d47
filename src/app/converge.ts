// create / converge / plan: the closure of the targets, observed once, planned guest by guest in
// dependency order against what is observed and what earlier plans leave (managers/world.ts),
// then, for create/converge, applied over the dependency graph by the engine: each guest executes
// exactly the actions of its plan. A guest whose apply fails on a transient error is observed and
// planned again before its next attempt (its plan is then reported as re-made).

import { resolveTargets } from './targets.js';
import { placeLimits, runDag, type NodeResult } from '../engine/index.js';
import { GuestGraph, UnknownGuestError } from '../graph/guests.js';
import type { Guest, GuestId } from '../model/guest.js';
import { GuestFailure, type ApplyContext, type PlanContext } from '../managers/context.js';
import { executePlan } from '../managers/execute.js';
import { featuresOf } from '../managers/common/in-guest.js';
import { planLxc } from '../managers/lxc/workflow.js';
import { leasedAddresses } from '../features/access.js';
import { observeWorld } from '../managers/observe.js';
import { planVm } from '../managers/vm/workflow.js';
import type { World } from '../managers/world.js';
import type { GuestMode, GuestPlan, Orphan } from '../plan/types.js';
import { isManaged, PHOENIX_TAG } from '../managers/common/ownership.js';
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
  /** --no-reboot: changes that need a restart stay pending (the plan says so). */
  noReboot?: boolean;
  /** --replace: guests to destroy and make again when a create-time setting differs. */
  replace?: GuestId[];
  /** `phoenix adopt ID` / `--adopt`: take over guests that exist without Phoenix's tag. */
  adopt?: GuestId[] | 'all';
  /** Test seams. */
  health?: ApplyContext['health'];
  pollMs?: number;
}

export interface GuestOutcome {
  id: GuestId;
  result: NodeResult<GuestId>;
  /** The plan (in an apply: with each step's outcome, as executed). */
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

/** A run's plans, made before anything is applied. */
export interface RunPlan {
  verb: Verb;
  order: GuestId[];
  edges: Array<[GuestId, GuestId]>;
  plans: Map<GuestId, GuestPlan>;
  /** Guests whose plan could not be made (unknown feature, missing clone source, a disk to shrink). */
  failures: Map<GuestId, Error>;
  /** Guests not planned because a guest they need could not be. */
  blocked: Map<GuestId, GuestId>;
  /** The world as observed (before any plan), for fingerprints. */
  observed: World;
  /** When it was observed (ms since the epoch). */
  observedAt: number;
  /** Phoenix-managed guests on the host that the config no longer names. */
  orphans: Orphan[];
}

export const parseIds = (args: string[], guests: Map<GuestId, Guest>): GuestId[] => resolveTargets(args, guests);

function closureOf(s: Session, verb: Verb, targetArgs: string[]) {
  const guests = s.config.guests;
  const targets = targetArgs.length ? parseIds(targetArgs, guests) : [...guests.keys()];
  try {
    const closure = new GuestGraph(guests).closure(targets);
    const targetSet = new Set(targets);
    const modeOf = (id: GuestId): GuestMode => (verb === 'converge' || targetSet.has(id) ? 'converge' : 'ensure');
    return { closure, modeOf };
  } catch (e) {
    if (e instanceof UnknownGuestError) throw new UsageError(e.message);
    throw e;
  }
}

function planContext(s: Session, world: World, signal: AbortSignal, req: Pick<ConvergeRequest, 'noReboot' | 'replace' | 'adopt'>): PlanContext {
  return {
    reader: world.reader(),
    world,
    config: s.config,
    registry: s.registry,
    secrets: s.secrets,
    pending: s.pending,
    unconfigured: s.unconfigured,
    inflight: s.inflight,
    noReboot: req.noReboot,
    replace: new Set(req.replace ?? []),
    adopt: req.adopt === 'all' ? 'all' : new Set(req.adopt ?? []),
    imageAt: (vmid) => s.placement?.get(vmid)?.image,
    signal,
  };
}

const planKind = (g: Guest, mode: GuestMode, ctx: PlanContext): Promise<GuestPlan> => (g.kind === 'lxc' ? planLxc(g, mode, ctx) : planVm(g, mode, ctx));

/**
 * A guest's plan. One that exists at a configured id without Phoenix's tag is somebody else's:
 * its differences are planned (against a copy of the world, so nothing downstream counts on
 * them) and shown, and none is applied until it is adopted.
 */
async function planGuest(g: Guest, mode: GuestMode, ctx: PlanContext): Promise<GuestPlan> {
  const seen = ctx.world.get(g.id);
  const adopted = ctx.adopt === 'all' || ctx.adopt?.has(g.id);
  // A guest our journal says we were defining is judged by the recovery (ours, or stale and adopted).
  const journaled = ctx.inflight?.get(g.id)?.op === 'define';
  if (!seen || seen.status.template || seen.predicted || isManaged(seen.config.options) || adopted || journaled) return planKind(g, mode, ctx);
  const world = ctx.world.fork();
  const p = await planKind(g, mode, { ...ctx, world, reader: world.reader() });
  return {
    ...p,
    symbol: '!',
    unmanaged: true,
    steps: p.steps.filter((st) => st.symbol !== '=').map(({ action: _none, ...st }) => st),
    notes: [...p.notes, `exists, not managed by Phoenix (no "${PHOENIX_TAG}" tag): nothing is changed; 'phoenix adopt ${g.id}' takes it over`],
  };
}

/** Phoenix-tagged guests on the host that the config does not name (from the bulk read, else one read each). */
export async function findOrphans(s: Session): Promise<Orphan[]> {
  const inv = await s.driver.inventory();
  const rows = inv ? inv.guests.map((x) => ({ vmid: x.vmid, type: x.type, options: x.config.options })) : await Promise.all((await s.driver.list()).filter((e) => !s.config.guests.has(e.vmid)).map(async (e) => ({ vmid: e.vmid, type: e.type, options: (await s.driver.config(e.type, e.vmid))?.options ?? {} })));
  return rows
    .filter((r) => !s.config.guests.has(r.vmid) && isManaged(r.options))
    .map((r) => ({ vmid: r.vmid, type: r.type, name: (r.type === 'lxc' ? r.options.hostname : r.options.name) ?? '' }))
    .sort((a, b) => a.vmid - b.vmid);
}

/** Observe the closure once, then plan each guest in dependency order (pure over the observed values). */
/**
 * Reads in flight while observing: a multiple of --concurrency. A read (a status, one exec per
 * running guest) takes no lock and no storage, so it can go wider than the work that does; at
 * 4 × the default 8, a node answers 32 reads at once (32 short-lived pct/qm processes).
 */
export const readConcurrency = (concurrency: number): number => Math.min(256, concurrency * 4);

/**
 * `apply`: the plan is for applying now, so the observing exec of each running guest also makes
 * one attempt of its command health checks (a guest the apply leaves untouched is not asked again).
 */
export async function planConverge(s: Session, req: Pick<ConvergeRequest, 'verb' | 'targets' | 'signal' | 'concurrency' | 'noReboot' | 'replace' | 'adopt'> & { apply?: boolean }): Promise<RunPlan> {
  const { closure, modeOf } = closureOf(s, req.verb, req.targets);
  const guests = closure.order.map((id) => s.config.guests.get(id)!);
  const observed = await observeWorld(s.driver, guests, { config: s.config, registry: s.registry, signal: req.signal, inflight: s.inflight, imageAt: (vmid) => s.placement?.get(vmid)?.image }, readConcurrency(req.concurrency), { checks: req.apply === true });
  const observedAt = Date.now();
  const world = observed.fork();
  const ctx = planContext(s, world, req.signal, req);
  const deps = depsOf(closure.edges);
  const plans = new Map<GuestId, GuestPlan>();
  const failures = new Map<GuestId, Error>();
  const blocked = new Map<GuestId, GuestId>();
  for (const g of guests) {
    const bad = (deps.get(g.id) ?? []).find((d) => failures.has(d) || blocked.has(d));
    if (bad !== undefined) {
      // Its own problems are still named (a plan lists every one); otherwise it waits for `bad`.
      try {
        featuresOf(g, ctx);
        blocked.set(g.id, bad);
      } catch (e) {
        failures.set(g.id, e as Error);
      }
      continue;
    }
    const unread = world.readErrors.get(g.id);
    if (unread) {
      failures.set(g.id, unread);
      continue;
    }
    try {
      plans.set(g.id, await planGuest(g, modeOf(g.id), ctx));
    } catch (e) {
      failures.set(g.id, e as Error);
    }
  }
  // On a cluster, each guest's plan says where it is or goes, and why (app/placement.ts).
  if ((s.cluster?.cluster.nodes.length ?? 1) > 1) {
    for (const [id, p] of plans) {
      const where = s.placement?.get(id);
      if (where) plans.set(id, { ...p, notes: [...p.notes, where.why] });
    }
  }
  // Orphans are looked for only when the run covers the whole config (no targets).
  const orphans = req.targets.length ? [] : await findOrphans(s);
  return { verb: req.verb, order: closure.order, edges: closure.edges.map((e) => [e.from, e.to]), plans, failures, blocked, observed, observedAt, orphans };
}

/** Apply a run's plans over the dependency graph: each guest executes its plan's actions, in order. */
/** How old an observation's health attempts may be when the apply starts (a long look at the plan's prompt: run them again). */
const CHECKS_FRESH_MS = 30_000;

export async function applyConverge(s: Session, run: RunPlan, req: ConvergeRequest): Promise<ConvergeResult> {
  const deps = depsOf(run.edges.map(([from, to]) => ({ from, to })));
  const checksFresh = Date.now() - run.observedAt <= CHECKS_FRESH_MS;
  const executed = new Map<GuestId, GuestPlan>();
  const downloads = new Map<string, Promise<void>>();
  // A create waits for the download another guest's plan makes (created here, resolved there).
  const waiting = new Map<string, { promise: Promise<void>; settle: (e?: unknown) => void }>();
  for (const p of run.plans.values()) {
    for (const st of p.steps) {
      if (st.action?.kind !== 'download') continue;
      let settle!: (e?: unknown) => void;
      const promise = new Promise<void>((res, rej) => (settle = (e) => (e ? rej(e) : res())));
      promise.catch(() => {});
      waiting.set(st.action.key ?? st.action.volid, { promise, settle });
      downloads.set(st.action.key ?? st.action.volid, promise);
    }
  }
  const featuresRan = new Set<GuestId>();
  // On a cluster, --concurrency is per node and per storage (a storage the nodes share counts once
  // for all of them): the run as a whole takes that many per node it works on.
  const placement = (s.cluster?.cluster.nodes.length ?? 1) > 1 ? s.placement : undefined;
  const nodesUsed = new Set([...(placement?.values() ?? [])].map((p) => p.node)).size;
  const limits = placement ? { concurrency: req.concurrency * Math.max(1, nodesUsed), ...placeLimits<GuestId>({ nodeOf: (k) => placement.get(k)?.node, storagesOf: (k) => placement.get(k)?.storageKeys ?? [], perNode: req.concurrency, perStorage: req.concurrency }) } : { concurrency: req.concurrency };
  const results = await runDag<GuestId>({
    nodes: byCriticality(run.order, deps),
    deps: (k) => deps.get(k) ?? [],
    ...limits,
    // A task that died (`interrupted by signal`) is retried too: the next attempt observes the
    // guest again, finds its journal entry, and its new plan finishes or redoes the step.
    retry: policy(BACKOFF.task, retryWhen(isTransient, isTaskInterrupted)),
    failFast: req.failFast,
    signal: req.signal,
    onEvent: req.onEvent,
    run: async (id, nctx) => {
      const failure = run.failures.get(id);
      if (failure) throw failure;
      const g = s.config.guests.get(id)!;
      let plan = run.plans.get(id)!;
      if (nctx.attempt > 1) {
        // Observed and planned again: what the failed attempt did is on the host now.
        const world = await observeWorld(s.driver, [g, ...(deps.get(id) ?? []).map((d) => s.config.guests.get(d)!)], { config: s.config, registry: s.registry, signal: nctx.signal, inflight: s.inflight, imageAt: (vmid) => s.placement?.get(vmid)?.image });
        plan = await planGuest(g, plan.mode, { ...planContext(s, world, nctx.signal, req), replanning: true });
        plan = { ...plan, notes: [...plan.notes, `re-planned after a failed attempt (attempt ${nctx.attempt})`] };
      }
      const actx: ApplyContext = {
        driver: s.driver,
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
        downloads,
        featuresRan,
        // Attempted at observation; a re-planned attempt observed again without them.
        observedChecks: nctx.attempt > 1 || !checksFresh ? undefined : run.observed.get(id)?.checks,
      };
      const steps: GuestPlan['steps'] = [];
      try {
        const done = await executePlan(plan, actx, (st) => {
          if (st.action?.kind === 'download') waiting.get(st.action.key ?? st.action.volid)?.settle();
        });
        const byAction = new Map(done.map((d) => [d.action, d]));
        for (const st of plan.steps) steps.push(byAction.get(st.action) ?? st);
      } catch (e) {
        for (const st of plan.steps) if (st.action?.kind === 'download') waiting.get(st.action.key ?? st.action.volid)?.settle(e);
        throw e;
      } finally {
        executed.set(id, { ...plan, steps: steps.length ? steps : plan.steps });
      }
      // A guest on DHCP: where it can be reached, asked of it once it is done (for the summary).
      const lease = await leasedAddresses(s.driver, g);
      if (lease) s.leases.set(id, lease);
      return { kind: 'ok', note: plan.symbol === '=' ? 'unchanged' : 'changed' };
    },
  });
  const outcomes = new Map<GuestId, GuestOutcome>();
  for (const id of run.order) {
    const result = results.get(id)!;
    const err = result.status === 'failed' ? result.error : undefined;
    const f = err instanceof GuestFailure ? err : undefined;
    const message = f?.message ?? (err !== undefined ? s.secrets.scrubber.scrub(errorText(err)) : undefined);
    outcomes.set(id, { id, result, plan: executed.get(id) ?? run.plans.get(id), message, detail: f?.detail });
  }
  return { order: run.order, outcomes, edges: run.edges };
}

/** The plan as a result (plan, --dry-run): every guest ok with its plan, or failed with why. */
export function planResult(s: Session, run: RunPlan): ConvergeResult {
  const outcomes = new Map<GuestId, GuestOutcome>();
  for (const id of run.order) {
    const f = run.failures.get(id);
    const b = run.blocked.get(id);
    const result: NodeResult<GuestId> = f ? { status: 'failed', attempts: 1, elapsedMs: 0, error: f, errorClass: 'terminal' } : b !== undefined ? { status: 'skipped', rootCauses: [b] } : { status: 'ok', attempts: 1, elapsedMs: 0, note: run.plans.get(id)!.symbol === '=' ? 'unchanged' : 'changed' };
    const message = f ? (f instanceof GuestFailure ? f.message : s.secrets.scrubber.scrub(errorText(f))) : b !== undefined ? `not planned: ${b} could not be planned` : undefined;
    outcomes.set(id, { id, result, plan: run.plans.get(id), message, detail: f instanceof GuestFailure ? f.detail : undefined });
  }
  return { order: run.order, outcomes, edges: run.edges };
}

export async function runConverge(s: Session, req: ConvergeRequest): Promise<ConvergeResult> {
  const run = await planConverge(s, req);
  return req.apply ? applyConverge(s, run, req) : planResult(s, run);
}

function depsOf(edges: ReadonlyArray<{ from: GuestId; to: GuestId }>): Map<GuestId, GuestId[]> {
  const deps = new Map<GuestId, GuestId[]>();
  for (const e of edges) deps.set(e.from, [...(deps.get(e.from) ?? []), e.to]);
  return deps;
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
