// Raw `lxc.*` lines Proxmox has no option for: the config's own lines (lxc_options,
// apparmor_profile), GPU passthrough for gpu_assignment, and id maps. Each exactly once, in a
// stable order, so a re-run compares equal and writes nothing.

import type { IdMapSpec, LxcGuest } from '../../model/guest.js';

type Entry = [string, string];

/**
 * NVIDIA device nodes a container needs for GPU n: the per-GPU node plus the shared control
 * and UVM nodes. 195 is the NVIDIA character-device major; nvidia-uvm's major is dynamic on the
 * host, so it is allowed by name class through its own cgroup rule (configurable per host later).
 */
const NVIDIA_MAJOR = 195;
const NVIDIA_UVM_MAJOR = 243;

function gpuEntries(gpus: readonly number[]): Entry[] {
  if (!gpus.length) return [];
  const mount = (dev: string): Entry => ['lxc.mount.entry', `/dev/${dev} dev/${dev} none bind,optional,create=file`];
  return [['lxc.cgroup2.devices.allow', `c ${NVIDIA_MAJOR}:* rwm`], ['lxc.cgroup2.devices.allow', `c ${NVIDIA_UVM_MAJOR}:* rwm`], mount('nvidiactl'), mount('nvidia-uvm'), mount('nvidia-uvm-tools'), ...[...gpus].sort((a, b) => a - b).map((n) => mount(`nvidia${n}`))];
}

/**
 * lxc.idmap lines for an unprivileged container (host ids start at 100000, 65536 of them) with
 * the listed ids mapped 1:1 to host ids and the ranges around them kept contiguous.
 */
export function idmapEntries(maps: readonly IdMapSpec[]): Entry[] {
  if (!maps.length) return [];
  const out: Entry[] = [];
  for (const t of ['uid', 'gid'] as const) {
    const letter = t === 'uid' ? 'u' : 'g';
    const mine = maps.filter((m) => m.type === t).sort((a, b) => a.containerId - b.containerId);
    let next = 0;
    for (const m of mine) {
      if (m.containerId > next) out.push(['lxc.idmap', `${letter} ${next} ${100000 + next} ${m.containerId - next}`]);
      out.push(['lxc.idmap', `${letter} ${m.containerId} ${m.hostId} ${m.size}`]);
      next = m.containerId + m.size;
    }
    if (next < 65536) out.push(['lxc.idmap', `${letter} ${next} ${100000 + next} ${65536 - next}`]);
  }
  return out;
}

export function desiredRawLxc(g: LxcGuest): Entry[] {
  const out: Entry[] = [];
  for (const e of [...g.rawLxc, ...gpuEntries(g.gpus), ...idmapEntries(g.idMaps)]) {
    if (!out.some(([k, v]) => k === e[0] && v === e[1])) out.push(e);
  }
  return out;
}

/** Same entries, each once, order-insensitive. */
export function rawLxcEqual(a: readonly Entry[], b: readonly Entry[]): boolean {
  const key = (e: Entry) => `${e[0]}\u0000${e[1]}`;
  const sa = a.map(key).sort();
  const sb = b.map(key).sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
}
