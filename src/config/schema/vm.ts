// phoenix_vm_configs.json: `vm_defaults` (merged into every VM) and `vms[]` with integer vmid.
import { z } from 'zod';
import { bool, expecting, featureInput, guestRef, ignored, int, nodeName, nonEmpty, obj, secret, str, strList, builtinFeatureInputs, snapshotName, sshPublicKeys } from './common.js';
import { FirewallSchema, HealthChecksSchema, VmNetworkSchema, macAddress, tagsSchema } from './network.js';

export const NfsVolumeSchema = obj({
  type: z.literal('nfs', expecting('"nfs"')),
  name: nonEmpty('a volume name'),
  server: nonEmpty('an NFS server address'),
  path: z.string(expecting('an absolute export path')).regex(/^\//, expecting('an absolute export path')),
  mount_point: z.string(expecting('an absolute path inside the VM')).regex(/^\//, expecting('an absolute path inside the VM')),
});

export const UserConfigSchema = obj({
  username: nonEmpty('a user name').optional(),
  password: secret().optional(),
  ssh_public_keys: sshPublicKeys().optional(),
});

/** VM snapshots: a list of stage names, or the original's object form {"pre-features": "..."}. */
const snapshots = () => z.union([z.array(z.string()), z.record(z.string(), z.union([z.string(), z.boolean()]))], expecting('a list of snapshot stages like ["pre-features", "post-features"]'));

/** Every key a VM entry may have except its identity; also the shape of vm_defaults. */
const vmSettings = {
  ...builtinFeatureInputs(),
  is_template: bool().optional(),
  clone_from_vmid: guestRef().optional(),
  node: nodeName().optional(),
  full_clone: bool().optional(),
  template_image: nonEmpty('a cloud image file name, storage volume id, host path or https URL').optional(),
  template_image_file: nonEmpty('the file name an https template_image is stored under (.qcow2, .raw or .vmdk)').optional(),
  template_image_checksum: z
    .string(expecting('a checksum like "sha256:<hex>" (md5, sha1, sha224, sha256, sha384 or sha512)'))
    .regex(/^(md5|sha1|sha224|sha256|sha384|sha512):[0-9a-fA-F]+$/, expecting('a checksum like "sha256:<hex>" (md5, sha1, sha224, sha256, sha384 or sha512)'))
    .optional(),
  dependencies: z.array(guestRef(), expecting('a list of guest ids')).optional(),
  cores: int(1, 8192).optional(),
  memory_mb: int(16).optional(),
  cpu_type: nonEmpty('a QEMU CPU type like host or x86-64-v2-AES').optional(),
  disk_size_gb: int(1, undefined, 'a size in GB ≥ 1').optional(),
  storage_pool: nonEmpty('a Proxmox storage id').optional(),
  network_bridge: nonEmpty('a bridge name like vmbr0').optional(),
  mac_address: macAddress().optional(),
  start_at_boot: bool().optional(),
  boot_order: int(0).optional(),
  boot_delay: int(0, undefined, 'a delay in seconds ≥ 0').optional(),
  network_config: VmNetworkSchema.optional(),
  user_config: UserConfigSchema.optional(),
  firewall: FirewallSchema.optional(),
  features: strList('a list of feature names').optional(),
  application_script: nonEmpty('a script name').optional(),
  volumes: z.array(NfsVolumeSchema, expecting('a list of NFS volumes')).optional(),
  snapshots: snapshots().optional(),
  template_snapshot_name: snapshotName().optional(),
  enable_lifecycle_snapshots: bool().optional(),
  health_checks: HealthChecksSchema.optional(),
  agent_timeout_sec: int(1, 86400, 'a timeout in seconds from 1 to 86400').optional(),
  cloud_init_timeout_sec: int(1, 86400, 'a timeout in seconds from 1 to 86400').optional(),
  tags: tagsSchema(),
  // Read only by features: copied into the guest's inputs.
  portainer_role: featureInput('role in Portainer (primary, agent, ...)'),
  portainer_environment_name: featureInput('Portainer environment name'),
  portainer_agent_hostname: featureInput('Portainer agent host name'),
  traefik_service: featureInput('how Traefik routes to this guest'),
  docker_stacks: featureInput('Docker stacks for the docker feature'),
  dns_records: featureInput('DNS records for the dns feature'),
  // Accepted by the original, unused by Phoenix.
  count: ignored('each entry is exactly one VM'),
  qm_options: ignored('raw qm options are not passed through; use the typed keys'),
  trigger_sync_on_completion: ignored('Phoenix has no sync step'),
  tests: ignored('Phoenix runs health_checks, not test scripts'),
};

export const VmGuestSchema = obj({
  vmid: int(undefined, undefined, 'an integer VM id'),
  name: nonEmpty('a VM name (a DNS name)'),
  ...vmSettings,
});

export const VmDefaultsSchema = obj(
  {
    ...vmSettings,
    template: ignored('VMs come from template_image or clone_from_vmid'),
  },
  'an object of defaults for every VM',
);

/** What the loader parses first: the root, with VM entries left for VmGuestSchema one by one. */
export const VmFileEnvelope = obj({
  $schema: str().optional(),
  vm_defaults: z.unknown().optional(),
  vms: z.array(z.unknown(), expecting('a list of VMs')),
});

/** The whole file, for the published JSON Schema. */
export const VmFileSchema = obj({
  $schema: str().optional(),
  vm_defaults: VmDefaultsSchema.optional(),
  vms: z.array(VmGuestSchema),
}).meta({ title: 'Phoenix VMs (phoenix_vm_configs.json)' });

export type VmGuestInput = z.output<typeof VmGuestSchema>;
export type VmDefaultsInput = z.output<typeof VmDefaultsSchema>;
