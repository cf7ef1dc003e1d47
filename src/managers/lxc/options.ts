// LXC: the mapping table from config fields to Proxmox container options. Data, not string
// concatenation: each row says which option, how its value is made, and whether a running
// container takes the change live (hotplug) or needs a restart (Proxmox keeps it pending).

import type { HostSettings, LxcGuest } from '../../model/guest.js';
import { formatLxcFeatures, formatLxcNet, formatStartup, type LxcFeatures, type LxcNet } from '../../proxmox/codecs/index.js';
import type { DesiredOption } from '../common/options.js';
import { ownershipTags } from '../common/ownership.js';

interface Row {
  key: string;
  live: boolean;
  merge?: boolean;
  value: (g: LxcGuest, host: HostSettings) => string | undefined;
}

const num = (n: number | undefined) => (n === undefined ? undefined : String(n));
const bool = (b: boolean | undefined) => (b === undefined ? undefined : b ? '1' : '0');

export function lxcNet(g: LxcGuest): string | undefined {
  const n = g.network;
  if (!n) return undefined;
  const net: LxcNet = {
    name: n.name,
    bridge: n.bridge,
    hwaddr: n.mac,
    ip: n.ip,
    gw: n.gw,
    tag: n.vlan,
    firewall: n.firewall,
    type: 'veth',
  };
  return formatLxcNet(net);
}

export function lxcStartup(g: { bootOrder?: number; bootDelaySec?: number }): string | undefined {
  if (g.bootOrder === undefined && g.bootDelaySec === undefined) return undefined;
  return formatStartup({ order: g.bootOrder, up: g.bootDelaySec });
}

function features(g: LxcGuest): string | undefined {
  const keys = Object.keys(g.pveFeatures);
  if (!keys.length) return undefined;
  const f: LxcFeatures = {};
  for (const [k, v] of Object.entries(g.pveFeatures)) {
    if (k === 'mount') f.mount = v.split(';');
    else (f as Record<string, boolean>)[k] = v === '1';
  }
  return formatLxcFeatures(f);
}

/** Options `pct set` can change after create. Order = the order they are sent. */
export const LXC_OPTIONS: readonly Row[] = [
  { key: 'hostname', live: false, value: (g) => g.name },
  { key: 'cores', live: true, value: (g) => num(g.cores) },
  { key: 'memory', live: true, value: (g) => num(g.memoryMb) },
  { key: 'swap', live: true, value: (g) => num(g.swapMb) },
  { key: 'net0', live: true, merge: true, value: lxcNet },
  { key: 'nameserver', live: false, value: (g) => (g.network?.nameservers.length ? g.network.nameservers.join(' ') : undefined) },
  { key: 'searchdomain', live: false, value: (g) => g.network?.searchdomain },
  { key: 'onboot', live: true, value: (g) => bool(g.startAtBoot) },
  { key: 'startup', live: true, value: lxcStartup },
  { key: 'features', live: false, merge: true, value: features },
  // Always carries Phoenix's ownership tag (common/ownership.ts).
  { key: 'tags', live: true, value: (g) => ownershipTags(g.tags) },
];

/** Options only `pct create` takes (read-only afterwards, or meaningful only at creation). */
const CREATE_ONLY: readonly Row[] = [
  // Always sent: pct create's default is 0 on PVE 8.4 and 1 on 9.x; Phoenix's is 1 (unprivileged).
  { key: 'unprivileged', live: false, value: (g) => bool(g.unprivileged ?? true) },
  { key: 'ostype', live: false, value: (g) => g.ostype },
  { key: 'arch', live: false, value: (g) => g.arch },
];

function rows(table: readonly Row[], g: LxcGuest, host: HostSettings): DesiredOption[] {
  const out: DesiredOption[] = [];
  for (const r of table) {
    const value = r.value(g, host);
    if (value !== undefined) out.push({ key: r.key, value, live: r.live, merge: r.merge });
  }
  return out;
}

/** What `pct set` should make true on an existing container. */
export const desiredLxcOptions = (g: LxcGuest, host: HostSettings): DesiredOption[] => rows(LXC_OPTIONS, g, host);

/** Create-only options whose observed value must match (reported, never changed). */
export const createOnlyLxcOptions = (g: LxcGuest, host: HostSettings): DesiredOption[] => rows(CREATE_ONLY, g, host);

/** The ostemplate argument of `pct create`: a volume id, an absolute path, or a bare file name on `local`. */
export function ostemplateOf(g: LxcGuest): string | undefined {
  const t = g.template;
  if (!t) return undefined;
  if (t.includes(':') || t.startsWith('/')) return t;
  return `local:vztmpl/${t}`;
}
