// Generated identifiers (MAC addresses, SMBIOS uuids, vmgenids), derived from the state's seed
// so that a test run is reproducible while different guests still get different values.

import { createHash } from 'node:crypto';

function bytes(seed: string, what: string): Buffer {
  return createHash('sha256').update(`${seed}\0${what}`).digest();
}

/** A MAC in Proxmox's OUI `BC:24:11` (what PVE 8+ assigns to new NICs). */
export function macAddress(seed: string, what: string): string {
  const b = bytes(seed, what);
  const tail = [b[0], b[1], b[2]].map((x) => x.toString(16).toUpperCase().padStart(2, '0'));
  return ['BC', '24', '11', ...tail].join(':');
}

export function uuid(seed: string, what: string): string {
  const h = bytes(seed, what).toString('hex');
  const v = `4${h.slice(13, 16)}`;
  const r = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16) + h.slice(17, 20);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${r}-${h.slice(20, 32)}`;
}
