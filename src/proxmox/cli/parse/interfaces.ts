// A guest's interfaces as Proxmox reports them, into addresses: a CT's rows from
// `GET /nodes/NODE/lxc/VMID/interfaces` (pve-container PVE::LXC::get_interfaces: `ip-address-type`
// inet/inet6) and a VM's from the agent's network-get-interfaces (ipv4/ipv6). Loopback and
// link-local addresses are left out: they say nothing about how to reach the guest.

import type { GuestAddress } from '../../types.js';

interface Row {
  name?: unknown;
  'ip-addresses'?: Array<{ 'ip-address-type'?: unknown; 'ip-address'?: unknown; prefix?: unknown }>;
}

export function parseInterfaces(rows: unknown): GuestAddress[] | null {
  if (!Array.isArray(rows)) return null;
  const out: GuestAddress[] = [];
  for (const r of rows as Row[]) {
    const iface = typeof r?.name === 'string' ? r.name : '';
    if (iface === 'lo') continue;
    for (const a of r?.['ip-addresses'] ?? []) {
      const type = String(a['ip-address-type'] ?? '');
      const family = type === 'inet' || type === 'ipv4' ? 4 : type === 'inet6' || type === 'ipv6' ? 6 : undefined;
      const address = typeof a['ip-address'] === 'string' ? a['ip-address'] : undefined;
      if (!family || !address || address.startsWith('127.') || address === '::1' || /^fe80:/i.test(address)) continue;
      out.push({ iface, family, address, prefix: Number(a.prefix ?? 0) });
    }
  }
  return out;
}
