// Two guests with one static IPv4 address break each other's networking. The host's
// own address (network.interfaces.address in the hypervisor file) counts as taken too.
import { formatIPv4, parseCidr, parseIPv4 } from '../net.js';
import type { GuestEntry, Rule, RuleContext } from './context.js';
import { where } from './context.js';

function hostAddress(ctx: RuleContext): number | undefined {
  const net = (ctx.parsed.hypervisor?.network ?? {}) as { interfaces?: { address?: unknown } };
  const a = net.interfaces?.address;
  if (typeof a !== 'string') return undefined;
  return parseCidr(a)?.addr ?? parseIPv4(a);
}

export const duplicateIp: Rule = {
  name: 'duplicate-ip',
  run(ctx) {
    const seen = new Map<number, GuestEntry>();
    const host = hostAddress(ctx);
    for (const e of ctx.entries) {
      const ip = e.guest?.network?.ip;
      const c = ip ? parseCidr(ip) : undefined;
      if (!c) continue;
      const at = ctx.keyPath(e, 'network_config', 'ip');
      const prev = seen.get(c.addr);
      if (prev) ctx.report(e.src, 'error', at, `IPv4 address ${formatIPv4(c.addr)} is also used by ${where(prev)}`);
      else if (c.addr === host) ctx.report(e.src, 'error', at, `IPv4 address ${formatIPv4(c.addr)} is the Proxmox host's own (network.interfaces.address)`);
      else seen.set(c.addr, e);
    }
  },
};
