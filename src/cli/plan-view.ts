// Renders plans the way Terraform does: per guest a symbol (+ create, ~ change, ! restart
// needed, = unchanged), then its steps with reasons and field changes (`memory 2048 → 4096`;
// property strings by sub-key: `net0.ip: 10.0.0.5/24 → 10.0.0.6/24`). After an apply each step
// also says how it went (an action decided at apply: which way). `--json` prints the same
// GuestPlan data, so scripts and people see one source of truth.

import type { Colors } from './views/colors.js';
import type { FieldChange, GuestPlan, Orphan, PlannedStep } from '../plan/types.js';
import { oneLine as esc } from '../util/terminal.js';

const paint = (c: Colors, sym: string, s: string) => (sym === '+' ? c.green(s) : sym === '~' ? c.yellow(s) : sym === '!' ? c.magenta(s) : sym === '-' ? c.red(s) : c.dim(s));

/** `a=1,b=2` (with a leading positional item such as a volume) as ordered pairs; undefined when not a property string. */
function pairs(v: string | undefined): Array<[string, string]> | undefined {
  if (v === undefined || !/=/.test(v) || /\s/.test(v)) return undefined;
  return v.split(',').map((p, i) => {
    const at = p.indexOf('=');
    return at < 0 ? [i === 0 ? 'volume' : p, at < 0 && i !== 0 ? '1' : p] : [p.slice(0, at), p.slice(at + 1)];
  });
}

/** One change as lines: property strings by sub-key when both sides are property strings. */
function changeLines(ch: FieldChange): string[] {
  const a = pairs(ch.before);
  const b = pairs(ch.after);
  if (a && b) {
    const am = new Map(a);
    const bm = new Map(b);
    const keys = [...new Set([...am.keys(), ...bm.keys()])];
    const out = keys.filter((k) => am.get(k) !== bm.get(k)).map((k) => `${esc(ch.key)}.${esc(k)}: ${am.has(k) ? esc(am.get(k)!) : '(unset)'} → ${bm.has(k) ? esc(bm.get(k)!) : '(unset)'}`);
    if (out.length) return out;
  }
  if (ch.before === undefined) return [`${esc(ch.key)}: ${esc(String(ch.after))}`];
  return [`${esc(ch.key)}: ${esc(ch.before)} → ${esc(String(ch.after))}`];
}

function stepLines(s: PlannedStep, c: Colors, verbose: boolean, restart: boolean): string[] {
  if (s.symbol === '=' && !verbose) return [];
  // Values come from the config and from Proxmox: control characters are shown escaped.
  const reason = s.reason ? c.dim(` (${esc(s.reason)})`) : '';
  const outcome = s.outcome && s.outcome !== 'done' ? c.dim(` → ${esc(s.outcome)}`) : '';
  const out = [`    ${paint(c, s.symbol, s.symbol)} ${esc(s.summary)}${reason}${outcome}`];
  const creating = s.kind === 'create' || s.kind === 'clone';
  for (const ch of s.changes ?? []) {
    const when = creating || ch.live ? '' : restart ? c.dim(' (applied by the restart)') : c.dim(' (pending until the next start)');
    for (const l of changeLines(ch)) out.push(`        ${l}${when}`);
  }
  return out;
}

export function renderPlans(plans: readonly GuestPlan[], c: Colors, opts: { verbose?: boolean; orphans?: readonly Orphan[] } = {}): string {
  const lines: string[] = [];
  for (const p of plans) {
    const head = `${paint(c, p.symbol, p.symbol)} ${p.kind} ${p.id} ${esc(p.name)}${p.mode === 'ensure' ? c.dim(' (dependency: exists, running, healthy)') : ''}`;
    lines.push(p.unmanaged ? `${head} ${c.red('exists, not managed')}` : p.symbol === '=' ? `${head}${c.dim(' unchanged')}` : head);
    const restart = p.steps.some((s) => s.kind === 'restart');
    for (const s of p.steps) lines.push(...stepLines(s, c, Boolean(opts.verbose), restart));
    for (const n of p.notes) lines.push(c.dim(`    note: ${esc(n)}`));
  }
  for (const o of opts.orphans ?? []) {
    lines.push(`${paint(c, '-', '-')} ${o.type === 'lxc' ? 'lxc' : 'vm'} ${o.vmid} ${esc(o.name)} ${c.dim("not in the config ('phoenix prune' deletes it)")}`);
  }
  const managed = plans.filter((p) => !p.unmanaged);
  const count = (sym: string) => managed.filter((p) => p.symbol === sym).length;
  const extra = [...(count('-/+') ? [`${count('-/+')} to re-create`] : []), ...(plans.length - managed.length ? [`${plans.length - managed.length} not managed`] : []), ...(opts.orphans?.length ? [`${opts.orphans.length} not in the config`] : [])];
  lines.push('', `Plan: ${count('+')} to create, ${count('~') + count('!')} to change (${count('!')} with a restart), ${count('=')} unchanged${extra.length ? `; ${extra.join(', ')}` : ''}.`);
  return `${lines.join('\n')}\n`;
}
