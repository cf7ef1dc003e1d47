// Dependencies and clone sources must name a configured guest, and never the guest itself.
import type { GuestEntry, Rule, RuleContext } from './context.js';

function known(ctx: RuleContext): Set<number> {
  return new Set(ctx.entries.map((e) => e.id).filter((id): id is number => id !== undefined));
}

function missing(ctx: RuleContext, id: number): string {
  const { lxc, vm } = ctx.parsed.sources;
  const files = [lxc?.file, vm?.file].filter(Boolean).join(' or ');
  const absent = !lxc ? ' (no container file was loaded)' : !vm ? ' (no VM file was loaded)' : '';
  return `${id} names no guest in ${files || 'the config'}${absent}`;
}

function checkEntry(ctx: RuleContext, e: GuestEntry, ids: Set<number>): void {
  const g = e.guest;
  if (!g) return;
  const cloneKey = e.kind === 'lxc' ? 'clone_from_ctid' : 'clone_from_vmid';
  if (g.cloneFrom !== undefined) {
    if (g.cloneFrom === g.id) ctx.report(e.src, 'error', ctx.keyPath(e, cloneKey), `${g.id} is cloned from itself`);
    else if (!ids.has(g.cloneFrom)) ctx.report(e.src, 'error', ctx.keyPath(e, cloneKey), `clone source ${missing(ctx, g.cloneFrom)}`);
  }
  const written = ctx.keyPath(e, 'dependencies');
  const rawList = (written[0] === 'vm_defaults' ? undefined : e.raw.dependencies) as unknown[] | undefined;
  for (const dep of g.dependencies) {
    const i = Array.isArray(rawList) ? rawList.findIndex((x) => Number(x) === dep) : -1;
    const at = i >= 0 ? [...written, i] : written;
    if (dep === g.id) ctx.report(e.src, 'error', at, `${g.id} depends on itself`);
    else if (!ids.has(dep)) ctx.report(e.src, 'error', at, `dependency ${missing(ctx, dep)}`);
  }
}

export const references: Rule = {
  name: 'references',
  run(ctx) {
    const ids = known(ctx);
    for (const e of ctx.entries) checkEntry(ctx, e, ids);
  },
};
