// IPv4, CIDR and DNS-name checks used by the validation rules. Pure.

/** 10.0.0.13 → 167772173; undefined unless four decimal octets 0–255 without leading zeros. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export interface Cidr {
  addr: number;
  prefix: number;
}

/** 10.0.0.200/24 → {addr, prefix}; undefined when malformed. */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return undefined;
  const addr = parseIPv4(m[1]);
  const prefix = Number(m[2]);
  if (addr === undefined || prefix > 32 || String(prefix) !== m[2]) return undefined;
  return { addr, prefix };
}

const mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export const networkOf = (c: Cidr): number => (c.addr & mask(c.prefix)) >>> 0;
export const broadcastOf = (c: Cidr): number => (networkOf(c) | (~mask(c.prefix) >>> 0)) >>> 0;

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Whether `ip` lies in the subnet of `c`. */
export const inSubnet = (ip: number, c: Cidr): boolean => (ip & mask(c.prefix)) >>> 0 === networkOf(c);

/** The subnet as text: 10.0.0.0/24 */
export const subnetText = (c: Cidr): string => `${formatIPv4(networkOf(c))}/${c.prefix}`;

/** A loose IPv6 check (hex groups and colons, at most one "::"), enough to accept nameservers. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:]+$/.test(s) || (s.match(/::/g) ?? []).length > 1) return false;
  const groups = s.split(':');
  return groups.length >= 3 && groups.length <= 8 && groups.every((g) => g.length <= 4);
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Proxmox's dns-name format: dot-separated labels of letters, digits and inner hyphens. */
export function isDnsName(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((l) => LABEL.test(l));
}

/** Why `s` is not a DNS name, for a message. */
export function dnsNameProblem(s: string): string | undefined {
  if (isDnsName(s)) return undefined;
  if (s.length > 253) return 'longer than 253 characters';
  const bad = s.split('.').find((l) => !LABEL.test(l));
  if (bad === '') return 'has an empty label (leading, trailing or double dot)';
  if (bad && bad.length > 63) return `label "${bad.slice(0, 20)}..." is longer than 63 characters`;
  if (bad && /^-|-$/.test(bad)) return `label "${bad}" starts or ends with a hyphen`;
  const ch = [...(bad ?? '')].find((c) => !/[A-Za-z0-9-]/.test(c));
  return ch ? `contains ${JSON.stringify(ch)}; only letters, digits, hyphens and dots are allowed` : 'is not a valid DNS name';
}
