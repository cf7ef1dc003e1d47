// The shared body of `create`, `converge`, `plan`, `apply` and `adopt`: open a session, observe and
// plan the run (app/converge.ts), then either print the plan (and save it with -o) or confirm it
// and apply exactly it; print the run and map the outcome to an exit code (0 all ok, 1 any guest
// failed or was skipped, 2 refused, 130 interrupted; plan --detailed-exitcode: 2 changes).

import { EXIT, UsageError } from '../../diag/errors.js';
import { colorEnabled } from '../views/index.js';
import { runViewFor } from './view.js';
import { colors } from '../views/colors.js';
import { renderPlans } from '../plan-view.js';
import type { CommandContext } from '../io.js';
import { applyConverge, parseIds, planConverge, planResult, type ConvergeResult, type RunPlan, type Verb } from '../../app/converge.js';
import { actionsOf, savePlan, staleReasons, type SavedPlan } from '../../app/saved-plan.js';
import type { GuestPlan } from '../../plan/types.js';
import { writePrivate } from '../../util/private-fs.js';
import { resolve } from 'node:path';
import { ask } from '../prompt.js';
import { hasSelectors, targetIds } from './targets.js';
import { lockCliGuests, openCliSession, type Session } from './session.js';
import { GuestGraph } from '../../graph/guests.js';
import { oneLine } from '../../util/terminal.js';
import { PlacementFailed, preflightRun } from '../../app/preflight.js';
import { formatDiagnostic } from '../../diag/diagnostic.js';
import { PveCommandError } from '../../proxmox/errors.js';
import { callFailureText } from '../views/failure.js';

// Guests worked on at once. Most of a guest's time is spent waiting on Proxmox tasks and in-guest
// scripts, so the limit is about the host's load, not Phoenix's: at 4 a 50-guest graph was bound
// by the limit (wall ≈ 3.9× its critical path, bench/results), at 8 a host sees at most 8
// concurrent create/clone/start tasks from us. Raise it with --concurrency on a strong host.
export const DEFAULT_CONCURRENCY = 8;

export interface ConvergeCommandOptions {
  planOnly: boolean;
  /** `up`'s one session for both phases; it then prints the run's totals itself. */
  session?: Session;
  /** `phoenix apply FILE`: the saved plan to apply (refused when stale). */
  saved?: SavedPlan;
}

export async function convergeCommand(ctx: CommandContext, verb: Verb, opts: ConvergeCommandOptions): Promise<number> {
  const apply = !opts.planOnly && !ctx.globals.dryRun;
  const session = opts.session ?? (await openCliSession(ctx, { readOnly: !apply, warnings: opts.planOnly ? 'full' : 'count' }));
  const { io, globals } = ctx;
  await checkHostVersion(ctx, session);
  const signal = io.signal ?? new AbortController().signal;
  const scrub = (t: string) => session.secrets.scrubber.scrub(t);
  const color = colorEnabled({ env: io.env, isTTY: io.isTTY, flag: globals.color });
  // Named by id, name or tag (--tag, --exclude); none: every guest. A saved plan keeps its own.
  const ids = opts.saved ? parseIds(opts.saved.targets, session.config.guests) : targetIds(ctx, session.config.guests, verb === 'create' ? 'none' : 'all');
  const targets = opts.saved ? opts.saved.targets : hasSelectors(ctx) ? ids.map(String) : [];
  const hostProblems = await checkHost(ctx, session, closureIds(session, ids.length ? ids : [...session.config.guests.keys()]), apply);
  const release = apply ? await lockCliGuests(ctx, session, closureIds(session, ids.length ? ids : [...session.config.guests.keys()]), `phoenix ${verb}`) : () => {};
  const steps = new Map<number, string>(); // each guest's last step, to say where a call failed
  let result;
  try {
    const req = {
      verb,
      targets,
      apply,
      concurrency: globals.concurrency ?? DEFAULT_CONCURRENCY,
      failFast: Boolean(ctx.options.failFast),
      signal,
      noReboot: ctx.options.reboot === false,
      replace: replaceIds(ctx, session),
      adopt: ctx.options.adopt === true ? ('all' as const) : Array.isArray(ctx.options.adoptIds) ? parseIds(ctx.options.adoptIds.map(String), session.config.guests) : undefined,
    };
    const run = await planConverge(session, req);
    const plans = run.order.map((id) => run.plans.get(id)).filter((p) => p !== undefined);
    if (opts.saved) refuseStale(opts.saved, run, session);
    if (!apply) {
      const planned = planResult(session, run);
      if (typeof ctx.options.out === 'string') {
        writePrivate(
          resolve(io.cwd, ctx.options.out),
          `${scrub(
            JSON.stringify(
              savePlan(run, session.config, targets, (e) => scrub(e.message)),
              null,
              2,
            ),
          )}\n`,
        );
        if (!globals.quiet && !globals.json) io.stderr(`phoenix: plan saved to ${ctx.options.out}; apply it with 'phoenix apply ${ctx.options.out}'\n`);
      }
      if (globals.json) io.stdout(`${scrub(JSON.stringify({ plans, failures: failuresOf(planned), orphans: run.orphans }, null, 2))}\n`);
      else io.stdout(scrub(renderPlans(plans, colors(color), { verbose: globals.verbose, orphans: run.orphans })));
      const failed = reportFailures(ctx, planned, scrub, steps, session);
      if (hostProblems) {
        io.stderr(`phoenix: the host cannot take this config: ${hostProblems} problem${hostProblems === 1 ? '' : 's'} (listed first)\n`);
        return EXIT.usage;
      }
      if (failed) return EXIT.failed;
      // Terraform's -detailed-exitcode: 0 nothing to do, 2 changes, 1 an error.
      if (ctx.options.detailedExitcode) return plans.some((p) => p.symbol !== '=' && !p.unmanaged) ? EXIT.usage : EXIT.ok;
      return EXIT.ok;
    }
    if (!(await confirmPlan(ctx, plans, color, scrub))) {
      io.stderr('phoenix: not applied; nothing was changed\n');
      return EXIT.failed;
    }
    const view = runViewFor(ctx, session);
    try {
      result = await applyConverge(session, run, { ...req, onEvent: (e) => (e.kind === 'step' && steps.set(e.node, e.step), view.onEvent(e)) });
    } finally {
      view.close();
    }
  } finally {
    release();
  }
  const plans = result.order.map((id) => result.outcomes.get(id)?.plan).filter((p) => p !== undefined);
  if (globals.json) io.stdout(`${scrub(JSON.stringify({ plans, failures: failuresOf(result) }, null, 2))}\n`);
  else if (globals.verbose) io.stdout(scrub(renderPlans(plans, colors(color), { verbose: true })));
  const failed = reportFailures(ctx, result, scrub, steps, session);
  if (!opts.session) printTotals(ctx, session);
  if (signal.aborted) return EXIT.interrupted;
  return failed ? EXIT.failed : EXIT.ok;
}

/** --replace ID...: guests of the config, by id. */
function replaceIds(ctx: CommandContext, s: Session): number[] {
  const raw = ctx.options.replace;
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  return list.length ? parseIds(list, s.config.guests) : [];
}

/** Prints each failure once (guest, message, detail lines); true when any guest failed or was skipped. */
function reportFailures(ctx: CommandContext, r: ConvergeResult, scrub: (t: string) => string, steps?: Map<number, string>, s?: Session): boolean {
  let failed = false;
  for (const id of r.order) {
    const o = r.outcomes.get(id)!;
    if (o.result.status === 'failed') {
      failed = true;
      // Escaped: the message and detail lines quote what the guest printed.
      const call = o.result.error instanceof PveCommandError;
      const text = call && s ? callFailureText(s.config.guests.get(id), id, steps?.get(id), o.message ?? 'failed') : `guest ${id}: ${o.message ?? 'failed'}`;
      ctx.io.stderr(`${oneLine(scrub(`phoenix: ${text}`))}\n`);
      for (const l of o.detail ?? []) ctx.io.stderr(`${oneLine(scrub(`    ${l}`))}\n`);
    } else if (o.result.status === 'skipped' || o.result.status === 'cancelled') failed = true;
  }
  return failed;
}

/**
 * Before changing anything: with --yes, go; on a terminal, print the plan and ask; with no
 * terminal and no --yes, refuse (exit 2). A plan with no change needs no answer (its health
 * checks and verifications still run).
 */
async function confirmPlan(ctx: CommandContext, plans: GuestPlan[], color: boolean, scrub: (t: string) => string): Promise<boolean> {
  if (ctx.globals.yes || !plans.some((p) => p.symbol !== '=' && !p.unmanaged)) return true;
  if (!ctx.io.isTTY || ctx.globals.json) {
    throw new UsageError('this run changes guests and there is no terminal to ask on: refusing without --yes', "review it with 'phoenix plan', then run again with --yes (or save it with 'plan -o FILE' and 'phoenix apply FILE')");
  }
  ctx.io.stdout(scrub(renderPlans(plans, colors(color), { verbose: false })));
  return ask(ctx, 'Apply this plan?');
}

/** Refuses a saved plan when the config or the host changed since (naming guest and field). */
function refuseStale(saved: SavedPlan, run: RunPlan, s: Session): void {
  if (saved.failures.length) throw new UsageError(`the saved plan has guests that could not be planned (${saved.failures.map((f) => f.id).join(', ')}); nothing was done`, 'fix them and make the plan again');
  const reasons = staleReasons(saved, { config: s.config, observed: run.observed, order: run.order });
  const now = run.order.map((id) => run.plans.get(id)).filter((p) => p !== undefined);
  if (!reasons.length && actionsOf(now) !== actionsOf(saved.plans)) reasons.push('the plan made now differs from the saved one');
  if (reasons.length) throw new UsageError(`the saved plan is stale; nothing was done:\n  ${reasons.join('\n  ')}`, "make the plan again with 'phoenix plan -o FILE'");
}

/** The run's last line: how many Proxmox calls, and where its logs are. */
export function printTotals(ctx: CommandContext, s: Session): void {
  if (!ctx.globals.quiet && !ctx.globals.json) ctx.io.stderr(`phoenix: ${s.stats.reads} read and ${s.stats.mutations} mutating Proxmox calls; logs in ${s.logDir}\n`);
}

/**
 * The host's Proxmox VE release, read once per run. Phoenix sends every option whose default
 * differs between 8.4 and 9.x (e.g. `pct create --unprivileged`), so the release only decides
 * whether the host is one Phoenix can drive at all (PVE 8 or newer: import storage, import-from).
 */
async function checkHostVersion(ctx: CommandContext, s: Session): Promise<void> {
  let v;
  try {
    v = await s.driver.hostVersion();
  } catch (e) {
    if (!ctx.globals.quiet) ctx.io.stderr(`phoenix: warning: cannot read the Proxmox VE version (pveversion): ${(e as Error).message.split('\n')[0]}\n`);
    return;
  }
  if (v.major < 8) throw new UsageError(`this host runs Proxmox VE ${v.release}; Phoenix drives Proxmox VE 8.4 and 9.x`, 'upgrade the host');
  if (ctx.globals.verbose && !ctx.globals.quiet) ctx.io.stderr(`phoenix: Proxmox VE ${v.release} on node ${s.driver.node}\n`);
}

/**
 * Preflight (app/preflight.ts): the host checked once for the whole run before its first mutating
 * call; every problem printed like a config diagnostic. A run that would change anything stops
 * there when one is fatal (exit 2, nothing done); a plan goes on, so it lists every problem, and
 * exits 2. Returns the number of fatal problems.
 */
async function checkHost(ctx: CommandContext, s: Session, ids: number[], apply: boolean): Promise<number> {
  let found;
  try {
    found = await preflightRun(s, ids);
  } catch (e) {
    if (e instanceof PlacementFailed) throw e;
    // The host could not be read (pmxcfs down, an older pvesh): the run goes on, checked call by call.
    if (!ctx.globals.quiet) ctx.io.stderr(`phoenix: warning: cannot check the host before the run: ${(e as Error).message.split('\n')[0]}\n`);
    return 0;
  }
  for (const d of found) if (d.severity === 'error' || !ctx.globals.quiet) ctx.io.stderr(`${formatDiagnostic(d)}\n`);
  const errors = found.filter((d) => d.severity === 'error').length;
  if (errors && apply) throw new UsageError(`the host cannot take this config: ${errors} problem${errors === 1 ? '' : 's'} (above); nothing was done`, 'fix the config (or the host), then run again');
  return errors;
}

function failuresOf(r: ConvergeResult) {
  return [...r.outcomes.values()].filter((o) => o.result.status === 'failed').map((o) => ({ id: o.id, message: o.message, detail: o.detail }));
}

/** Every guest the run may act on: the targets and everything they need. */
export function closureIds(s: Session, targets: number[]): number[] {
  return new GuestGraph(s.config.guests).closure(targets).order;
}
