// The gateway must be a host of the guest's own subnet (and not the guest itself); a gateway next
// to "dhcp" does nothing, which is worth a warning.
import { inSubnet, parseCidr, parseIPv4, subnetText } from '../net.js';
import type { Rule } from './context.js';

export const gatewaySubnet: Rule = {
  name: 'gateway-subnet',
  run(ctx) {
    for (const e of ctx.entries) {
      const n = e.guest?.network;
      if (!n?.gw) continue;
      const at = ctx.keyPath(e, 'network_config', 'gw');
      const gw = parseIPv4(n.gw);
      if (gw === undefined) continue; // reported by `addresses`
      if (n.ip === 'dhcp' || n.ip === 'manual' || n.ip === undefined) {
        ctx.report(e.src, 'warning', at, `gw is ignored: the address is ${n.ip === undefined ? 'not set' : `"${n.ip}"`}`);
        continue;
      }
      const c = parseCidr(n.ip);
      if (!c) continue;
      if (gw === c.addr) ctx.report(e.src, 'error', at, `gateway ${n.gw} is this guest's own address`);
      else if (!inSubnet(gw, c)) ctx.report(e.src, 'error', at, `gateway ${n.gw} is outside the guest's subnet ${subnetText(c)} (from network_config.ip ${n.ip})`);
    }
  },
};
