// A guest's firewall through the API's firewall endpoints (/nodes/N/{lxc,qemu}/ID/firewall/options
// and /rules) instead of the file: the file's text (the format pve-firewall reads, which the
// managers render and compare) is turned into the options and the rules the API takes, and what
// the API answers is rendered back in the same format.
//
// PVE: pve-firewall src/PVE/Firewall.pm:$format_rules (the rule line), src/PVE/API2/Firewall/Rules.pm:
//      register_create_rule (a new rule goes first; `enable` is 0 unless sent), register_delete_rule

/** A rule as the API takes and answers it. */
export interface ApiRule {
  type: 'in' | 'out' | 'group';
  action: string;
  enable: 0 | 1;
  iface?: string;
  source?: string;
  dest?: string;
  proto?: string;
  dport?: string;
  sport?: string;
  log?: string;
  macro?: string;
  'icmp-type'?: string;
  comment?: string;
}

export interface FirewallContent {
  options: Record<string, string>;
  rules: ApiRule[];
}

const FLAGS: Record<string, keyof ApiRule> = { '-i': 'iface', '-source': 'source', '-dest': 'dest', '-p': 'proto', '-dport': 'dport', '-sport': 'sport', '-log': 'log', '-icmp-type': 'icmp-type' };

/** One rule line of a .fw file → the API's rule; throws on what it cannot read. */
export function parseRuleLine(line: string): ApiRule {
  let text = line.trim();
  let comment: string | undefined;
  const hash = text.indexOf(' # ');
  if (hash >= 0) {
    comment = text.slice(hash + 3).trim();
    text = text.slice(0, hash).trim();
  }
  const enable = text.startsWith('|') ? 0 : 1;
  if (!enable) text = text.slice(1);
  const words = text.split(/\s+/);
  const type = (words.shift() ?? '').toLowerCase();
  if (type !== 'in' && type !== 'out' && type !== 'group') throw new Error(`firewall rule ${JSON.stringify(line)}: unknown direction '${type}'`);
  const act = words.shift() ?? '';
  const macro = /^(\w+)\((\w+)\)$/.exec(act);
  const rule: ApiRule = { type, action: macro ? macro[2] : act, enable, ...(macro ? { macro: macro[1] } : {}) };
  while (words.length) {
    const f = words.shift()!;
    const key = FLAGS[f];
    const v = words.shift();
    if (!key || v === undefined) throw new Error(`firewall rule ${JSON.stringify(line)}: cannot read '${f}'`);
    (rule as unknown as Record<string, string>)[key] = v;
  }
  if (comment) rule.comment = comment;
  return rule;
}

/** The .fw text → options and rules (sections other than OPTIONS and RULES are refused). */
export function parseFirewallText(text: string): FirewallContent {
  const out: FirewallContent = { options: {}, rules: [] };
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sec = /^\[([A-Z]+)(?:\s[^\]]*)?\](?:\s*#.*)?$/.exec(line);
    if (sec) {
      section = sec[1];
      if (section !== 'OPTIONS' && section !== 'RULES') throw new Error(`firewall section [${section}] has no API counterpart Phoenix writes`);
      continue;
    }
    if (section === 'OPTIONS') {
      const m = /^([a-z_]+):\s*(.*)$/.exec(line);
      if (!m) throw new Error(`firewall option ${JSON.stringify(line)}: not KEY: VALUE`);
      out.options[m[1]] = m[2];
    } else if (section === 'RULES') out.rules.push(parseRuleLine(line));
    else throw new Error(`firewall line ${JSON.stringify(line)} outside a section`);
  }
  return out;
}

/** A rule as pve-firewall writes it (Firewall.pm:$format_rules, interfaces allowed). */
export function formatRule(r: ApiRule): string {
  let s = `${r.enable ? '' : '|'}${r.type.toUpperCase()} ${r.macro ? `${r.macro}(${r.action})` : r.action}`;
  if (r.iface) s += ` -i ${r.iface}`;
  if (r.type !== 'group') {
    if (r.source) s += ` -source ${r.source}`;
    if (r.dest) s += ` -dest ${r.dest}`;
    if (r.proto) s += ` -p ${r.proto}`;
    if (r.dport) s += ` -dport ${r.dport}`;
    if (r.sport) s += ` -sport ${r.sport}`;
    if (r.log) s += ` -log ${r.log}`;
    if (r['icmp-type']) s += ` -icmp-type ${r['icmp-type']}`;
  }
  if (r.comment && r.comment.trim()) s += ` # ${r.comment}`;
  return s;
}

/** Options in the order Phoenix renders them (enable, policy_in, policy_out), then the rest sorted. */
const ORDER = ['enable', 'policy_in', 'policy_out'];
export function optionOrder(keys: string[]): string[] {
  return [...keys].sort((a, b) => {
    const ia = ORDER.indexOf(a);
    const ib = ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    return a.localeCompare(b);
  });
}

/** Options and rules → the .fw text (save_vmfw_conf's layout); null when there is neither. */
export function formatFirewall(c: FirewallContent): string | null {
  const keys = optionOrder(Object.keys(c.options));
  let raw = '';
  if (keys.length) raw += `[OPTIONS]\n\n${keys.map((k) => `${k}: ${c.options[k]}\n`).join('')}\n`;
  if (c.rules.length) raw += `[RULES]\n\n${c.rules.map((r) => `${formatRule(r)}\n`).join('')}\n`;
  return raw || null;
}

/** An API answer's rule (numbers as numbers or strings, extra keys like pos/digest/ipversion) → ApiRule. */
export function ruleFromApi(r: Record<string, unknown>): ApiRule {
  const s = (k: string) => (r[k] === undefined || r[k] === null || r[k] === '' ? undefined : String(r[k]));
  const out: ApiRule = { type: String(r.type) as ApiRule['type'], action: String(r.action ?? ''), enable: r.enable === 1 || r.enable === '1' || r.enable === true ? 1 : 0 };
  for (const k of ['iface', 'source', 'dest', 'proto', 'dport', 'sport', 'log', 'macro', 'icmp-type', 'comment'] as const) {
    const v = s(k);
    if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
  }
  return out;
}
