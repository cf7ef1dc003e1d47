// Names of volumes on `import` content, parsed like Proxmox's directory plugin. Pure: no I/O.

import { SimError } from './errors.js';

const SAFE_WS = '[ a-zA-Z0-9\\-.+=_]';
// PVE: pve-storage src/PVE/Storage.pm:$IMPORT_EXT_RE_1 / $OVA_CONTENT_RE_1 (case-sensitive, unlike ISO/vztmpl)
const OVA_MEMBER = new RegExp(`^import/(${SAFE_WS}+\\.ova/${SAFE_WS}+\\.(qcow2|raw|vmdk))$`);
const IMPORT_FILE = new RegExp(`^import/(${SAFE_WS}+\\.(ova|ovf|qcow2|raw|vmdk))$`);

/** QEMU image formats qemu-server accepts for a disk (`$QEMU_FORMAT_RE`). */
const QEMU_FORMATS = new Set(['raw', 'cow', 'qcow', 'qed', 'qcow2', 'vmdk', 'cloop']);

export interface ImportName {
  /** The file name below `import/` (an OVA member keeps its `x.ova/` prefix). */
  file: string;
  /** `qcow2`, `raw`, `vmdk`, `ova`, `ovf`, or `ova+<fmt>` for a disk inside an OVA. */
  format: string;
}

/** Parses `import/<file>` or throws Proxmox's "unable to parse directory volume name" error. */
export function parseImportName(volname: string): ImportName {
  // PVE: pve-storage src/PVE/Storage/Plugin.pm:parse_volname
  const ova = OVA_MEMBER.exec(volname);
  if (ova) return { file: ova[1], format: `ova+${ova[2]}` };
  const m = IMPORT_FILE.exec(volname);
  if (m) return { file: m[1], format: m[2] };
  throw new SimError(`unable to parse directory volume name '${volname}'`);
}

/** True when `name` (`import/...`) can exist as an import volume on a Proxmox host. */
export function isImportName(volname: string): boolean {
  return OVA_MEMBER.test(volname) || IMPORT_FILE.test(volname);
}

/** The checks qemu-server makes on an import volume's format before using it as a disk source. */
export function checkImportFormat(volid: string, format: string): void {
  // PVE: qemu-server src/PVE/QemuServer/Drive.pm:checked_parse_volname
  const plain = format.startsWith('ova+') ? format.slice(4) : format;
  if (!QEMU_FORMATS.has(plain)) {
    throw new SimError(format.startsWith('ova+') ? `volume '${volid}' - unknown import format '${format}'` : `volume '${volid}' - not a QEMU image format '${format}'`);
  }
}
