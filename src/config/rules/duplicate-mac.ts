// Two guests with one MAC address break each other's networking.
import type { GuestEntry, Rule } from './context.js';
import { where } from './context.js';

export const duplicateMac: Rule = {
  name: 'duplicate-mac',
  run(ctx) {
    const seen = new Map<string, GuestEntry>();
    for (const e of ctx.entries) {
      const mac = e.guest?.network?.mac;
      if (!mac) continue;
      const prev = seen.get(mac);
      if (prev) ctx.report(e.src, 'error', ctx.keyPath(e, 'mac_address'), `MAC address ${mac} is also used by ${where(prev)}`);
      else seen.set(mac, e);
    }
  },
};
