// A guest's bridge must be one the hypervisor file declares (network.interfaces: one object or a
// list, each with a `name`), when it declares any: a typo such as `vmbr01` would otherwise surface
// as Proxmox's `bridge 'vmbr01' does not exist` mid-run. Without declared interfaces there is
// nothing to compare with; the host preflight checks the bridge on the node itself.
import type { JsonPath } from '../json.js';
import { suggest } from '../suggest.js';
import type { GuestEntry, Rule, RuleContext } from './context.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function declaredBridges(hyp: unknown): string[] | undefined {
  const ifs = isObject(hyp) && isObject(hyp.network) ? hyp.network.interfaces : undefined;
  const list = Array.isArray(ifs) ? ifs : ifs !== undefined ? [ifs] : [];
  const names = list.flatMap((i) => (isObject(i) && typeof i.name === 'string' && i.name ? [i.name] : []));
  return names.length ? names : undefined;
}

/** Where the guest's bridge was written (or, for the default vmbr0, its network section). */
function bridgeAt(ctx: RuleContext, e: GuestEntry): JsonPath {
  const nc = e.raw.network_config;
  if (isObject(nc) && 'bridge' in nc) return [...e.path, 'network_config', 'bridge'];
  if (e.kind === 'vm' && !isObject(nc)) return ctx.keyPath(e, 'network_bridge');
  if (isObject(nc)) return [...e.path, 'network_config'];
  return e.kind === 'vm' ? ctx.keyPath(e, 'network_bridge') : [...e.path, 'mac_address'];
}

export const bridges: Rule = {
  name: 'bridges',
  run(ctx) {
    const hyp = ctx.parsed.sources.hypervisor;
    const known = declaredBridges(hyp?.doc.value);
    if (!hyp || !known) return;
    for (const e of ctx.entries) {
      const b = e.guest?.network?.bridge;
      if (!b || known.includes(b)) continue;
      const near = suggest(b, known);
      ctx.report(e.src, 'error', bridgeAt(ctx, e), `bridge "${b}" is not among the host's interfaces in ${hyp.file} (network.interfaces: ${known.join(', ')})${near ? `; did you mean "${near}"?` : '; add it there if the host has it'}`);
    }
  },
};
