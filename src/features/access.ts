// How a user reaches a guest: its address as configured (network_config.ip without the prefix;
// "dhcp" when Proxmox's DHCP gives it one) and the URL each of its features declares in its
// manifest (`url`, e.g. ollama's "http://{host}:{port:ports:11434}"). Shown after a run and by
// `status`/`list`.
import type { Guest } from '../model/guest.js';
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

export function guestAccess(g: Guest, registry: FeatureRegistry): GuestAccess {
  const ip = g.network?.ip;
  const address = !ip || ip === 'manual' ? undefined : ip === 'dhcp' ? 'dhcp' : ip.split('/')[0];
  const urls: string[] = [];
  const host = address && address !== 'dhcp' ? address : g.name;
  for (const name of g.features) {
    const hit = registry.find(name);
    const tpl = hit.ok ? hit.feature.manifest.url : undefined;
    if (!tpl) continue;
    urls.push(tpl.replace(/\{host\}/g, host).replace(/\{port:([A-Za-z_][A-Za-z0-9_]*):(\d+)\}/g, (_m, key: string, def: string) => firstPort(g.inputs[key]) ?? def));
  }
  return { address, urls };
}
