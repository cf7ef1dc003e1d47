// A firewall rule written twice (comments aside) would be created twice in Proxmox: harmless to
// traffic but noise in every listing and diff. The original's files have a few; warn, once each.
import type { FirewallRule } from '../../model/guest.js';
import type { Rule } from './context.js';

const identity = (r: FirewallRule): string => JSON.stringify([r.type, r.action, r.proto, r.source, r.dest, r.dport, r.sport, r.iface, r.enable]);

export const firewallDuplicates: Rule = {
  name: 'firewall-duplicates',
  run(ctx) {
    for (const e of ctx.entries) {
      const rules = e.guest?.firewall?.rules ?? [];
      const first = new Map<string, number>();
      rules.forEach((r, i) => {
        const key = identity(r);
        const j = first.get(key);
        if (j === undefined) first.set(key, i);
        else ctx.report(e.src, 'warning', ctx.keyPath(e, 'firewall', 'rules', i), `same rule as rules[${j}]${r.comment !== rules[j].comment ? ' (only the comment differs)' : ''}; it would be created twice`);
      });
    }
  },
};
