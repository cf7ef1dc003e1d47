// A guest's firewall file (/etc/pve/firewall/<vmid>.fw) rendered from the config, in the format
// pve-firewall reads: an [OPTIONS] section and a [RULES] section, one rule a line:
//   IN ACCEPT -source 10.0.0.0/24 -p tcp -dport 22 # comment
// Phoenix owns the whole file of a guest whose config has a `firewall` block: converge makes it
// equal to this rendering, writing only when the text differs.

import type { FirewallRule, FirewallSpec } from '../../model/guest.js';
import type { PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

function ruleLine(r: FirewallRule): string {
  const parts: string[] = [r.type === 'group' ? 'GROUP' : r.type.toUpperCase(), r.action];
  if (r.iface) parts.push('-i', r.iface);
  if (r.source) parts.push('-source', r.source);
  if (r.dest) parts.push('-dest', r.dest);
  if (r.proto) parts.push('-p', r.proto);
  if (r.dport) parts.push('-dport', r.dport);
  if (r.sport) parts.push('-sport', r.sport);
  // Comments are free text to pve-firewall but end the line: keep them on one line.
  const comment = r.comment ? ` # ${r.comment.replace(/[\r\n]+/g, ' ')}` : '';
  return `${r.enable ? '' : '|'}${parts.join(' ')}${comment}`;
}

export function renderFirewall(fw: FirewallSpec): string {
  const options = [`enable: ${fw.enabled ? 1 : 0}`];
  if (fw.policyIn) options.push(`policy_in: ${fw.policyIn}`);
  if (fw.policyOut) options.push(`policy_out: ${fw.policyOut}`);
  const lines = ['[OPTIONS]', '', ...options, ''];
  if (fw.rules.length) lines.push('[RULES]', '', ...fw.rules.map(ruleLine), '');
  // Each section ends with a blank line, as pve-firewall writes the file (the API path writes it so).
  // PVE: pve-firewall src/PVE/Firewall.pm:save_vmfw_conf
  return `${lines.join('\n')}\n`;
}

/** Same rules and options, ignoring blank lines and trailing spaces (pve-firewall does too). */
export function firewallTextEqual(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '')
      .join('\n');
  return norm(a) === norm(b);
}

/** Plan the guest's firewall file equal to the config (written only when the text differs). */
export async function planFirewall(g: { id: number; firewall?: FirewallSpec }, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  if (!g.firewall) return;
  const want = renderFirewall(g.firewall);
  const have = await ctx.reader.readFirewall(g.id);
  if (have !== null && firewallTextEqual(have, want)) return;
  rec.step(
    'firewall',
    have === null ? '+' : '~',
    `firewall (${g.firewall.rules.length} rules)`,
    {
      reason: have === null ? 'no firewall file' : 'rules differ',
      changes: firewallChanges(have, want),
    },
    { kind: 'firewall', vmid: g.id, content: want },
  );
}

/** Rule by rule (and option by option): what is removed and what is added. */
export function firewallChanges(have: string | null, want: string): Array<{ key: string; before?: string; after?: string; live: boolean }> {
  const lines = (s: string | null) =>
    (s ?? '')
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '' && !l.startsWith('['));
  const a = lines(have);
  const b = lines(want);
  const out: Array<{ key: string; before?: string; after?: string; live: boolean }> = [];
  for (const l of a) if (!b.includes(l)) out.push({ key: 'firewall', before: l, after: '(removed)', live: true });
  for (const l of b) if (!a.includes(l)) out.push({ key: 'firewall', after: l, live: true });
  return out;
}
