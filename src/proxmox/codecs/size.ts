// Disk sizes as Proxmox writes them: `32G`, `512M`, `3090528K`, `1T`, or plain bytes. Parsing and
// printing follow PVE::JSONSchema::parse_size / format_size, so `format(parse(x))` is what Proxmox
// would store for x (e.g. `1024M` is stored as `1G`).

const UNIT = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 } as const;
export const GiB = UNIT.G;

/** Bytes, or undefined when the text is not a Proxmox disk size. Fractions are allowed (`1.5G`). */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT])?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? UNIT[m[2] as keyof typeof UNIT] : 1);
  return Math.trunc(n);
}

/** The largest whole unit that represents the size exactly (`format_size`). */
export function formatSize(bytes: number): string {
  const size = Math.trunc(bytes);
  if (size % 1024 !== 0) return String(size);
  const kb = size / 1024;
  if (kb % 1024 !== 0) return `${kb}K`;
  const mb = kb / 1024;
  if (mb % 1024 !== 0) return `${mb}M`;
  const gb = mb / 1024;
  if (gb % 1024 !== 0) return `${gb}G`;
  return `${gb / 1024}T`;
}

/** Size in GiB (may be fractional), or undefined when unparsable. */
export function sizeToGiB(text: string): number | undefined {
  const b = parseSize(text);
  return b === undefined ? undefined : b / GiB;
}

/**
 * A `pct resize` / `qm resize` size argument: `16G` (absolute) or `+4G` (grow by). Proxmox's
 * pattern is `\+?\d+(\.\d+)?[KMGT]?`; a bare number is bytes, as in parse_size.
 */
export function parseResizeArg(text: string): { relative: boolean; bytes: number } | undefined {
  const relative = text.startsWith('+');
  const bytes = parseSize(relative ? text.slice(1) : text);
  return bytes === undefined ? undefined : { relative, bytes };
}

/**
 * The size part of a new-volume spec `STORAGE:SIZE` as used by `--rootfs local-lvm:8` or
 * `--scsi0 local-lvm:32`: a number of GiB (fractions allowed for LXC). Undefined when the volume is
 * not a new-allocation spec (an existing volume id like `local-lvm:vm-100-disk-0`).
 */
export function newVolumeSizeGiB(volume: string): { storage: string; gib: number } | undefined {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i.exec(volume);
  return m ? { storage: m[1], gib: Number(m[2]) } : undefined;
}
