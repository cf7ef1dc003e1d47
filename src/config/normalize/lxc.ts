// One `lxc_configs` entry → LxcGuest. What each original field meant comes from the recorded
// commands of the original (golden/expected/*/commands.jsonl) and the final /etc/pve configs.
import type { LxcGuest, MountPointSpec, Origin, VolumeSpec } from '../../model/guest.js';
import { formatPath } from '../../diag/diagnostic.js';
import type { JsonPath } from '../json.js';
import { keyPatternOf } from '../schema/common.js';
import { LxcGuestSchema, type LxcGuestInput } from '../schema/lxc.js';
import { type Report, defined, featureInputs, firewallSpec, healthChecks, normalizeMac, splitNameservers } from './shared.js';

/** Keys of Proxmox's container `features` property (pct --features). */
const PVE_FEATURES = new Set(['nesting', 'keyctl', 'fuse', 'mount', 'mknod', 'force_rw_sys']);
const RAW_LXC = /^\s*(lxc\.[A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/;
/** `lxc.hook.*` in any spelling LXC might take (dashes or underscores, any case): runs on the host. */
const HOOK_KEY = /^lxc\.hook(\.|$)/;
const isHookKey = (k: string) => HOOK_KEY.test(k.toLowerCase().replace(/_/g, '-'));

/** pct_options ["nesting=1", "keyctl=1,fuse=1"] → {nesting: "1", keyctl: "1", fuse: "1"} */
function pveFeatures(options: string[], at: JsonPath, report: Report): Record<string, string> {
  const out: Record<string, string> = {};
  options.forEach((opt, i) => {
    for (const part of opt
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^([a-z_]+)=(.+)$/.exec(part);
      if (!m || !PVE_FEATURES.has(m[1])) {
        report('error', [...at, i], `expected a Proxmox container feature (${[...PVE_FEATURES].join(', ')}) written key=value, got ${JSON.stringify(part)}`);
        continue;
      }
      out[m[1]] = m[2] === 'true' ? '1' : m[2] === 'false' ? '0' : m[2];
    }
  });
  return out;
}

/** lxc_options ("lxc.x=y" or "lxc.x:y") plus apparmor_profile → ordered, de-duplicated pairs. */
function rawLxc(g: LxcGuestInput, base: JsonPath, report: Report): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (k: string, v: string) => {
    if (!out.some(([a, b]) => a === k && b === v)) out.push([k, v]);
  };
  (g.lxc_options ?? []).forEach((line, i) => {
    const m = RAW_LXC.exec(line);
    if (!m) {
      report('error', [...base, 'lxc_options', i], `expected a raw LXC setting like "lxc.apparmor.profile=unconfined", got ${JSON.stringify(line)}`);
      return;
    }
    // A hook runs its command on the Proxmox host, as root, at every start: only when asked for.
    if (isHookKey(m[1])) {
      if (g.allow_lxc_hooks !== true) {
        report('error', [...base, 'lxc_options', i], `${m[1]} runs a command on the Proxmox host as root; set "allow_lxc_hooks": true on this container to allow it`);
        return;
      }
      report('warning', [...base, 'lxc_options', i], `${m[1]} runs ${JSON.stringify(m[2])} on the Proxmox host as root (allowed by allow_lxc_hooks)`);
    }
    add(m[1], m[2]);
  });
  if (g.apparmor_profile !== undefined) {
    const other = out.find(([k, v]) => k === 'lxc.apparmor.profile' && v !== g.apparmor_profile);
    if (other) report('error', [...base, 'apparmor_profile'], `${JSON.stringify(g.apparmor_profile)} contradicts lxc_options, which sets lxc.apparmor.profile to ${JSON.stringify(other[1])}`);
    else add('lxc.apparmor.profile', g.apparmor_profile);
  }
  return out;
}

function gpus(v: LxcGuestInput['gpu_assignment']): number[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : v.trim() === 'none' ? [] : v.split(',').map((s) => Number(s.trim()));
  return [...new Set(list)];
}

export function normalizeLxc(id: number, g: LxcGuestInput, raw: unknown, origin: Origin, base: JsonPath, report: Report): LxcGuest {
  const nc = g.network_config;
  const mounts: Array<MountPointSpec | VolumeSpec> = [
    ...(g.mount_points ?? []).map((m) => defined({ kind: 'bind' as const, hostPath: m.host_path, containerPath: m.container_path, ownerUid: m.owner_uid, ownerGid: m.owner_gid, readOnly: m.read_only })),
    ...(g.zfs_volumes ?? []).map((v): VolumeSpec => ({ kind: 'volume', name: v.name, storage: v.pool, sizeGb: v.size_gb, containerPath: v.mount_point })),
  ];
  const network =
    nc || g.mac_address
      ? defined({
          name: nc?.name ?? 'eth0',
          bridge: nc?.bridge ?? 'vmbr0',
          ip: nc?.ip,
          gw: nc?.gw,
          nameservers: splitNameservers(nc?.nameservers),
          searchdomain: nc?.searchdomain,
          mac: normalizeMac(g.mac_address),
          vlan: nc?.vlan,
          firewall: nc?.firewall ?? g.firewall?.enabled,
        })
      : undefined;
  return defined({
    id,
    kind: 'lxc' as const,
    origin,
    name: g.name,
    cloneFrom: g.clone_from_ctid,
    node: g.node,
    dependencies: [...new Set(g.dependencies ?? [])],
    cores: g.cores,
    memoryMb: g.memory_mb,
    startAtBoot: g.start_at_boot,
    bootOrder: g.boot_order,
    bootDelaySec: g.boot_delay,
    network,
    firewall: firewallSpec(g.firewall),
    features: g.features ?? [],
    applicationScript: g.application_script,
    healthChecks: healthChecks(g.health_check, g.health_checks),
    snapshots: defined({ templateSnapshotName: g.template_snapshot_name, lifecycle: g.enable_lifecycle_snapshots ?? false, named: [] }),
    isTemplate: g.is_template ?? false,
    inputs: featureInputs(LxcGuestSchema.shape, raw, keyPatternOf(LxcGuestSchema)),
    tags: g.tags,
    template: g.template,
    storage: g.storage_pool,
    rootfsSizeGb: g.storage_size_gb,
    swapMb: g.swap_mb,
    unprivileged: g.unprivileged,
    ostype: g.ostype,
    arch: g.arch,
    pveFeatures: pveFeatures(g.pct_options ?? [], [...base, 'pct_options'], report),
    rawLxc: rawLxc(g, base, report),
    mounts,
    idMaps: (g.id_maps ?? []).map((m) => ({ type: m.type, containerId: m.container_id, hostId: m.host_id, size: m.size })),
    gpus: gpus(g.gpu_assignment),
    sshPublicKeys: g.ssh_public_keys,
    fullClone: g.full_clone,
  });
}

export const originOf = (file: string, path: JsonPath): Origin => ({ file, path: formatPath(path) });
