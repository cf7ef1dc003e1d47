// VM: the mapping table from config fields to QEMU options. Cloud-init options are flagged: a
// change to them is followed by one `qm cloudinit update` (and takes effect at the next boot).

import type { HostSettings, VmGuest } from '../../model/guest.js';
import { imageSource } from '../../model/vm-image.js';
import { formatQemuNet, formatStartup } from '../../proxmox/codecs/index.js';
import type { PveParams } from '../../proxmox/types.js';
import type { DesiredOption } from '../common/options.js';
import { ownershipTags } from '../common/ownership.js';

interface Row {
  key: string;
  live: boolean;
  merge?: boolean;
  cloudInit?: boolean;
  value: (g: VmGuest, host: HostSettings) => string | undefined;
}

const num = (n: number | undefined) => (n === undefined ? undefined : String(n));
const bool = (b: boolean | undefined) => (b === undefined ? undefined : b ? '1' : '0');

function net0(g: VmGuest): string | undefined {
  const bridge = g.network?.bridge ?? g.bridge;
  if (!bridge) return undefined;
  return formatQemuNet({ model: 'virtio', macaddr: g.network?.mac, bridge, firewall: g.firewall?.enabled || undefined, tag: g.network?.vlan });
}

/** sshkeys are stored URL-encoded by Proxmox (one key a line). */
const sshkeys = (g: VmGuest) => (g.cloudInit.sshKeys?.length ? encodeURIComponent(g.cloudInit.sshKeys.join('\n')) : undefined);

export const VM_OPTIONS: readonly Row[] = [
  { key: 'name', live: true, value: (g) => g.name },
  { key: 'cores', live: false, value: (g) => num(g.cores) },
  { key: 'memory', live: false, value: (g) => num(g.memoryMb) },
  { key: 'cpu', live: false, value: (g) => g.cpuType },
  { key: 'agent', live: false, merge: true, value: () => '1' },
  { key: 'net0', live: true, merge: true, value: net0 },
  { key: 'onboot', live: true, value: (g) => bool(g.startAtBoot) },
  { key: 'startup', live: true, value: (g) => (g.bootOrder === undefined && g.bootDelaySec === undefined ? undefined : formatStartup({ order: g.bootOrder, up: g.bootDelaySec })) },
  // Always carries Phoenix's ownership tag (common/ownership.ts).
  { key: 'tags', live: true, value: (g) => ownershipTags(g.tags) },
  { key: 'ciuser', live: false, cloudInit: true, value: (g) => g.cloudInit.user },
  { key: 'sshkeys', live: false, cloudInit: true, value: sshkeys },
  { key: 'ipconfig0', live: false, cloudInit: true, merge: true, value: (g) => g.cloudInit.ipconfig0 },
  { key: 'nameserver', live: false, cloudInit: true, value: (g) => g.cloudInit.nameserver },
  { key: 'searchdomain', live: false, cloudInit: true, value: (g, h) => g.cloudInit.searchdomain ?? h.domainName },
];

export const CLOUD_INIT_KEYS: ReadonlySet<string> = new Set(VM_OPTIONS.filter((r) => r.cloudInit).map((r) => r.key));

export function desiredVmOptions(g: VmGuest, host: HostSettings): DesiredOption[] {
  const out: DesiredOption[] = [];
  for (const r of VM_OPTIONS) {
    const value = r.value(g, host);
    if (value !== undefined) out.push({ key: r.key, value, live: r.live, merge: r.merge });
  }
  return out;
}

/** Hardware a VM built from a cloud image gets at `qm create` (not managed afterwards). */
export function vmCreateHardware(g: VmGuest): PveParams {
  const storage = g.storage ?? 'local-lvm';
  return { scsihw: 'virtio-scsi-pci', serial0: 'socket', vga: 'serial0', ostype: 'l26', ide2: `${storage}:cloudinit` };
}

/** The boot disk made from the image by `qm create` itself (PVE ≥ 7.2: `STORAGE:0,import-from=SOURCE`). */
export function bootDiskFrom(image: string, storage: string): PveParams {
  return { scsi0: `${storage}:0,import-from=${image}`, boot: 'order=scsi0' };
}

/** The cloud image as `import-from` takes it: a volume id (bare names on `local` import storage) or a host path. */
export function imageVolume(g: VmGuest): string | undefined {
  if (!g.image) return undefined;
  const src = imageSource(g.image, g.imageFile);
  return src.kind === 'path' ? src.path : src.volid;
}
