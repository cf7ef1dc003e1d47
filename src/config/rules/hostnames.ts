// Container hostnames and VM names become DNS names (pct --hostname, qm --name), and the host's
// domain_name becomes the VMs' search domain: all must follow Proxmox's dns-name format.
import { dnsNameProblem } from '../net.js';
import type { Rule } from './context.js';

export const hostnames: Rule = {
  name: 'hostnames',
  run(ctx) {
    for (const e of ctx.entries) {
      const name = e.guest?.name;
      if (name === undefined) continue;
      const problem = dnsNameProblem(name);
      if (problem) {
        const what = e.kind === 'lxc' ? 'a valid hostname' : 'a valid VM name (a DNS name)';
        ctx.report(e.src, 'error', ctx.keyPath(e, 'name'), `expected ${what}: ${JSON.stringify(name)} ${problem}`);
      }
    }
    const hyp = ctx.parsed.sources.hypervisor;
    const domain = ctx.parsed.hypervisor?.domain_name;
    const problem = domain !== undefined ? dnsNameProblem(domain) : undefined;
    if (hyp && problem) ctx.report(hyp, 'error', ['domain_name'], `expected a DNS domain: ${JSON.stringify(domain)} ${problem}`);
  },
};
