// phoenix_lxc_configs.json: `lxc_configs` keyed by CTID strings, plus root keys such as
// nvidia_driver_version that features receive. One schema per container entry.
import { z } from 'zod';
import { NVIDIA_KEY, asFeatureInput, bool, expecting, featureInput, guestRef, ignored, int, nodeName, nonEmpty, obj, str, strList, withKeyPattern, builtinFeatureInputs, snapshotName, sshPublicKeys } from './common.js';
import { FirewallSchema, HealthChecksSchema, LegacyHealthCheckSchema, LxcNetworkSchema, macAddress, tagsSchema } from './network.js';

const absPath = (what: string) => z.string(expecting(what)).regex(/^\//, expecting(what));

export const MountPointSchema = obj({
  host_path: absPath('an absolute host path'),
  container_path: absPath('an absolute path inside the container'),
  owner_uid: int(0).optional(),
  owner_gid: int(0).optional(),
  read_only: bool().optional(),
});

export const ZfsVolumeSchema = obj({
  name: nonEmpty('a volume name'),
  pool: nonEmpty('a Proxmox storage id'),
  size_gb: int(1, undefined, 'a size in GB ≥ 1'),
  mount_point: absPath('an absolute path inside the container'),
});

export const IdMapSchema = obj({
  type: z.enum(['uid', 'gid'], expecting('"uid" or "gid"')),
  container_id: int(0),
  host_id: int(0),
  size: int(1),
});

const gpuAssignment = () => {
  const e = expecting('"none", GPU indices like "0,1", or a list of integers from 0 to 63');
  return z.union([z.string(e).regex(/^\s*(none|\d+(\s*,\s*\d+)*)\s*$/, e), z.array(z.int(e).min(0, e).max(63, e), e)], e);
};

const portPair = expecting('a list of "host:container" port pairs like "8000:8000"');

export const LxcGuestSchema = withKeyPattern(
  obj({
    ...builtinFeatureInputs(),
    name: nonEmpty('a hostname'),
    template: nonEmpty('an ostemplate (volume id or path)').optional(),
    clone_from_ctid: guestRef().optional(),
    node: nodeName().optional(),
    dependencies: z.array(guestRef(), expecting('a list of guest ids')).optional(),
    is_template: bool().optional(),
    full_clone: bool().optional(),
    start_at_boot: bool().optional(),
    boot_order: int(0).optional(),
    boot_delay: int(0, undefined, 'a delay in seconds ≥ 0').optional(),
    memory_mb: int(16).optional(),
    swap_mb: int(0).optional(),
    cores: int(1, 8192).optional(),
    storage_pool: nonEmpty('a Proxmox storage id').optional(),
    storage_size_gb: int(1, undefined, 'a size in GB ≥ 1').optional(),
    unprivileged: bool().optional(),
    ostype: nonEmpty('an OS type like ubuntu').optional(),
    arch: z.enum(['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'], expecting('amd64, arm64, i386, armhf, riscv32 or riscv64')).optional(),
    network_config: LxcNetworkSchema.optional(),
    mac_address: macAddress().optional(),
    firewall: FirewallSchema.optional(),
    gpu_assignment: gpuAssignment().optional(),
    features: strList('a list of feature names').optional(),
    application_script: nonEmpty('a script name').optional(),
    pct_options: strList('a list of Proxmox container features like "nesting=1"').optional(),
    lxc_options: strList('a list of raw lxc settings like "lxc.apparmor.profile=unconfined"').optional(),
    allow_lxc_hooks: bool().optional().meta({ description: 'true to allow lxc.hook.* lines in lxc_options (they run commands on the Proxmox host as root)' }),
    apparmor_profile: nonEmpty('an AppArmor profile name').optional(),
    mount_points: z.array(MountPointSchema, expecting('a list of bind mounts')).optional(),
    zfs_volumes: z.array(ZfsVolumeSchema, expecting('a list of volumes')).optional(),
    id_maps: z.array(IdMapSchema, expecting('a list of id maps')).optional(),
    template_snapshot_name: snapshotName().optional(),
    enable_lifecycle_snapshots: bool().optional(),
    health_check: LegacyHealthCheckSchema.optional(),
    health_checks: HealthChecksSchema.optional(),
    ssh_public_keys: sshPublicKeys().optional(),
    tags: tagsSchema(),
    // Read only by features: copied into the guest's inputs.
    vllm_engine_config: featureInput('vLLM engine settings for the vllm feature'),
    ports: asFeatureInput(
      z
        .array(z.string(portPair).regex(/^\d+:\d+$/, portPair), portPair)
        .optional()
        .meta({ description: 'Feature input: "host:container" port pairs.' }),
    ),
    traefik_service: featureInput('how Traefik routes to this guest'),
    portainer_role: featureInput('role in Portainer (none, agent, server, infrastructure)'),
    bootstrap_ca_url: featureInput('Step CA URL for bootstrapping trust'),
    dns_records: featureInput('DNS records for the dns feature'),
    // Accepted by the original, unused by Phoenix.
    apparmor_manages_nesting: ignored('nesting comes from pct_options'),
    tests: ignored('Phoenix runs health_checks, not test scripts'),
    trigger_sync_on_completion: ignored('Phoenix has no sync step'),
  }),
  NVIDIA_KEY,
);

/** What the loader parses first: the root, with entries left for LxcGuestSchema one by one. */
export const LxcFileEnvelope = withKeyPattern(
  obj({
    $schema: str().optional(),
    lxc_configs: z.record(z.string(), z.unknown(), expecting('an object of containers keyed by CTID, like {"901": {...}}')),
  }),
  NVIDIA_KEY,
);

/** The whole file, for the published JSON Schema. */
export const LxcFileSchema = obj({
  $schema: str().optional(),
  nvidia_driver_version: str().optional().meta({ description: 'Feature input for the nvidia feature (all containers).' }),
  nvidia_repo_url: str().optional(),
  nvidia_runfile_url: str().optional(),
  lxc_configs: z.record(z.string().regex(/^[0-9]+$/), LxcGuestSchema),
}).meta({ title: 'Phoenix LXC containers (phoenix_lxc_configs.json)' });

export type LxcGuestInput = z.output<typeof LxcGuestSchema>;
