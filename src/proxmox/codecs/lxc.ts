// Typed codecs for the LXC property strings Phoenix writes and reads: net[n], rootfs / mp[n],
// features and startup. Printing matches Proxmox's stored form (sizes normalised like `50G`).

import { lxcFeaturesFormat, lxcMountPointFormat, lxcNetFormat, lxcRootfsFormat } from '../schema/formats-lxc.js';
import { formatSize, parseSize } from './size.js';
import { formatTyped, parseTyped } from './typed.js';

export interface LxcNet {
  name: string;
  bridge?: string;
  hwaddr?: string;
  ip?: string;
  gw?: string;
  ip6?: string;
  gw6?: string;
  firewall?: boolean;
  tag?: number;
  type?: 'veth';
  mtu?: number;
  rate?: number;
  trunks?: string;
  link_down?: boolean;
  'host-managed'?: boolean;
}

export const parseLxcNet = (s: string): LxcNet => parseTyped<LxcNet>(lxcNetFormat, s, 'net');
export const formatLxcNet = (n: LxcNet): string => formatTyped(lxcNetFormat, n);

export interface LxcMountPoint {
  /** Volume id (`local-lvm:vm-100-disk-0`), new-volume spec (`local-lvm:8`) or host path (bind mount). */
  volume: string;
  /** Path inside the container; absent for rootfs. */
  mp?: string;
  /** As written (`32G`); see mountPointSizeBytes. */
  size?: string;
  acl?: boolean;
  backup?: boolean;
  quota?: boolean;
  replicate?: boolean;
  ro?: boolean;
  shared?: boolean;
  keepattrs?: boolean;
  /** `noatime;nodev` */
  mountoptions?: string;
}

export const parseLxcRootfs = (s: string): LxcMountPoint => parseTyped<LxcMountPoint>(lxcRootfsFormat, s, 'rootfs');
export const parseLxcMountPoint = (s: string): LxcMountPoint => parseTyped<LxcMountPoint>(lxcMountPointFormat, s, 'mp');

const normSize = (m: LxcMountPoint): LxcMountPoint => {
  const b = m.size === undefined ? undefined : parseSize(m.size);
  return b === undefined ? m : { ...m, size: formatSize(b) };
};
export const formatLxcRootfs = (m: LxcMountPoint): string => formatTyped(lxcRootfsFormat, normSize(m), ['mp']);
export const formatLxcMountPoint = (m: LxcMountPoint): string => formatTyped(lxcMountPointFormat, normSize(m));

/** The mount point's size in bytes, or undefined when it has none. */
export function mountPointSizeBytes(m: LxcMountPoint): number | undefined {
  return m.size === undefined ? undefined : parseSize(m.size);
}

/** A bind mount names a host path (`/mnt/...`) instead of a storage volume. */
export const isBindMount = (m: LxcMountPoint): boolean => m.volume.startsWith('/');

export interface LxcFeatures {
  nesting?: boolean;
  keyctl?: boolean;
  fuse?: boolean;
  mknod?: boolean;
  force_rw_sys?: boolean;
  /** File system types allowed to mount (`nfs`, `cifs`), written `mount=nfs;cifs`. */
  mount?: string[];
}

export function parseLxcFeatures(s: string): LxcFeatures {
  const raw = parseTyped<Omit<LxcFeatures, 'mount'> & { mount?: string }>(lxcFeaturesFormat, s, 'features');
  const { mount, ...rest } = raw;
  return mount === undefined ? rest : { ...rest, mount: mount.split(';').filter((x) => x !== '') };
}

export function formatLxcFeatures(f: LxcFeatures): string {
  const { mount, ...rest } = f;
  return formatTyped(lxcFeaturesFormat, mount && mount.length ? { ...rest, mount: mount.join(';') } : rest);
}
