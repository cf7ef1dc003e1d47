// Mount points (bind mounts and storage volumes) are identified by their path inside the
// container: an existing mpN with that path is kept (grown if the config asks for more), a new
// one takes the next free index, and nothing is ever allocated twice or removed automatically.

import type { LxcGuest, MountPointSpec, VolumeSpec } from '../../model/guest.js';
import { formatLxcMountPoint, isBindMount, mountPointSizeBytes, parseLxcMountPoint, GiB } from '../../proxmox/codecs/index.js';
import type { FieldChange } from '../../plan/types.js';

export interface MountPlan {
  /** New or changed mpN options, sent with the same `pct set`. */
  set: Record<string, string>;
  changes: FieldChange[];
  /** Volumes to grow: `pct resize <vmid> mpN <size>`. */
  resize: Array<{ disk: string; size: string; from?: string }>;
  /** Problems that stop the converge (e.g. a volume smaller than it already is). */
  errors: string[];
  /** mpN on the guest that the config no longer lists (kept, reported). */
  unmanaged: string[];
}

interface Existing {
  key: string;
  path: string;
  volume: string;
  sizeBytes?: number;
  ro: boolean;
}

function existingMounts(options: Record<string, string>): Existing[] {
  const out: Existing[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (!/^mp\d+$/.test(key)) continue;
    try {
      const m = parseLxcMountPoint(value);
      out.push({ key, path: m.mp ?? '', volume: m.volume, sizeBytes: mountPointSizeBytes(m), ro: m.ro ?? false });
    } catch {
      out.push({ key, path: '', volume: value, ro: false });
    }
  }
  return out;
}

function newValue(m: MountPointSpec | VolumeSpec): string {
  if (m.kind === 'bind') return formatLxcMountPoint({ volume: m.hostPath, mp: m.containerPath, ro: m.readOnly || undefined });
  return formatLxcMountPoint({ volume: `${m.storage}:${m.sizeGb}`, mp: m.containerPath });
}

export function planMounts(g: LxcGuest, options: Record<string, string>): MountPlan {
  const plan: MountPlan = { set: {}, changes: [], resize: [], errors: [], unmanaged: [] };
  const existing = existingMounts(options);
  const used = new Set(existing.map((e) => Number(e.key.slice(2))));
  let next = 0;
  const freeIndex = () => {
    while (used.has(next)) next++;
    used.add(next);
    return `mp${next}`;
  };
  for (const m of g.mounts) {
    const have = existing.find((e) => e.path === m.containerPath);
    if (!have) {
      const key = freeIndex();
      const value = newValue(m);
      plan.set[key] = value;
      plan.changes.push({ key, after: value, live: true });
      continue;
    }
    if (m.kind === 'bind') {
      if (!isBindMount({ volume: have.volume }) || have.volume !== m.hostPath || have.ro !== Boolean(m.readOnly)) {
        const value = newValue(m);
        plan.set[have.key] = value;
        // A running CT hot-plugs a new mount point but keeps a changed one pending until its
        // next start (pve-container LXC/Config.pm vmconfig_hotplug_pending: `die "skip"`).
        plan.changes.push({ key: have.key, before: options[have.key], after: value, live: false });
      }
      continue;
    }
    const want = m.sizeGb * GiB;
    if (have.sizeBytes !== undefined && want < have.sizeBytes) {
      plan.errors.push(`${m.containerPath}: size_gb ${m.sizeGb} is smaller than the existing volume ${have.volume} (${have.sizeBytes / GiB}G); volumes only grow`);
    } else if (have.sizeBytes !== undefined && want > have.sizeBytes) {
      plan.resize.push({ disk: have.key, size: `${m.sizeGb}G`, from: `${have.sizeBytes / GiB}G` });
    }
  }
  const managed = new Set(g.mounts.map((m) => m.containerPath));
  plan.unmanaged = existing.filter((e) => !managed.has(e.path)).map((e) => `${e.key} (${e.path || e.volume})`);
  return plan;
}
