// The typed, normalised model of what the user asked for: one entry per guest, LXC or VM.
// config/ produces it from the JSON files (after validation); graph/, plan/ and managers/ read it.
// Field names are Phoenix's own vocabulary; mapping to Proxmox options lives in managers/*/options.ts.

export type GuestId = number;
export type GuestKind = 'lxc' | 'vm';

/** A value that may be a literal or a reference resolved at run time and never printed. */
export type SecretRef = { env: string } | { file: string };
export type MaybeSecret = string | SecretRef;

/** Where a guest came from, for diagnostics and plan output. */
export interface Origin {
  file: string; // basename of the file, e.g. phoenix_lxc_configs.json
  path: string; // JSON path of the guest, e.g. lxc_configs."901"
}

export interface NetworkSpec {
  name: string; // interface name inside the guest (eth0)
  bridge: string;
  /** "dhcp", "manual", or an IPv4 CIDR such as 10.0.0.200/24 */
  ip?: string;
  gw?: string;
  nameservers: string[];
  searchdomain?: string;
  mac?: string; // upper-case colon form
  vlan?: number;
  firewall?: boolean; // per-NIC firewall flag; defaults to firewall.enabled
}

export interface FirewallRule {
  type: 'in' | 'out' | 'group';
  action: string; // ACCEPT | DROP | REJECT | group name
  proto?: string;
  source?: string;
  dest?: string;
  dport?: string; // the original's `port` is the destination port
  sport?: string;
  iface?: string;
  comment?: string;
  enable: boolean;
}

export interface FirewallSpec {
  enabled: boolean;
  rules: FirewallRule[];
  policyIn?: 'ACCEPT' | 'DROP' | 'REJECT';
  policyOut?: 'ACCEPT' | 'DROP' | 'REJECT';
}

export type HealthCheckSpec =
  | { kind: 'command'; name: string; command: string; retries: number; intervalSec: number; timeoutSec: number }
  | { kind: 'tcp'; name: string; host?: string; port: number; retries: number; intervalSec: number; timeoutSec: number }
  | {
      kind: 'http';
      name: string;
      url: string;
      expectStatus: number;
      retries: number;
      intervalSec: number;
      timeoutSec: number;
    };

export interface MountPointSpec {
  /** Bind mount from the host (original `mount_points`). */
  kind: 'bind';
  hostPath: string;
  containerPath: string;
  ownerUid?: number;
  ownerGid?: number;
  readOnly?: boolean;
}

export interface VolumeSpec {
  /** A storage-backed volume allocated by Proxmox (original `zfs_volumes`). */
  kind: 'volume';
  name: string;
  storage: string; // Proxmox storage id (original `pool`)
  sizeGb: number;
  containerPath: string; // identity of the mount
}

export interface IdMapSpec {
  type: 'uid' | 'gid';
  containerId: number;
  hostId: number;
  size: number;
}

export interface SnapshotPolicy {
  /** Snapshot that clones of this guest are made from (`template_snapshot_name`). */
  templateSnapshotName?: string;
  /** `enable_lifecycle_snapshots`: pre-configured (before features) and final-form (after checks). */
  lifecycle: boolean;
  /** VM `snapshots` list, e.g. ["pre-features","post-features"]. */
  named: string[];
}

interface GuestCommon {
  id: GuestId;
  kind: GuestKind;
  origin: Origin;
  /** Hostname (LXC) or VM name; validated as a DNS label/hostname. */
  name: string;
  cloneFrom?: GuestId;
  /** The cluster node the config puts it on (`node`); absent: placed by the run. */
  node?: string;
  /** Declared dependencies (`dependencies`), numeric ids, in file order. */
  dependencies: GuestId[];
  cores?: number;
  memoryMb?: number;
  startAtBoot?: boolean;
  bootOrder?: number;
  bootDelaySec?: number;
  network?: NetworkSpec;
  firewall?: FirewallSpec;
  /** Feature names, in order. */
  features: string[];
  /** The original's `application_script`, run like a last feature. */
  applicationScript?: string;
  healthChecks: HealthCheckSpec[];
  snapshots: SnapshotPolicy;
  isTemplate: boolean;
  /** Config values a feature may declare as inputs (e.g. vllm_engine_config, ports); raw JSON. */
  inputs: Record<string, unknown>;
  tags?: string[];
}

export interface LxcGuest extends GuestCommon {
  kind: 'lxc';
  /** ostemplate volume id or path (only needed when not cloned). */
  template?: string;
  storage?: string; // storage_pool
  rootfsSizeGb?: number;
  swapMb?: number;
  unprivileged?: boolean;
  ostype?: string;
  arch?: string;
  /** Proxmox `features` property (nesting=1,keyctl=1), from pct_options and apparmor hints. */
  pveFeatures: Record<string, string>;
  /** Raw lxc.* lines, `key: value` form, in order, without duplicates. */
  rawLxc: Array<[string, string]>;
  mounts: Array<MountPointSpec | VolumeSpec>;
  idMaps: IdMapSpec[];
  /** GPU indices passed through, [] for none. */
  gpus: number[];
  sshPublicKeys?: string[];
  fullClone?: boolean;
}

export interface VmCloudInit {
  user?: string;
  password?: MaybeSecret;
  sshKeys?: string[];
  ipconfig0?: string; // ip=...,gw=...
  nameserver?: string;
  searchdomain?: string;
}

export interface VmNfsVolume {
  kind: 'nfs';
  name: string;
  server: string;
  path: string;
  mountPoint: string;
}

export interface VmGuest extends GuestCommon {
  kind: 'vm';
  /** Cloud image (a file name on `local` import storage, a volume id like local:import/x.qcow2, a host path, or an https URL). */
  image?: string;
  /** For an https `image`: the file name to store it under on import storage. */
  imageFile?: string;
  /** For an https `image`: the checksum download-url verifies (`sha256:hex`). */
  imageChecksum?: { algorithm: string; value: string };
  storage?: string;
  diskSizeGb?: number;
  bridge?: string;
  cpuType?: string;
  cloudInit: VmCloudInit;
  volumes: VmNfsVolume[];
  agentTimeoutSec: number;
  cloudInitTimeoutSec: number;
  fullClone: boolean;
}

export type Guest = LxcGuest | VmGuest;

/** Host-wide settings Phoenix uses from phoenix_hypervisor_config.json. */
export interface HostSettings {
  domainName?: string;
  node?: string;
  /** Nodes guests without their own `node` are placed on (`nodes`); absent: all go to `node`. */
  nodes?: string[];
  /** node_ssh: how each node is reached over SSH (node name → [user@]host). */
  nodeSsh?: Record<string, string>;
  /** --driver api's settings from the host file (the token only as a file's path, absolute). */
  api?: { url?: string; fingerprint?: string; node?: string; nodeSsh?: string; tokenFile?: string };
  /** Root keys of the LXC file that features may receive (nvidia_driver_version, ...). */
  lxcRootInputs: Record<string, unknown>;
  /** Whole host config object, redacted copies only ever leave memory. */
  raw: Record<string, unknown>;
}

export interface PhoenixConfig {
  /** Directory holding the files. */
  dir: string;
  files: { hypervisor?: string; lxc?: string; vm?: string };
  host: HostSettings;
  guests: Map<GuestId, Guest>;
  /** Strings written literally under secret-looking keys: scrubbed from every output of a run. */
  secretLiterals?: readonly string[];
}

/**
 * The container's first bind mount, if any. Proxmox checks every mount point before a snapshot,
 * a clone or a template conversion, and a host path supports none of them.
 */
export function firstBindMount(g: LxcGuest): { index: number; mount: MountPointSpec } | undefined {
  const index = g.mounts.findIndex((m) => m.kind === 'bind');
  return index < 0 ? undefined : { index, mount: g.mounts[index] as MountPointSpec };
}

/** The snapshots a container's config asks for (lifecycle pair, template snapshot), in order. */
export function lxcSnapshotNames(g: LxcGuest): string[] {
  const names = new Set<string>();
  if (g.snapshots.lifecycle) names.add('pre-configured').add('final-form');
  if (g.snapshots.templateSnapshotName) names.add(g.snapshots.templateSnapshotName);
  for (const n of g.snapshots.named) names.add(n);
  return [...names];
}
