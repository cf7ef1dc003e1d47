// A running guest's network interfaces and their addresses, as Proxmox reports them: for a CT,
// `GET /nodes/{node}/lxc/{vmid}/interfaces` (pve-container runs `ip --json a` in the CT's network
// namespace); for a VM, the guest agent's `network-get-interfaces`. Static addresses are the
// configured ones; an interface on DHCP holds the lease the simulated LAN's DHCP server gives.

import type { GuestInterface } from '../guestfs/index.js';

export interface SimAddress {
  family: 4 | 6;
  address: string;
  prefix: number;
}

export interface SimInterface {
  name: string;
  hwaddr: string;
  addresses: SimAddress[];
}

/**
 * The lease of interface `n` of guest `vmid` on the simulated LAN: 10.250.0.0/16, one address per
 * (guest, interface), stable across restarts.
 */
// PVE: guess (Proxmox runs no DHCP server for guests on a plain bridge: the LAN's does; this is the simulator's stand-in)
export function dhcpLease(vmid: number, n: number): SimAddress {
  const host = ((vmid * 8 + n) % 65000) + 10;
  return { family: 4, address: `10.250.${host >> 8}.${host & 255}`, prefix: 16 };
}

function cidr(text: string | undefined, family: 4 | 6): SimAddress | undefined {
  const m = /^([^/]+)\/(\d+)$/.exec(text ?? '');
  return m ? { family, address: m[1], prefix: Number(m[2]) } : undefined;
}

/** Loopback plus each configured interface (guestfs identity) with its addresses. */
export function runningInterfaces(vmid: number, configured: readonly GuestInterface[]): SimInterface[] {
  const lo: SimInterface = {
    name: 'lo',
    hwaddr: '00:00:00:00:00:00',
    addresses: [
      { family: 4, address: '127.0.0.1', prefix: 8 },
      { family: 6, address: '::1', prefix: 128 },
    ],
  };
  return [
    lo,
    ...configured.map((i, n) => {
      const v4 = i.ip === 'dhcp' ? dhcpLease(vmid, n) : cidr(i.ip, 4);
      const v6 = cidr(i.ip6, 6);
      return { name: i.name, hwaddr: (i.hwaddr ?? '').toLowerCase(), addresses: [v4, v6].filter((a): a is SimAddress => a !== undefined) };
    }),
  ];
}

/** pve-container PVE::LXC::get_interfaces' rows (with its deprecated `inet`/`inet6`/`hwaddr` keys). */
// PVE: pve-container src/PVE/LXC.pm:get_interfaces
export function lxcInterfaceRows(ifaces: readonly SimInterface[]): Array<Record<string, unknown>> {
  return ifaces.map((i) => {
    const row: Record<string, unknown> = { name: i.name, 'hardware-address': i.hwaddr, hwaddr: i.hwaddr };
    for (const a of i.addresses) row[a.family === 4 ? 'inet' : 'inet6'] = `${a.address}/${a.prefix}`;
    row['ip-addresses'] = i.addresses.map((a) => ({ 'ip-address-type': a.family === 4 ? 'inet' : 'inet6', 'ip-address': a.address, prefix: a.prefix }));
    return row;
  });
}

/** The QEMU guest agent's guest-network-get-interfaces result (statistics left out). */
// PVE: qemu-server src/PVE/API2/Qemu/Agent.pm (network-get-interfaces passes the agent's answer through)
export function agentInterfaceRows(ifaces: readonly SimInterface[]): Array<Record<string, unknown>> {
  return ifaces.map((i) => ({
    name: i.name,
    'hardware-address': i.hwaddr,
    'ip-addresses': i.addresses.map((a) => ({ 'ip-address-type': a.family === 4 ? 'ipv4' : 'ipv6', 'ip-address': a.address, prefix: a.prefix })),
  }));
}
