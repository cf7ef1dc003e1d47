// The shared body of `create`, `converge` and `plan`: open a session, run the workflows over the
// graph (apply, or plan through a read-only driver), print the plan or the run, and map the
// outcome to an exit code (0 all ok, 1 any guest failed or was skipped, 130 interrupted).

import { EXIT, UsageError } from '../../diag/errors.js';
import { colorEnabled } from '../views/index.js';
import { runViewFor } from './view.js';
import { colors } from '../views/colors.js';
import { renderPlans } from '../plan-view.js';
import type { CommandContext } from '../io.js';
import { runConverge, type Verb } from '../../app/converge.js';
import { hasSelectors, targetIds } from './targets.js';
import { lockCliGuests, openCliSession, type Session } from './session.js';
import { GuestGraph } from '../../graph/guests.js';
import { oneLine } from '../../util/terminal.js';

// Guests worked on at once. Most of a guest's time is spent waiting on Proxmox tasks and in-guest
// scripts, so the limit is about the host's load, not Phoenix's: at 4 a 50-guest graph was bound
// by the limit (wall ≈ 3.9× its critical path, bench/results), at 8 a host sees at most 8
// concurrent create/clone/start tasks from us. Raise it with --concurrency on a strong host.
export const DEFAULT_CONCURRENCY = 8;

export async function convergeCommand(
  ctx: CommandContext,
  verb: Verb,
  opts: { planOnly: boolean; /** `up`'s one session for both phases; it then prints the run's totals itself. */ session?: Session },
): Promise<number> {
  const apply = !opts.planOnly && !ctx.globals.dryRun;
  const session = opts.session ?? (await openCliSession(ctx, { readOnly: !apply, warnings: opts.planOnly ? 'full' : 'count' }));
  const { io, globals } = ctx;
  await checkHostVersion(ctx, session);
  const signal = io.signal ?? new AbortController().signal;
  const scrub = (t: string) => session.secrets.scrubber.scrub(t);
  const color = colorEnabled({ env: io.env, isTTY: io.isTTY, flag: globals.color });
  // Named by id, name or tag (--tag, --exclude); none: every guest.
  const ids = targetIds(ctx, session.config.guests, verb === 'create' ? 'none' : 'all');
  const targets = hasSelectors(ctx) ? ids.map(String) : [];
  const release = apply ? await lockCliGuests(ctx, session, closureIds(session, ids), `phoenix ${verb}`) : () => {};
  const view = apply ? runViewFor(ctx, session) : undefined;
  let result;
  try {
    result = await runConverge(session, {
      verb,
      targets,
      apply,
      concurrency: globals.concurrency ?? DEFAULT_CONCURRENCY,
      failFast: Boolean(ctx.options.failFast),
      signal,
      onEvent: view ? (e) => view.onEvent(e) : undefined,
    });
  } finally {
    view?.close();
    release();
  }

  const plans = result.order.map((id) => result.outcomes.get(id)?.plan).filter((p) => p !== undefined);
  if (!apply) {
    if (globals.json) io.stdout(`${scrub(JSON.stringify({ plans, failures: failuresOf(result) }, null, 2))}\n`);
    else io.stdout(scrub(renderPlans(plans, colors(color), { verbose: globals.verbose })));
  } else if (!globals.json && globals.verbose) {
    io.stdout(scrub(renderPlans(plans, colors(color), { verbose: true })));
  }
  let failed = false;
  for (const id of result.order) {
    const o = result.outcomes.get(id)!;
    if (o.result.status === 'failed') {
      failed = true;
      // Escaped: the message and detail lines quote what the guest printed.
      io.stderr(`${oneLine(scrub(`phoenix: guest ${id}: ${o.message ?? 'failed'}`))}\n`);
      for (const l of o.detail ?? []) io.stderr(`${oneLine(scrub(`    ${l}`))}\n`);
    } else if (o.result.status === 'skipped' || o.result.status === 'cancelled') failed = true;
  }
  if (apply && !opts.session) printTotals(ctx, session);
  if (signal.aborted) return EXIT.interrupted;
  return failed ? EXIT.failed : EXIT.ok;
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

function failuresOf(r: Awaited<ReturnType<typeof runConverge>>) {
  return [...r.outcomes.values()].filter((o) => o.result.status === 'failed').map((o) => ({ id: o.id, message: o.message, detail: o.detail }));
}

/** Every guest the run may act on: the targets and everything they need. */
export function closureIds(s: Session, targets: number[]): number[] {
  return new GuestGraph(s.config.guests).closure(targets).order;
}
