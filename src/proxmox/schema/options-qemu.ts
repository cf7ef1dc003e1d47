// QEMU VM options (qm.conf(5)) as `qm create` and `qm set` accept them, plus the options only one
// of the two takes. Indexed: scsi 0..30, virtio 0..15, ide 0..3, sata 0..5, net/ipconfig 0..31,
// serial 0..3, parallel 0..2, hostpci 0..15, unused 0..255. Left out on purpose (rejected like an
// unknown option): numa[n], usb[n], virtiofs[n], ivshmem, audio0, spice_enhancements, amd-sev,
// intel-tdx — Phoenix does not emit them.

import { bool, fmt, int, num, oneOf, str } from './dsl.js';
import {
  qemuAgentFormat,
  qemuBootFormat,
  qemuCicustomFormat,
  qemuCpuFormat,
  qemuEfidiskFormat,
  qemuHostpciFormat,
  qemuIdeFormat,
  qemuIpconfigFormat,
  qemuMachineFormat,
  qemuMemoryFormat,
  qemuNetFormat,
  qemuRngFormat,
  qemuSataFormat,
  qemuScsiFormat,
  qemuSmbios1Format,
  qemuTpmFormat,
  qemuUnusedFormat,
  qemuVgaFormat,
  qemuVirtioFormat,
  qemuWatchdogFormat,
} from './formats-qemu.js';
import type { IndexedOption, ParamSchema } from './types.js';

export const QEMU_OSTYPES = ['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris'] as const;
export const QEMU_LOCKS = ['backup', 'clone', 'create', 'migrate', 'rollback', 'snapshot', 'snapshot-delete', 'suspending', 'suspended'] as const;
const KEYBOARDS = ['de', 'de-ch', 'da', 'en-gb', 'en-us', 'es', 'fi', 'fr', 'fr-be', 'fr-ca', 'fr-ch', 'hu', 'is', 'it', 'ja', 'lt', 'mk', 'nl', 'no', 'pl', 'pt', 'pt-br', 'sv', 'sl', 'tr'];

/** Options stored in the VM config, accepted by both create and set. */
export const qemuConfigOptions: Record<string, ParamSchema> = {
  acpi: bool({ default: 1 }),
  affinity: fmt('pve-cpuset'),
  agent: fmt(qemuAgentFormat),
  'allow-ksm': bool({ default: 1 }),
  arch: oneOf(['x86_64', 'aarch64']),
  args: str(),
  autostart: bool({ default: 0 }),
  balloon: int(0),
  bios: oneOf(['seabios', 'ovmf'], { default: 'seabios' }),
  boot: fmt(qemuBootFormat),
  bootdisk: fmt('pve-qm-bootdisk', { pattern: '(ide|sata|scsi|virtio)\\d+' }),
  cdrom: fmt(qemuIdeFormat),
  cicustom: fmt(qemuCicustomFormat),
  cipassword: str(),
  citype: oneOf(['configdrive2', 'nocloud', 'opennebula']),
  ciupgrade: bool({ default: 1 }),
  ciuser: str(),
  cores: int(1, undefined, { default: 1 }),
  cpu: fmt(qemuCpuFormat),
  cpulimit: num(0, 128, { default: 0 }),
  cpuunits: int(1, 262144),
  description: str({ maxLength: 8192 }),
  efidisk0: fmt(qemuEfidiskFormat),
  freeze: bool(),
  hookscript: fmt('pve-volume-id'),
  hotplug: fmt('pve-hotplug-features', { default: 'network,disk,usb' }),
  hugepages: oneOf(['any', '2', '1024']),
  keephugepages: bool({ default: 0 }),
  keyboard: oneOf(KEYBOARDS),
  kvm: bool({ default: 1 }),
  localtime: bool(),
  lock: oneOf(QEMU_LOCKS),
  machine: fmt(qemuMachineFormat),
  memory: fmt(qemuMemoryFormat),
  migrate_downtime: num(0, undefined, { default: 0.1 }),
  migrate_speed: int(0, undefined, { default: 0 }),
  name: fmt('dns-name'),
  nameserver: fmt('address-list'),
  numa: bool({ default: 0 }),
  onboot: bool({ default: 0 }),
  ostype: oneOf(QEMU_OSTYPES, { default: 'other' }),
  protection: bool({ default: 0 }),
  reboot: bool({ default: 1 }),
  rng0: fmt(qemuRngFormat),
  scsihw: oneOf(['lsi', 'lsi53c810', 'virtio-scsi-pci', 'virtio-scsi-single', 'megasas', 'pvscsi'], { default: 'lsi' }),
  searchdomain: str(),
  shares: int(0, 50000, { default: 1000 }),
  smbios1: fmt(qemuSmbios1Format, { maxLength: 512 }),
  smp: int(1, undefined, { default: 1 }),
  sockets: int(1, undefined, { default: 1 }),
  sshkeys: fmt('urlencoded'),
  startdate: str({ pattern: '(now|\\d{4}-\\d{1,2}-\\d{1,2}(T\\d{1,2}:\\d{1,2}:\\d{1,2})?)', default: 'now' }),
  startup: fmt('pve-startup-order'),
  tablet: bool({ default: 1 }),
  tags: fmt('pve-tag-list'),
  tdf: bool({ default: 0 }),
  template: bool({ default: 0 }),
  tpmstate0: fmt(qemuTpmFormat),
  vcpus: int(1),
  vga: fmt(qemuVgaFormat),
  vmgenid: str({ pattern: '(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])' }),
  vmstatestorage: fmt('pve-storage-id'),
  watchdog: fmt(qemuWatchdogFormat),
};

export const qemuIndexed: readonly IndexedOption[] = [
  { prefix: 'scsi', max: 30, schema: fmt(qemuScsiFormat) },
  { prefix: 'virtio', max: 15, schema: fmt(qemuVirtioFormat) },
  { prefix: 'ide', max: 3, schema: fmt(qemuIdeFormat) },
  { prefix: 'sata', max: 5, schema: fmt(qemuSataFormat) },
  { prefix: 'net', max: 31, schema: fmt(qemuNetFormat) },
  { prefix: 'ipconfig', max: 31, schema: fmt(qemuIpconfigFormat) },
  { prefix: 'serial', max: 3, schema: str({ pattern: '(/dev/.+|socket)' }) },
  { prefix: 'parallel', max: 2, schema: str({ pattern: '/dev/parport\\d+|/dev/usb/lp\\d+' }) },
  { prefix: 'hostpci', max: 15, schema: fmt(qemuHostpciFormat) },
  { prefix: 'unused', max: 255, schema: fmt(qemuUnusedFormat) },
];

/** Options only `qm create` takes (besides vmid). */
export const qemuCreateOnly: Record<string, ParamSchema> = {
  archive: str({ maxLength: 255 }),
  bwlimit: int(0),
  force: bool({ requires: 'archive' }),
  'ha-managed': bool({ default: 0 }),
  'import-working-storage': fmt('pve-storage-id'),
  'live-restore': bool(),
  pool: fmt('pve-poolid'),
  start: bool({ default: 0 }),
  storage: fmt('pve-storage-id'),
  unique: bool({ requires: 'archive' }),
};

/** Options only `qm set` takes. */
export const qemuSetOnly: Record<string, ParamSchema> = {
  delete: fmt('pve-configid-list'),
  digest: str({ maxLength: 40 }),
  force: bool({ requires: 'delete' }),
  revert: fmt('pve-configid-list'),
  skiplock: bool(),
};

const range = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
/** Disks `qm resize` accepts. */
export const QEMU_RESIZE_DISKS: readonly string[] = [...range('ide', 4), ...range('scsi', 31), ...range('virtio', 16), ...range('sata', 6), 'efidisk0', 'tpmstate0'];
/**
 * Disks `qm template --disk` and `qm disk import --target-disk` accept, in the order an enum error
 * lists them.
 */
// PVE: qemu-server src/PVE/QemuServer/Drive.pm:valid_drive_names (ide, scsi, virtio, sata, efidisk0, tpmstate0)
export const QEMU_TEMPLATE_DISKS: readonly string[] = QEMU_RESIZE_DISKS;
