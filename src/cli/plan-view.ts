// Renders plans the way Terraform does: per guest a symbol (+ create, ~ change, ! restart
// needed, = unchanged), then its steps with reasons and field changes (`memory 2048 → 4096`).
// `--json` prints the same GuestPlan data, so scripts and people see one source of truth.

import type { Colors } from './views/colors.js';
import type { GuestPlan, PlannedStep } from '../plan/types.js';
import { oneLine as esc } from '../util/terminal.js';

const paint = (c: Colors, sym: string, s: string) =>
  sym === '+' ? c.green(s) : sym === '~' ? c.yellow(s) : sym === '!' ? c.magenta(s) : sym === '-' ? c.red(s) : c.dim(s);

function stepLines(s: PlannedStep, c: Colors, verbose: boolean, restart: boolean): string[] {
  // Values come from the config and from Proxmox: control characters are shown escaped.
  const reason = s.reason ? c.dim(` (${esc(s.reason)})`) : '';
  const out = [`    ${paint(c, s.symbol, s.symbol)} ${esc(s.summary)}${reason}`];
  for (const ch of s.changes ?? []) {
    const before = ch.before === undefined ? '(unset)' : esc(ch.before);
    out.push(`        ${esc(ch.key)}: ${ch.before === undefined ? esc(String(ch.after)) : `${before} → ${esc(String(ch.after))}`}${ch.live || !restart ? '' : c.dim(' (at next start)')}`);
  }
  if (s.symbol === '=' && !verbose) return [];
  return out;
}

export function renderPlans(plans: readonly GuestPlan[], c: Colors, opts: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  for (const p of plans) {
    const head = `${paint(c, p.symbol, p.symbol)} ${p.kind} ${p.id} ${esc(p.name)}${p.mode === 'ensure' ? c.dim(' (dependency: exists, running, healthy)') : ''}`;
    lines.push(p.symbol === '=' ? `${head}${c.dim(' unchanged')}` : head);
    const restart = p.steps.some((s) => s.kind === 'restart');
    for (const s of p.steps) lines.push(...stepLines(s, c, Boolean(opts.verbose), restart));
    for (const n of p.notes) lines.push(c.dim(`    note: ${esc(n)}`));
  }
  const count = (sym: string) => plans.filter((p) => p.symbol === sym).length;
  lines.push('', `Plan: ${count('+')} to create, ${count('~') + count('!')} to change (${count('!')} with a restart), ${count('=')} unchanged.`);
  return `${lines.join('\n')}\n`;
}
