// The simulator's answer to a guest's firewall endpoints (/nodes/N/{lxc,qemu}/ID/firewall/options
// and /rules[/POS]): the guest's file in the simulated /etc/pve/firewall, read and written as
// pve-firewall does — the options with a `digest`, the rules numbered by `pos`, a new rule put
// first, `enable` 0 unless sent, a deleted option or rule gone, the file removed when nothing is
// left. Parameters outside the schema's (apidata-pve9.1.js) are a 400 with `errors`, as Proxmox's.
//
// PVE: pve-firewall src/PVE/API2/Firewall/VM.pm:register_handlers (get_options, set_options),
//      src/PVE/API2/Firewall/Rules.pm:register_get_rules, register_create_rule, register_delete_rule,
//      src/PVE/Firewall.pm:save_vmfw_conf, copy_rule_data

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ApiRule, formatFirewall, parseFirewallText } from '../../proxmox/api/firewall.js';
import type { Method, Params } from './routes.js';
import { RouteError } from './routes.js';

/** A 400 with Proxmox's per-parameter `errors`. */
export class ParamError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super('Parameter verification failed.');
  }
}

// PVE: pve-firewall src/PVE/Firewall.pm:$vm_option_properties (the keys set_options takes)
const OPTION_KEYS = new Set(['enable', 'dhcp', 'ipfilter', 'log_level_in', 'log_level_out', 'macfilter', 'ndp', 'policy_in', 'policy_out', 'radv']);
// PVE: pve-firewall src/PVE/Firewall.pm:$rule_properties (plus pos and digest)
const RULE_KEYS = new Set(['type', 'action', 'enable', 'iface', 'source', 'dest', 'proto', 'dport', 'sport', 'log', 'macro', 'icmp-type', 'comment', 'pos', 'digest']);
const POLICY = /^(ACCEPT|REJECT|DROP)$/;

const one = (p: Params, k: string): string | undefined => {
  const v = p[k];
  return Array.isArray(v) ? v[v.length - 1] : v;
};
const digestOf = (x: unknown): string => createHash('sha1').update(JSON.stringify(x)).digest('hex');
const notInSchema = 'property is not defined in schema and the schema does not allow additional properties';

function check(p: Params, allowed: Set<string>): void {
  const errors: Record<string, string> = {};
  for (const k of Object.keys(p)) if (!allowed.has(k)) errors[k] = notInSchema;
  for (const k of ['policy_in', 'policy_out']) {
    const v = one(p, k);
    if (v !== undefined && !POLICY.test(v)) errors[k] = `value '${v}' does not have a value in the enumeration 'ACCEPT, REJECT, DROP'`;
  }
  const en = one(p, 'enable');
  if (en !== undefined && !/^(0|1)$/.test(en)) errors.enable = `type check ('boolean') failed - got '${en}'`;
  const type = one(p, 'type');
  if (type !== undefined && !/^(in|out|forward|group)$/.test(type)) errors.type = `value '${type}' does not have a value in the enumeration 'in, out, forward, group'`;
  if (Object.keys(errors).length) throw new ParamError(errors);
}

/** Answers a firewall request of guest `vmid` whose file is `file`; undefined when the path is not a firewall path. */
export function firewallRequest(method: Method, rest: string[], p: Params, file: string): { data: unknown } | undefined {
  const [what, pos, extra] = rest;
  if (extra !== undefined) return undefined;
  const read = () => (existsSync(file) ? parseFirewallText(readFileSync(file, 'utf8')) : { options: {}, rules: [] as ApiRule[] });
  const save = (c: { options: Record<string, string>; rules: ApiRule[] }) => {
    const text = formatFirewall(c);
    if (text === null) rmSync(file, { force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  };
  if (what === 'options' && pos === undefined) {
    if (method === 'GET') {
      const c = read();
      const opts: Record<string, unknown> = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
      return { data: { ...opts, digest: digestOf(c.options) } };
    }
    if (method === 'PUT') {
      check(p, new Set([...OPTION_KEYS, 'delete', 'digest']));
      const c = read();
      const d = one(p, 'digest');
      // PVE: pve-common src/PVE/Tools.pm:assert_if_modified
      if (d && d !== digestOf(c.options)) throw new RouteError(500, 'detected modified configuration - file changed by other user? Try again.');
      for (const k of (one(p, 'delete') ?? '').split(/[,;\s]+/).filter(Boolean)) {
        if (!OPTION_KEYS.has(k)) throw new ParamError({ delete: `no such option '${k}'` });
        delete c.options[k];
      }
      for (const k of OPTION_KEYS) {
        const v = one(p, k);
        if (v !== undefined) c.options[k] = v;
      }
      save(c);
      return { data: null };
    }
  }
  if (what === 'rules') {
    const c = read();
    if (pos === undefined && method === 'GET') {
      return { data: c.rules.map((r, i) => ({ pos: i, ...r, digest: digestOf(c.rules) })) };
    }
    if (pos === undefined && method === 'POST') {
      check(p, RULE_KEYS);
      const missing: Record<string, string> = {};
      for (const k of ['type', 'action']) if (one(p, k) === undefined) missing[k] = 'property is missing and it is not optional';
      if (Object.keys(missing).length) throw new ParamError(missing);
      const rule: Record<string, string | number> = {};
      for (const k of RULE_KEYS) {
        const v = one(p, k);
        // PVE: pve-firewall src/PVE/Firewall.pm:copy_rule_data ('' and '-' unset a property)
        if (k === 'pos' || k === 'digest' || v === undefined || v === '' || v === '-') continue;
        rule[k] = v;
      }
      // PVE: pve-firewall src/PVE/API2/Firewall/Rules.pm:register_create_rule (enable 0 unless sent; the new rule goes first)
      rule.enable = rule.enable === '1' ? 1 : 0;
      c.rules.unshift(rule as unknown as ApiRule);
      save(c);
      return { data: null };
    }
    if (pos !== undefined && method === 'DELETE') {
      check(p, new Set(['digest']));
      const i = Number(pos);
      if (!/^\d+$/.test(pos)) throw new ParamError({ pos: `type check ('integer') failed - got '${pos}'` });
      // PVE: pve-firewall src/PVE/API2/Firewall/Rules.pm:register_delete_rule
      if (i >= c.rules.length) throw new RouteError(500, `no rule at position ${i}`);
      c.rules.splice(i, 1);
      save(c);
      return { data: null };
    }
  }
  return undefined;
}
