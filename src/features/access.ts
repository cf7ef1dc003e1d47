// How a user reaches a guest: its address as configured (network_config.ip without the prefix;
// "dhcp" when the LAN's DHCP server gives it one) and the URL each of its features declares in its
// manifest (`url`, e.g. ollama's "http://{host}:{port:ports:11434}"). Shown after a run and by
// `status`/`list`. For a guest on DHCP the address is asked of the guest itself (a CT's network
// namespace, a VM's guest agent: ProxmoxReader.addresses): one read per running DHCP guest,
// after its run and in `status`; guests with a static address are never asked.
import type { Guest } from '../model/guest.js';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { GuestAddress } from '../proxmox/types.js';
import type { FeatureRegistry } from './registry.js';

export interface GuestAccess {
  /** "192.168.10.21", "dhcp", or undefined (no network configured). */
  address?: string;
  /** One URL per feature that declares one, in feature order. */
  urls: string[];
}

/** The first port of an input: a number, "8000", or a "host:guest" mapping (the guest side). */
function firstPort(v: unknown): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  if (typeof first === 'number' && Number.isInteger(first)) return String(first);
  if (typeof first !== 'string') return undefined;
  const m = /^(?:\d+:)?(\d+)$/.exec(first.trim());
  return m?.[1];
}

/** `leased`: the addresses a DHCP guest holds now, when known (shown instead of "dhcp"). */
export function guestAccess(g: Guest, registry: FeatureRegistry, leased?: readonly string[]): GuestAccess {
  const ip = g.network?.ip;
  const lease = ip === 'dhcp' && leased?.length ? leased : undefined;
  const address = !ip || ip === 'manual' ? undefined : lease ? `${lease.join(' ')} (dhcp)` : ip === 'dhcp' ? 'dhcp' : ip.split('/')[0];
  const urls: string[] = [];
  const host = lease ? lease[0] : address && address !== 'dhcp' ? address : g.name;
  for (const name of g.features) {
    const hit = registry.find(name);
    const tpl = hit.ok ? hit.feature.manifest.url : undefined;
    if (!tpl) continue;
    urls.push(tpl.replace(/\{host\}/g, host).replace(/\{port:([A-Za-z_][A-Za-z0-9_]*):(\d+)\}/g, (_m, key: string, def: string) => firstPort(g.inputs[key]) ?? def));
  }
  return { address, urls };
}

export const onDhcp = (g: Guest): boolean => !g.isTemplate && g.network?.ip === 'dhcp';

/** IPv4 addresses first, then IPv6, each once. */
export function addressList(addrs: readonly GuestAddress[]): string[] {
  return [...new Set([...addrs].sort((a, b) => a.family - b.family).map((a) => a.address))];
}

/** The addresses a DHCP guest holds now; undefined when it does not run, has no agent answering, or cannot be asked. */
export async function leasedAddresses(reader: ProxmoxReader, g: Guest): Promise<string[] | undefined> {
  if (!onDhcp(g)) return undefined;
  try {
    const addrs = await reader.addresses(g.kind === 'lxc' ? 'lxc' : 'qemu', g.id);
    return addrs?.length ? addressList(addrs) : undefined;
  } catch {
    return undefined; // an address is a courtesy: never a reason for a run or `status` to fail
  }
}

/** The first IPv4 address a DHCP guest holds, for checks that need a host (tcp). */
export async function leasedHost(reader: ProxmoxReader, g: Guest): Promise<string | undefined> {
  return (await leasedAddresses(reader, g))?.find((a) => !a.includes(':'));
}
