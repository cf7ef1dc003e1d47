// Property-string formats of QEMU options (qm.conf(5)): net[n], disks, efidisk0, tpmstate0,
// unused[n], agent, ipconfig[n], boot, memory, machine, vga, cpu, smbios1, ... Written from
// docs/qm.conf.5-opts.adoc and qm-cloud-init-opts.adoc.

import { alias, bool, fmt, int, num, oneOf, required, str } from './dsl.js';
import type { ParamSchema, PropertyFormat } from './types.js';

export const NIC_MODELS = ['e1000', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'e1000e', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3'] as const;

export const qemuNetFormat: PropertyFormat = {
  model: required(oneOf(NIC_MODELS, { default_key: true })),
  bridge: fmt('pve-bridge-id'),
  firewall: bool(),
  link_down: bool(),
  macaddr: fmt('mac-addr'),
  mtu: int(1, 65520),
  queues: int(0, 64),
  rate: num(0),
  tag: int(1, 4094),
  trunks: str({ pattern: '\\d+(?:-\\d+)?(?:;\\d+(?:-\\d+)?)*' }),
  // `virtio=BC:24:11:..`: the model name is a key whose value is the MAC address.
  ...Object.fromEntries(NIC_MODELS.map((m) => [m, alias('macaddr', 'model')])),
};

const throttle = (): PropertyFormat => {
  const out: Record<string, ParamSchema> = {};
  for (const k of ['bps', 'bps_rd', 'bps_wr', 'iops', 'iops_max', 'iops_rd', 'iops_rd_max', 'iops_wr', 'iops_wr_max']) out[k] = int();
  for (const k of ['bps_max_length', 'bps_rd_max_length', 'bps_wr_max_length', 'iops_max_length', 'iops_rd_max_length', 'iops_wr_max_length']) out[k] = int(1);
  for (const k of ['mbps', 'mbps_max', 'mbps_rd', 'mbps_rd_max', 'mbps_wr', 'mbps_wr_max']) out[k] = num();
  out.bps_rd_length = alias('bps_rd_max_length');
  out.bps_wr_length = alias('bps_wr_max_length');
  out.iops_rd_length = alias('iops_rd_max_length');
  out.iops_wr_length = alias('iops_wr_max_length');
  return out;
};

const DISK_FORMATS = ['raw', 'qcow', 'qed', 'qcow2', 'vmdk', 'cloop'];

const diskCommon: PropertyFormat = {
  file: required(fmt('pve-volume-id-or-qm-path', { default_key: true })),
  volume: alias('file'),
  aio: oneOf(['native', 'threads', 'io_uring']),
  backup: bool(),
  cache: oneOf(['none', 'writethrough', 'writeback', 'unsafe', 'directsync']),
  detect_zeroes: bool(),
  discard: oneOf(['ignore', 'on']),
  format: oneOf(DISK_FORMATS),
  'import-from': fmt('pve-volume-id-or-absolute-path'),
  media: oneOf(['cdrom', 'disk'], { default: 'disk' }),
  replicate: bool({ default: 1 }),
  rerror: oneOf(['ignore', 'report', 'stop']),
  serial: fmt('urlencoded', { maxLength: 60 }),
  shared: bool({ default: 0 }),
  size: fmt('disk-size'),
  snapshot: bool(),
  werror: oneOf(['enospc', 'ignore', 'report', 'stop']),
  ...throttle(),
};

const WWN = str({ pattern: '^(0x)[0-9a-fA-F]{16}' });

export const qemuScsiFormat: PropertyFormat = {
  ...diskCommon,
  iothread: bool(),
  product: str({ pattern: '[A-Za-z0-9\\-_\\s]{0,16}' }),
  queues: int(2),
  ro: bool(),
  scsiblock: bool({ default: 0 }),
  ssd: bool(),
  vendor: str({ pattern: '[A-Za-z0-9\\-_\\s]{0,8}' }),
  wwn: WWN,
};
export const qemuVirtioFormat: PropertyFormat = { ...diskCommon, iothread: bool(), ro: bool() };
export const qemuSataFormat: PropertyFormat = { ...diskCommon, ssd: bool(), wwn: WWN };
export const qemuIdeFormat: PropertyFormat = { ...diskCommon, model: fmt('urlencoded', { maxLength: 120 }), ssd: bool(), wwn: WWN };

export const qemuEfidiskFormat: PropertyFormat = {
  file: required(fmt('pve-volume-id-or-qm-path', { default_key: true })),
  volume: alias('file'),
  efitype: oneOf(['2m', '4m'], { default: '2m' }),
  format: oneOf(DISK_FORMATS),
  'import-from': fmt('pve-volume-id-or-absolute-path'),
  'ms-cert': oneOf(['2011', '2023', '2023w', '2023k'], { default: '2011' }),
  'pre-enrolled-keys': bool({ default: 0 }),
  size: fmt('disk-size'),
};

export const qemuTpmFormat: PropertyFormat = {
  file: required(fmt('pve-volume-id-or-qm-path', { default_key: true })),
  volume: alias('file'),
  format: oneOf(['raw', 'qcow2', 'vmdk']),
  'import-from': fmt('pve-volume-id-or-absolute-path'),
  size: fmt('disk-size'),
  version: oneOf(['v1.2', 'v2.0'], { default: 'v1.2' }),
};

export const qemuUnusedFormat: PropertyFormat = {
  file: required(fmt('pve-volume-id', { default_key: true })),
  volume: alias('file'),
};

export const qemuAgentFormat: PropertyFormat = {
  enabled: required(bool({ default_key: true, default: 0 })),
  'freeze-fs': bool({ default: 1 }),
  'freeze-fs-on-backup': alias('freeze-fs'),
  'guest-fsfreeze': alias('freeze-fs'),
  fstrim_cloned_disks: bool({ default: 0 }),
  type: oneOf(['virtio', 'isa'], { default: 'virtio' }),
};

export const qemuIpconfigFormat: PropertyFormat = {
  ip: fmt('pve-ipv4-config'),
  gw: fmt('ipv4'),
  ip6: fmt('pve-ipv6-config'),
  gw6: fmt('ipv6'),
};

export const qemuBootFormat: PropertyFormat = {
  legacy: str({ default_key: true, pattern: '[acdn]{1,4}', default: 'cdn' }),
  order: fmt('pve-qm-bootdev-list'),
};

export const qemuMemoryFormat: PropertyFormat = {
  current: required(int(16, undefined, { default_key: true, default: 512 })),
};

export const qemuMachineFormat: PropertyFormat = {
  type: str({
    default_key: true,
    maxLength: 40,
    pattern: '(pc|pc(-i440fx)?-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?|q35|pc-q35-\\d+(\\.\\d+)+(\\+pve\\d+)?(\\.pxe)?|virt(?:-\\d+(\\.\\d+)+)?(\\+pve\\d+)?)',
  }),
  'aw-bits': num(32, 64),
  'enable-s3': bool(),
  'enable-s4': bool(),
  viommu: oneOf(['intel', 'virtio']),
};

export const qemuVgaFormat: PropertyFormat = {
  type: oneOf(['cirrus', 'qxl', 'qxl2', 'qxl3', 'qxl4', 'none', 'serial0', 'serial1', 'serial2', 'serial3', 'std', 'virtio', 'virtio-gl', 'vmware'], { default_key: true, default: 'std' }),
  clipboard: oneOf(['vnc']),
  memory: int(4, 512),
};

export const qemuCpuFormat: PropertyFormat = {
  cputype: str({ default_key: true, default: 'kvm64' }),
  flags: str({ pattern: '(?:[+-][a-zA-Z0-9\\-_\\.]+)(?:;[+-][a-zA-Z0-9\\-_\\.]+)*' }),
  'guest-phys-bits': int(32, 64),
  hidden: bool({ default: 0 }),
  'hv-vendor-id': str({ pattern: '[a-zA-Z0-9]{1,12}' }),
  'phys-bits': str({ pattern: '(?:[1-5]?[0-9]|6[0-4]|host)' }),
  'reported-model': str(),
};

const b64 = () => str({ pattern: '[A-Za-z0-9+\\/]+={0,2}' });
export const qemuSmbios1Format: PropertyFormat = {
  base64: bool(),
  family: b64(),
  manufacturer: b64(),
  product: b64(),
  serial: b64(),
  sku: b64(),
  uuid: str({ pattern: '[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}' }),
  version: b64(),
};

export const qemuHostpciFormat: PropertyFormat = {
  host: str({ default_key: true, pattern: '(?:(?:[a-fA-F0-9]{4,}:)?[a-fA-F0-9]{2}:[a-fA-F0-9]{2}(?:\\.[a-fA-F0-9])?)(?:;(?:(?:[a-fA-F0-9]{4,}:)?[a-fA-F0-9]{2}:[a-fA-F0-9]{2}(?:\\.[a-fA-F0-9])?))*' }),
  'device-id': str({ pattern: '0x[0-9a-fA-F]{4}' }),
  driver: oneOf(['vfio', 'keep']),
  'legacy-igd': bool({ default: 0 }),
  mapping: fmt('pve-configid'),
  mdev: str(),
  pcie: bool({ default: 0 }),
  rombar: bool({ default: 1 }),
  romfile: str(),
  'sub-device-id': str({ pattern: '0x[0-9a-fA-F]{4}' }),
  'sub-vendor-id': str({ pattern: '0x[0-9a-fA-F]{4}' }),
  'vendor-id': str({ pattern: '0x[0-9a-fA-F]{4}' }),
  'x-vga': bool({ default: 0 }),
};

export const qemuCicustomFormat: PropertyFormat = {
  meta: fmt('pve-volume-id'),
  network: fmt('pve-volume-id'),
  user: fmt('pve-volume-id'),
  vendor: fmt('pve-volume-id'),
};

export const qemuRngFormat: PropertyFormat = {
  source: required(oneOf(['/dev/urandom', '/dev/random', '/dev/hwrng'], { default_key: true })),
  max_bytes: int(undefined, undefined, { default: 1024 }),
  period: int(undefined, undefined, { default: 1000 }),
};

export const qemuWatchdogFormat: PropertyFormat = {
  model: oneOf(['i6300esb', 'ib700'], { default_key: true, default: 'i6300esb' }),
  action: oneOf(['reset', 'shutdown', 'poweroff', 'pause', 'debug', 'none']),
};
