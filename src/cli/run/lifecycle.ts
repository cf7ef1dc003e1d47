// start / stop / restart / delete / health-check: small per-guest actions run over the
// dependency graph by the engine (dependencies first for start, dependents first for stop and
// delete), each safe to repeat: starting a running guest or stopping a stopped one is a no-op.

import { EXIT, UsageError } from '../../diag/errors.js';
import { runDag, type EngineEvent } from '../../engine/index.js';
import { GuestGraph } from '../../graph/guests.js';
import type { Guest, GuestId } from '../../model/guest.js';
import { featuresOf, checksOf } from '../../managers/common/in-guest.js';
import type { PlanContext } from '../../managers/context.js';
import { leasedHost, onDhcp } from '../../features/access.js';
import { runHealthChecks, hostOfIp, type HealthReport } from '../../health/index.js';
import { isTransient } from '../../proxmox/errors.js';
import type { GuestType } from '../../proxmox/types.js';
import { BACKOFF, policy, retryWhen } from '../../util/retry.js';
import { colors } from '../views/colors.js';
import { colorEnabled } from '../views/index.js';
import { runViewFor } from './view.js';
import type { CommandContext } from '../io.js';
import { targetIds } from './targets.js';
import { lockCliGuests, openCliSession, type Session } from './session.js';
import { DEFAULT_CONCURRENCY } from './converge-command.js';
import { oneLine } from '../../util/terminal.js';

export const typeOf = (g: Guest): GuestType => (g.kind === 'vm' ? 'qemu' : 'lxc');

export interface Action {
  /** Nothing is changed (dry run, health check): no guest locks. */
  readOnly?: boolean;
  /** Guests to act on, in the order ready ones should start. */
  nodes: GuestId[];
  deps: (id: GuestId) => GuestId[];
  run: (g: Guest, emit: (step: string, detail?: string) => void, signal: AbortSignal) => Promise<string>;
  /** Guests locked besides `nodes` (e.g. the dependents delete must see stand still). */
  alsoLock?: GuestId[];
  /** Runs once every lock is held, before any guest is acted on; throwing acts on none. */
  whenLocked?: () => Promise<void>;
}

/** Runs an action over the engine with the usual view, lock and exit codes. */
export async function runAction(ctx: CommandContext, s: Session, verb: string, a: Action): Promise<number> {
  const { io, globals } = ctx;
  const signal = io.signal ?? new AbortController().signal;
  const scrub = (t: string) => s.secrets.scrubber.scrub(t);
  // Read-only runs (dry runs, health checks) act on nothing, so they take no lock and wait for none.
  const release = a.readOnly ? () => {} : await lockCliGuests(ctx, s, [...a.nodes, ...(a.alsoLock ?? [])], `phoenix ${verb}`);
  try {
    await a.whenLocked?.();
  } catch (e) {
    release();
    throw e;
  }
  const view = runViewFor(ctx, s);
  const messages = new Map<GuestId, string>();
  let results;
  try {
    results = await runDag<GuestId>({
      nodes: a.nodes,
      deps: a.deps,
      concurrency: globals.concurrency ?? DEFAULT_CONCURRENCY,
      retry: policy(BACKOFF.task, retryWhen(isTransient)),
      signal,
      onEvent: (e: EngineEvent<GuestId>) => view.onEvent(e),
      run: async (id, nctx) => {
        try {
          const note = await a.run(s.config.guests.get(id)!, (step, detail) => nctx.emit({ kind: 'step', step, status: 'started', detail }), nctx.signal);
          return { kind: 'ok', note };
        } catch (e) {
          messages.set(id, scrub((e as Error).message));
          throw e;
        }
      },
    });
  } finally {
    view.close();
    release();
  }
  let failed = false;
  for (const [id, r] of results) {
    if (r.status === 'failed') io.stderr(`phoenix: guest ${id}: ${oneLine(messages.get(id) ?? 'failed')}\n`);
    if (r.status !== 'ok') failed = true;
  }
  if (signal.aborted) return EXIT.interrupted;
  return failed ? EXIT.failed : EXIT.ok;
}

function graphOf(s: Session) {
  return new GuestGraph(s.config.guests);
}

/** start ID...: the guests and what they need, dependencies first; templates are skipped. */
export async function startCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const closure = graphOf(s).closure(targetIds(ctx, s.config.guests, 'none'));
  const deps = depsMap(closure.edges);
  return runAction(ctx, s, 'start', { readOnly: ctx.globals.dryRun, nodes: closure.order, deps: (id) => deps.get(id) ?? [], run: (g, emit) => startGuest(s, g, emit, ctx.globals.dryRun) });
}

export async function startGuest(s: Session, g: Guest, emit: (step: string, d?: string) => void, dryRun: boolean): Promise<string> {
  const st = await s.driver.status(typeOf(g), g.id);
  if (!st) throw new Error(`${g.kind === 'vm' ? 'VM' : 'container'} ${g.id} does not exist (run 'phoenix create ${g.id}')`);
  if (st.template) return 'template (not started)';
  if (st.status === 'running') return 'already running';
  // Never start a guest whose configuration was never applied: a clone whose `set` failed still
  // has its source's address (two guests on one IP). The journal of a killed define says the same.
  const defining = s.inflight?.get(g.id)?.op === 'define';
  if (s.unconfigured?.has(g.id) || defining) {
    throw new Error(`${g.kind === 'vm' ? 'VM' : 'container'} ${g.id} never converged: ${defining ? 'a run was interrupted while creating it' : 'its configuration was never applied after it was created'}; not starting it (run 'phoenix converge ${g.id}')`);
  }
  if (dryRun) return 'would start';
  emit('start');
  await s.driver.start(typeOf(g), g.id);
  return 'started';
}

/** Graceful shutdown within `timeoutSec`, then a hard stop if it did not go down. */
export async function stopGuest(s: Session, g: Guest, emit: (step: string, d?: string) => void, timeoutSec: number, dryRun: boolean): Promise<string> {
  const t = typeOf(g);
  const st = await s.driver.status(t, g.id);
  if (!st) return 'does not exist';
  if (st.template) return 'template (skipped)';
  if (st.status !== 'running') return 'already stopped';
  if (dryRun) return 'would stop';
  emit('shutdown', `${timeoutSec}s`);
  try {
    await s.driver.shutdown(t, g.id, timeoutSec);
  } catch (e) {
    if (isTransient(e)) throw e;
  }
  const after = await s.driver.status(t, g.id);
  if (after?.status === 'running') {
    emit('stop', 'graceful shutdown timed out');
    await s.driver.stop(t, g.id);
    return 'stopped (hard, after shutdown timed out)';
  }
  return 'stopped';
}

function depsMap(edges: Array<{ from: GuestId; to: GuestId }>): Map<GuestId, GuestId[]> {
  const m = new Map<GuestId, GuestId[]>();
  for (const e of edges) m.set(e.from, [...(m.get(e.from) ?? []), e.to]);
  return m;
}

/** The named guests, plus (withDeps) everything that depends on them; dependents go first. */
function stopSet(s: Session, ids: GuestId[], withDeps: boolean): { nodes: GuestId[]; deps: (id: GuestId) => GuestId[] } {
  const graph = graphOf(s);
  const set = new Set(ids);
  if (withDeps) for (const id of ids) for (const d of graph.dag.descendants(id)) set.add(d);
  // Reverse edges inside the set: a guest stops after everything in the set that needs it.
  const nodes = graph
    .closure([...set])
    .order.filter((id) => set.has(id))
    .reverse();
  return { nodes, deps: (id) => graph.dag.dependentsOf(id).filter((d) => set.has(d)) };
}

export async function stopCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const timeout = Number(ctx.options.timeout ?? 60);
  if (!Number.isInteger(timeout) || timeout < 0) throw new UsageError(`--timeout expects whole seconds, got "${ctx.options.timeout}"`);
  const set = stopSet(s, targetIds(ctx, s.config.guests, 'none'), Boolean(ctx.options.withDeps));
  return runAction(ctx, s, 'stop', { ...set, readOnly: ctx.globals.dryRun, run: (g, emit) => stopGuest(s, g, emit, timeout, ctx.globals.dryRun) });
}

export async function restartCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const ids = targetIds(ctx, s.config.guests, 'none');
  return runAction(ctx, s, 'restart', {
    readOnly: ctx.globals.dryRun,
    nodes: ids,
    deps: () => [],
    run: async (g, emit) => {
      const stopped = await stopGuest(s, g, emit, 60, ctx.globals.dryRun);
      if (stopped.startsWith('template')) return stopped;
      const started = await startGuest(s, g, emit, ctx.globals.dryRun);
      return `${stopped}, ${started}`;
    },
  });
}

/** health-check ID...: run each guest's checks (configured + its features' defaults). */
export async function healthCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: true });
  // No ids: every guest (templates are reported as such).
  const ids = targetIds(ctx, s.config.guests, 'all');
  const reports = new Map<GuestId, HealthReport>();
  const code = await runAction(ctx, s, 'health-check', {
    readOnly: true,
    nodes: ids,
    deps: () => [],
    run: async (g, emit, signal) => {
      // A guest that is not there, or not running, is not healthy, checks or not.
      const st = await s.driver.status(typeOf(g), g.id);
      if (!st) throw new Error(`${g.kind === 'vm' ? 'VM' : 'container'} ${g.id} does not exist (run 'phoenix create ${g.id}')`);
      if (st.template) return 'template (no checks)';
      if (st.status !== 'running') throw new Error(`${g.kind === 'vm' ? 'VM' : 'container'} ${g.id} is not running (${st.status})`);
      const wctx = { registry: s.registry, config: s.config } as PlanContext;
      const checks = checksOf(g, featuresOf(g, wctx));
      if (!checks.length) return 'no health checks configured';
      emit('health', checks.map((c) => c.name).join(', '));
      const r = await runHealthChecks(s.driver, { type: typeOf(g), vmid: g.id }, checks, { signal, guestHost: hostOfIp(g.network?.ip) ?? (onDhcp(g) ? () => leasedHost(s.driver, g) : undefined), scrub: (t) => s.secrets.scrubber.scrub(t) });
      reports.set(g.id, r);
      if (!r.healthy)
        throw new Error(
          r.results
            .filter((x) => !x.ok)
            .map((x) => `check "${x.name}" failed after ${x.attempts} attempt(s): ${x.detail}`)
            .join('; '),
        );
      return 'healthy';
    },
  });
  if (ctx.globals.json) {
    ctx.io.stdout(`${JSON.stringify(Object.fromEntries(reports))}\n`);
  } else {
    const c = colors(colorEnabled({ env: ctx.io.env, isTTY: ctx.io.isTTY, flag: ctx.globals.color }));
    for (const [id, r] of reports) for (const x of r.results) ctx.io.stdout(`${id}  ${x.ok ? c.green('ok  ') : c.red('FAIL')}  ${oneLine(x.name)}  (${x.attempts} attempt(s)) ${oneLine(x.detail)}\n`);
  }
  return code;
}
