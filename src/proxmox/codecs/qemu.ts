// Typed codecs for the QEMU property strings Phoenix writes and reads: net[n] (`virtio=MAC`),
// disks scsi/virtio/ide/sata[n], ipconfig[n], boot and agent.

import { qemuAgentFormat, qemuBootFormat, qemuIdeFormat, qemuIpconfigFormat, qemuNetFormat, qemuSataFormat, qemuScsiFormat, qemuVirtioFormat, type NIC_MODELS } from '../schema/formats-qemu.js';
import type { PropertyFormat } from '../schema/types.js';
import { PropertyStringError } from './property-string.js';
import { formatSize, parseSize } from './size.js';
import { formatTyped, parseTyped } from './typed.js';

export type NicModel = (typeof NIC_MODELS)[number];

export interface QemuNet {
  model: NicModel;
  macaddr?: string;
  bridge?: string;
  firewall?: boolean;
  tag?: number;
  mtu?: number;
  queues?: number;
  rate?: number;
  link_down?: boolean;
  trunks?: string;
}

export const parseQemuNet = (s: string): QemuNet => parseTyped<QemuNet>(qemuNetFormat, s, 'net');
/** `virtio=BC:24:11:..,bridge=vmbr0,firewall=1` (or bare `virtio,...` without a MAC). */
export const formatQemuNet = (n: QemuNet): string => formatTyped(qemuNetFormat, n);

export type DiskBus = 'scsi' | 'virtio' | 'ide' | 'sata';
const DISK_FORMATS: Record<DiskBus, PropertyFormat> = { scsi: qemuScsiFormat, virtio: qemuVirtioFormat, ide: qemuIdeFormat, sata: qemuSataFormat };

export interface QemuDisk {
  /** Volume id, `STORAGE:SIZE_GIB` for a new disk, `STORAGE:cloudinit`, `none` or `cdrom`. */
  file: string;
  size?: string;
  media?: 'cdrom' | 'disk';
  format?: string;
  iothread?: boolean;
  discard?: 'ignore' | 'on';
  ssd?: boolean;
  cache?: string;
  backup?: boolean;
  replicate?: boolean;
  'import-from'?: string;
  [more: string]: string | number | boolean | undefined;
}

/** Which bus a disk option belongs to (`scsi0` → scsi), or undefined for non-disk keys. */
export function diskBus(key: string): DiskBus | undefined {
  const m = /^(scsi|virtio|ide|sata)\d+$/.exec(key);
  return m ? (m[1] as DiskBus) : undefined;
}

export const parseQemuDisk = (bus: DiskBus, s: string): QemuDisk => parseTyped<QemuDisk>(DISK_FORMATS[bus], s, bus);
export function formatQemuDisk(bus: DiskBus, d: QemuDisk): string {
  const b = d.size === undefined ? undefined : parseSize(d.size);
  return formatTyped(DISK_FORMATS[bus], b === undefined ? d : { ...d, size: formatSize(b) });
}

export interface IpConfig {
  ip?: string;
  gw?: string;
  ip6?: string;
  gw6?: string;
}

export const parseIpConfig = (s: string): IpConfig => parseTyped<IpConfig>(qemuIpconfigFormat, s, 'ipconfig');
/** `ip=...,gw=...,ip6=...,gw6=...` — Proxmox stores what it is given; this is the order Phoenix writes. */
export function formatIpConfig(c: IpConfig): string {
  return (['ip', 'gw', 'ip6', 'gw6'] as const)
    .filter((k) => c[k] !== undefined)
    .map((k) => `${k}=${c[k]}`)
    .join(',');
}

export interface Boot {
  /** Devices in boot order (`order=scsi0;net0`). */
  order?: string[];
  /** Deprecated letter form (`c`, `cdn`). */
  legacy?: string;
}

export function parseBoot(s: string): Boot {
  const raw = parseTyped<{ order?: string; legacy?: string }>(qemuBootFormat, s, 'boot');
  const out: Boot = {};
  if (raw.legacy !== undefined) out.legacy = raw.legacy;
  if (raw.order !== undefined) out.order = raw.order.split(';');
  return out;
}

export function formatBoot(b: Boot): string {
  if (b.order && b.legacy) throw new PropertyStringError('boot: give either order or legacy');
  if (b.order) return `order=${b.order.join(';')}`;
  return b.legacy ?? '';
}

export interface Agent {
  enabled: boolean;
  fstrim_cloned_disks?: boolean;
  'freeze-fs'?: boolean;
  type?: 'virtio' | 'isa';
}

export const parseAgent = (s: string): Agent => parseTyped<Agent>(qemuAgentFormat, s, 'agent');
/** `1`, `1,fstrim_cloned_disks=1`, `0`. */
export const formatAgent = (a: Agent): string => formatTyped(qemuAgentFormat, a);
