// Address formats: a guest's ip is "dhcp", "manual" (containers) or an IPv4 CIDR naming a host
// in its subnet; gw and nameservers are addresses. Checked here rather than in the schema so each
// problem gets its own message.
import { broadcastOf, isIPv6, networkOf, parseCidr, parseIPv4, subnetText } from '../net.js';
import type { GuestEntry, Rule, RuleContext } from './context.js';

function checkIp(ctx: RuleContext, e: GuestEntry, ip: string): void {
  const at = ctx.keyPath(e, 'network_config', 'ip');
  const modes = e.kind === 'lxc' ? '"dhcp", "manual"' : '"dhcp"';
  if (ip === 'dhcp' || (e.kind === 'lxc' && ip === 'manual')) return;
  const c = parseCidr(ip);
  if (!c) {
    const hint = parseIPv4(ip) !== undefined ? ' (the prefix length is missing, e.g. /24)' : '';
    ctx.report(e.src, 'error', at, `expected ${modes} or an IPv4 CIDR like 10.0.0.200/24, got ${JSON.stringify(ip)}${hint}`);
    return;
  }
  if (c.prefix <= 30 && (c.addr === networkOf(c) || c.addr === broadcastOf(c))) {
    const which = c.addr === networkOf(c) ? 'network' : 'broadcast';
    ctx.report(e.src, 'error', at, `${ip} is the ${which} address of ${subnetText(c)}, not a host address`);
  }
}

export const addresses: Rule = {
  name: 'addresses',
  run(ctx) {
    for (const e of ctx.entries) {
      const n = e.guest?.network;
      if (!n) continue;
      if (n.ip !== undefined) checkIp(ctx, e, n.ip);
      if (n.gw !== undefined && parseIPv4(n.gw) === undefined) ctx.report(e.src, 'error', ctx.keyPath(e, 'network_config', 'gw'), `expected an IPv4 address like 10.0.0.1, got ${JSON.stringify(n.gw)}`);
      const nsKey = e.kind === 'lxc' ? 'nameservers' : 'nameserver';
      for (const ns of n.nameservers) if (parseIPv4(ns) === undefined && !isIPv6(ns)) ctx.report(e.src, 'error', ctx.keyPath(e, 'network_config', nsKey), `expected IP addresses, got ${JSON.stringify(ns)}`);
    }
  },
};
