// delete / status / list / up: the verbs that look at (or act on) the whole inventory.

import { setTimeout as delay } from 'node:timers/promises';
import { EXIT, UsageError } from '../../diag/errors.js';
import { GuestGraph } from '../../graph/guests.js';
import type { Guest, GuestId } from '../../model/guest.js';
import { memoryRestarts } from '../../managers/pending.js';
import type { GuestPlan } from '../../plan/types.js';
import { checksOf, featuresOf } from '../../managers/common/in-guest.js';
import type { PlanContext } from '../../managers/context.js';
import { hostOfIp, runHealthChecks } from '../../health/index.js';
import { colors } from '../views/colors.js';
import { colorEnabled } from '../views/index.js';
import type { CommandContext } from '../io.js';
import { convergeCommand, printTotals, DEFAULT_CONCURRENCY } from './converge-command.js';
import { findOrphans, runConverge } from '../../app/converge.js';
import { targetIds } from './targets.js';
import { ask } from '../prompt.js';
import { runAction, startGuest, stopGuest, typeOf } from './lifecycle.js';
import { openCliSession, type Session } from './session.js';
import { oneLine } from '../../util/terminal.js';
import { guestAccess, leasedAddresses, leasedHost, onDhcp } from '../../features/access.js';
import { FeatureRegistry } from '../../features/registry.js';
import { accessText } from '../views/summary.js';

async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  if (ctx.globals.yes) return true;
  if (!ctx.io.isTTY) throw new UsageError(`${question}: refusing without --yes (no terminal to ask on)`);
  return ask(ctx, question);
}

/**
 * delete ID...: refuses while other guests that exist depend on it (unless --force); stop, then
 * destroy with purge. The dependents are looked at again once the guests and their dependents are
 * locked: a run creating a clone of the guest meanwhile holds those locks, so the clone it made is
 * seen and blocks the delete.
 */
export async function deleteCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const ids = targetIds(ctx, s.config.guests, 'none');
  const graph = new GuestGraph(s.config.guests);
  const set = new Set(ids);
  const dependents = [...new Set(ids.flatMap((id) => graph.dag.descendants(id)))].filter((d) => !set.has(d));
  const refuseIfDependents = async () => {
    const blockers: string[] = [];
    for (const id of ids) {
      for (const d of graph.dag.dependentsOf(id)) {
        if (set.has(d)) continue;
        const g = s.config.guests.get(d)!;
        if (await s.driver.status(typeOf(g), d)) blockers.push(`${d} depends on ${id}`);
      }
    }
    if (blockers.length && !ctx.options.force) {
      throw new UsageError(`not deleting: ${blockers.join('; ')}`, 'delete the dependents too, or pass --force');
    }
  };
  // Asked before the prompt (no question for a refused delete), and again under the locks.
  await refuseIfDependents();
  if (!ctx.globals.dryRun && !(await confirm(ctx, `destroy ${ids.join(', ')} and purge their disks?`))) {
    ctx.io.stderr('phoenix: nothing deleted\n');
    return EXIT.ok;
  }
  // Dependents inside the set go first.
  const nodes = graph
    .closure(ids)
    .order.filter((id) => set.has(id))
    .reverse();
  return runAction(ctx, s, 'delete', {
    readOnly: ctx.globals.dryRun,
    nodes,
    alsoLock: dependents,
    whenLocked: refuseIfDependents,
    deps: (id) => graph.dag.dependentsOf(id).filter((d) => set.has(d)),
    run: async (g, emit) => {
      const st = await s.driver.status(typeOf(g), g.id);
      if (!st) return 'does not exist';
      if (ctx.globals.dryRun) return 'would stop and destroy';
      if (st.status === 'running') await stopGuest(s, g, emit, 60, false);
      emit('destroy');
      await s.driver.destroy(typeOf(g), g.id, { purge: true });
      await s.driver.writeFirewall(g.id, null);
      return 'destroyed';
    },
  });
}

/** up / LetsGo: converge everything, then start in boot_order (honouring boot_delay) whatever is still stopped. */
export async function upCommand(ctx: CommandContext): Promise<number> {
  // One session for both phases: one simulator notice, one set of warnings, one log directory.
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const code = await convergeCommand({ ...ctx, args: [] }, 'converge', { planOnly: false, session: s });
  if (code !== EXIT.ok || ctx.globals.dryRun) {
    if (!ctx.globals.dryRun) printTotals(ctx, s);
    return code;
  }
  const targets = new Set(targetIds({ ...ctx, args: [] }, s.config.guests));
  let boot = [...s.config.guests.values()].filter((g) => targets.has(g.id) && g.startAtBoot !== false && !g.isTemplate).sort((a, b) => (a.bootOrder ?? 1e9) - (b.bootOrder ?? 1e9) || a.id - b.id);
  // After the converge phase nearly everything runs already: look at all of them at once and walk
  // the boot order only through those still stopped (reading them one by one in the chain cost a
  // status call per guest on the critical path).
  const running = new Set<GuestId>();
  const pool = [...boot];
  await Promise.all(
    Array.from({ length: Math.min(ctx.globals.concurrency ?? DEFAULT_CONCURRENCY, pool.length) }, async () => {
      for (let g = pool.shift(); g; g = pool.shift()) if ((await s.driver.status(typeOf(g), g.id))?.status === 'running') running.add(g.id);
    }),
  );
  boot = boot.filter((g) => !running.has(g.id));
  // Everything already runs: the run above was the whole of `up` (no second, empty run).
  if (!boot.length) {
    printTotals(ctx, s);
    return code;
  }
  const booted = await runAction(ctx, s, 'up', {
    nodes: boot.map((g) => g.id),
    // One after the other in boot order, so boot_delay means what Proxmox means by it.
    deps: (id) => {
      const i = boot.findIndex((g) => g.id === id);
      return i > 0 ? [boot[i - 1].id] : [];
    },
    run: async (g, emit, signal) => {
      const r = await startGuest(s, g, emit, false);
      const lease = r === 'started' ? await leasedAddresses(s.driver, g) : undefined;
      if (lease) s.leases.set(g.id, lease);
      // Proxmox's `up`: seconds to wait after starting this guest before the next one starts.
      if (r === 'started' && g.bootDelaySec) await delay(g.bootDelaySec * 1000, undefined, { signal });
      return r;
    },
  });
  printTotals(ctx, s);
  return booted;
}

/** status [ID...]: one table — exists, running, drift against the config (--verbose: details), health. */
export async function statusCommand(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: true });
  const ids = targetIds(ctx, s.config.guests).sort((a, b) => a - b);
  const res = await runConverge({ ...s, pending: memoryRestarts() } as Session, {
    verb: 'converge',
    targets: ids.map(String),
    apply: false,
    concurrency: ctx.globals.concurrency ?? DEFAULT_CONCURRENCY,
    signal: ctx.io.signal ?? new AbortController().signal,
  });
  const rows: Array<Record<string, unknown>> = [];
  const errors: string[] = [];
  for (const id of ids) {
    const g = s.config.guests.get(id)!;
    let st;
    try {
      st = await s.driver.status(typeOf(g), id);
    } catch (e) {
      // Proxmox could not say (pmxcfs down, unreadable state): a row saying so, exit 1.
      const why = shortError(e);
      errors.push(`guest ${id}: ${why}`);
      rows.push({ id, kind: g.kind, name: g.name, exists: null, status: 'unknown', lock: '', drift: 'unknown', health: '-', error: why });
      continue;
    }
    const plan = res.outcomes.get(id)?.plan;
    const drift = !st ? 'missing' : plan ? (plan.symbol === '=' ? 'no' : 'yes') : 'error';
    const health = st?.status === 'running' && !st.template ? await healthOf(s, g, ctx.io.signal) : '-';
    const a = guestAccess(g, s.registry, st?.status === 'running' ? await leasedAddresses(s.driver, g) : undefined);
    rows.push({ id, kind: g.kind, name: g.name, exists: Boolean(st), status: st ? (st.template ? 'template' : st.status) : '-', lock: st?.lock ?? '', drift, health, address: a.address ?? null, urls: a.urls, ...(ctx.globals.verbose && plan ? { changes: changesOf(plan) } : {}) });
  }
  for (const e of errors) ctx.io.stderr(`phoenix: ${e}\n`);
  const code = errors.length ? EXIT.failed : EXIT.ok;
  // Phoenix's guests the config no longer names (only when looking at the whole config).
  const orphans = ctx.args.length ? [] : await findOrphans(s);
  for (const o of orphans) rows.push({ id: o.vmid, kind: o.type === 'lxc' ? 'lxc' : 'vm', name: o.name, exists: true, status: '-', lock: '', drift: 'not in the config', health: '-' });
  if (ctx.globals.json) {
    ctx.io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return code;
  }
  const c = colors(colorEnabled({ env: ctx.io.env, isTTY: ctx.io.isTTY, flag: ctx.globals.color }));
  const table = [
    ['ID', 'KIND', 'NAME', 'EXISTS', 'STATUS', 'DRIFT', 'HEALTH', 'ADDRESS'],
    ...rows.map((r) => [
      String(r.id),
      String(r.kind),
      oneLine(String(r.name)),
      r.exists === null ? '?' : r.exists ? 'yes' : 'no',
      `${r.status}${r.lock ? ` (locked: ${r.lock})` : ''}`,
      String(r.drift),
      oneLine(String(r.health)),
      accessText({ address: (r.address as string | null) ?? undefined, urls: (r.urls as string[] | undefined) ?? [] }) || '-',
    ]),
  ];
  const w = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  table.forEach((r, i) =>
    ctx.io.stdout(
      `${(i === 0 ? c.bold : (x: string) => x)(
        r
          .map((x, j) => x.padEnd(w[j]))
          .join('  ')
          .trimEnd(),
      )}\n`,
    ),
  );
  if (ctx.globals.verbose) for (const r of rows) for (const l of (r.changes as string[] | undefined) ?? []) ctx.io.stdout(`  ${r.id}: ${l}\n`);
  if (orphans.length) ctx.io.stdout(`${orphans.length} guest(s) not in the config: 'phoenix prune' deletes them\n`);
  return code;
}

const shortError = (e: unknown): string => oneLine((e instanceof Error ? e.message : String(e)).split('\n')[0]);

/** One attempt of each check (status reports, it does not wait): healthy, unhealthy or none. */
async function healthOf(s: Session, g: Guest, signal?: AbortSignal): Promise<string> {
  let checks;
  try {
    checks = checksOf(g, featuresOf(g, { registry: s.registry, config: s.config } as PlanContext));
  } catch {
    checks = g.healthChecks;
  }
  if (!checks.length) return 'no checks';
  const once = checks.map((c) => ({ ...c, retries: 1 }));
  const r = await runHealthChecks(s.driver, { type: typeOf(g), vmid: g.id }, once, { signal, guestHost: hostOfIp(g.network?.ip) ?? (onDhcp(g) ? () => leasedHost(s.driver, g) : undefined), scrub: (t) => s.secrets.scrubber.scrub(t) });
  return r.healthy
    ? 'healthy'
    : `unhealthy (${r.results
        .filter((x) => !x.ok)
        .map((x) => x.name)
        .join(', ')})`;
}

function changesOf(p: GuestPlan): string[] {
  return p.steps.filter((st) => st.symbol !== '=').map((st) => `${st.symbol} ${st.summary}${st.changes ? `: ${st.changes.map((ch) => `${ch.key} ${ch.before ?? '(unset)'} → ${ch.after}`).join(', ')}` : ''}`);
}

/** list: the configured guests with what they are made from and depend on. */
export async function listCommand(ctx: CommandContext): Promise<number> {
  const { loadOrExit } = await import('../commands/load-config.js');
  const config = await loadOrExit(ctx);
  const guests = [...config.guests.values()].sort((a, b) => a.id - b.id);
  const registry = new FeatureRegistry({ configDir: config.dir });
  const access = new Map(guests.map((g) => [g.id, guestAccess(g, registry)]));
  if (ctx.globals.json) {
    ctx.io.stdout(
      `${JSON.stringify(
        guests.map((g) => ({ id: g.id, kind: g.kind, name: g.name, cloneFrom: g.cloneFrom ?? null, dependencies: g.dependencies, features: g.features, template: g.isTemplate, address: access.get(g.id)!.address ?? null, urls: access.get(g.id)!.urls })),
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const rows = [['ID', 'KIND', 'NAME', 'FROM', 'DEPENDS ON', 'FEATURES', 'ADDRESS'], ...guests.map((g) => [String(g.id), g.kind + (g.isTemplate ? ' (template)' : ''), g.name, fromOf(g), g.dependencies.join(',') || '-', g.features.join(',') || '-', accessText(access.get(g.id)) || '-'])];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    ctx.io.stdout(
      `${r
        .map((x, j) => x.padEnd(w[j]))
        .join('  ')
        .trimEnd()}\n`,
    );
  return EXIT.ok;
}

function fromOf(g: Guest): string {
  if (g.cloneFrom !== undefined) return `clone of ${g.cloneFrom}`;
  if (g.kind === 'lxc') return g.template ?? '-';
  return g.image ?? '-';
}

export type { GuestId };
