// One `vms[]` entry (with vm_defaults merged in) → VmGuest. Cloud-init settings follow what the
// original sent to `qm create/set`: --ipconfig0 ip=...,gw=..., --nameserver, --ciuser, and the
// host's domain_name as --searchdomain.
import type { Origin, VmGuest } from '../../model/guest.js';
import { VmGuestSchema, type VmDefaultsInput, type VmGuestInput } from '../schema/vm.js';
import { defined, featureInputs, firewallSpec, healthChecks, normalizeMac, splitNameservers } from './shared.js';

/** Seconds to wait for the QEMU guest agent and for cloud-init, unless the config says otherwise. */
export const VM_TIMEOUTS = { agentSec: 300, cloudInitSec: 900 };

/** vm_defaults under the VM's own keys; the nested network_config and user_config merge key by key. */
export function mergeVmDefaults(defaults: VmDefaultsInput, vm: VmGuestInput): VmGuestInput {
  const { template: _ignored, ...d } = defaults;
  const merged: VmGuestInput = { ...d, ...defined(vm) };
  if (d.network_config && vm.network_config) merged.network_config = { ...d.network_config, ...defined(vm.network_config) };
  if (d.user_config && vm.user_config) merged.user_config = { ...d.user_config, ...defined(vm.user_config) };
  return merged;
}

function snapshotStages(s: VmGuestInput['snapshots']): string[] {
  if (s === undefined) return [];
  if (Array.isArray(s)) return [...new Set(s)];
  return Object.entries(s)
    .filter(([, v]) => v !== false && v !== '')
    .map(([k]) => k);
}

export function normalizeVm(vm: VmGuestInput, raw: unknown, rawDefaults: unknown, origin: Origin, domainName: string | undefined): VmGuest {
  const nc = vm.network_config;
  const nameservers = splitNameservers(nc?.nameserver);
  const ipconfig0 = nc?.ip === undefined ? undefined : nc.ip === 'dhcp' ? 'ip=dhcp' : `ip=${nc.ip}${nc.gw ? `,gw=${nc.gw}` : ''}`;
  const bridge = nc?.bridge ?? vm.network_bridge;
  const network =
    nc || bridge || vm.mac_address
      ? defined({
          name: 'net0', // the Proxmox device; its name inside the guest depends on the image
          bridge: bridge ?? 'vmbr0',
          ip: nc?.ip,
          gw: nc?.gw,
          nameservers,
          searchdomain: nc?.searchdomain,
          mac: normalizeMac(vm.mac_address),
          vlan: nc?.vlan,
          firewall: nc?.firewall ?? vm.firewall?.enabled,
        })
      : undefined;
  const uc = vm.user_config;
  return defined({
    id: vm.vmid,
    kind: 'vm' as const,
    origin,
    name: vm.name,
    cloneFrom: vm.clone_from_vmid,
    node: vm.node,
    dependencies: [...new Set(vm.dependencies ?? [])],
    cores: vm.cores,
    memoryMb: vm.memory_mb,
    startAtBoot: vm.start_at_boot,
    bootOrder: vm.boot_order,
    bootDelaySec: vm.boot_delay,
    network,
    firewall: firewallSpec(vm.firewall),
    features: vm.features ?? [],
    applicationScript: vm.application_script,
    healthChecks: healthChecks(undefined, vm.health_checks),
    snapshots: defined({
      templateSnapshotName: vm.template_snapshot_name,
      lifecycle: vm.enable_lifecycle_snapshots ?? false,
      named: snapshotStages(vm.snapshots),
    }),
    isTemplate: vm.is_template ?? false,
    inputs: { ...featureInputs(VmGuestSchema.shape, rawDefaults), ...featureInputs(VmGuestSchema.shape, raw) },
    tags: vm.tags,
    image: vm.template_image,
    imageFile: vm.template_image_file,
    imageChecksum: vm.template_image_checksum ? { algorithm: vm.template_image_checksum.split(':')[0], value: vm.template_image_checksum.split(':')[1].toLowerCase() } : undefined,
    storage: vm.storage_pool,
    diskSizeGb: vm.disk_size_gb,
    bridge,
    cpuType: vm.cpu_type,
    cloudInit: defined({
      user: uc?.username,
      password: uc?.password,
      sshKeys: uc?.ssh_public_keys,
      ipconfig0,
      nameserver: nameservers.length ? nameservers.join(' ') : undefined,
      searchdomain: nc?.searchdomain ?? domainName,
    }),
    volumes: (vm.volumes ?? []).map((v) => ({ kind: 'nfs' as const, name: v.name, server: v.server, path: v.path, mountPoint: v.mount_point })),
    agentTimeoutSec: vm.agent_timeout_sec ?? VM_TIMEOUTS.agentSec,
    cloudInitTimeoutSec: vm.cloud_init_timeout_sec ?? VM_TIMEOUTS.cloudInitSec,
    fullClone: vm.full_clone ?? true,
  });
}
