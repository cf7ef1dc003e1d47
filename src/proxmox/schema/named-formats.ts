// Validators for Proxmox's named string formats (PVE::JSONSchema register_format and the ones
// pve-container / qemu-server register). Each returns Proxmox's `die` text on failure, or
// undefined when the value is fine. A `-list` suffix checks every list item; `-opt` allows ''.

import { readFileSync } from 'node:fs';

const IPV4_OCTET = '(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])';
const IPV4 = `(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET}`;
const H16 = '[0-9a-fA-F]{1,4}';
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 =
  `(?:(?:${H16}:){6}${LS32}|::(?:${H16}:){5}${LS32}|(?:${H16})?::(?:${H16}:){4}${LS32}|` +
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}|(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}|` +
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}|(?:(?:${H16}:){0,4}${H16})?::${LS32}|` +
  `(?:(?:${H16}:){0,5}${H16})?::${H16}|(?:(?:${H16}:){0,6}${H16})?::)`;
const reIPv4 = new RegExp(`^${IPV4}$`);
const reIPv6 = new RegExp(`^${IPV6}$`);
const DNS_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-]*[a-zA-Z0-9])?';
const reDns = new RegExp(`^(?:${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const reVolid = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;
const DRIVE = '(?:ide[0-3]|sata[0-5]|scsi(?:[0-9]|[12][0-9]|30)|virtio(?:[0-9]|1[0-5]))';

const isIPv4 = (v: string) => reIPv4.test(v);
const isIPv6 = (v: string) => reIPv6.test(v);
const cidr = (v: string, ip: (s: string) => boolean, lo: number, hi: number): boolean => {
  const m = /^(.+)\/(\d+)$/.exec(v);
  return !!m && ip(m[1]) && Number(m[2]) >= lo && Number(m[2]) <= hi;
};
const isCidrV4 = (v: string) => cidr(v, isIPv4, 8, 32);
const isCidrV6 = (v: string) => cidr(v, isIPv6, 8, 128);
const isDiskSize = (v: string) => /^\d+(?:\.\d+)?[KMGT]?$/.test(v);
const isDns = (v: string) => reDns.test(v);

type Validator = (v: string) => string | undefined;

let zones: Set<string> | null | undefined;
/** The third column of the host's /usr/share/zoneinfo/zone.tab (null when unreadable). */
function zoneTab(): Set<string> | null {
  if (zones === undefined) {
    try {
      const text = readFileSync('/usr/share/zoneinfo/zone.tab', 'utf8');
      zones = new Set(
        text
          .split('\n')
          .filter((l) => !/^\s*#/.test(l))
          .map((l) => l.split('\t')[2])
          .filter((z): z is string => !!z),
      );
    } catch {
      zones = null;
    }
  }
  return zones;
}

/** pve_verify_timezone: 'UTC' or a zone listed in the host's zone.tab (without one: its shape). */
const isTimezone = (v: string): boolean => v === 'UTC' || (zoneTab()?.has(v) ?? /^[A-Za-z0-9_+\-/]+$/.test(v));
const check =
  (ok: (v: string) => boolean, msg: (v: string) => string): Validator =>
  (v) =>
    ok(v) ? undefined : msg(v);

const VALIDATORS: Record<string, Validator> = {
  'pve-vmid': check(
    (v) => /^[1-9][0-9]{2,8}$/.test(v),
    () => 'value does not look like a valid VM ID',
  ),
  'pve-node': check(
    (v) => /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v),
    () => 'value does not look like a valid node name',
  ),
  'pve-storage-id': check(
    (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v),
    (v) => `storage ID '${v}' contains illegal characters`,
  ),
  'pve-configid': check(
    (v) => /^[a-z][a-z0-9_-]+$/i.test(v),
    (v) => `invalid configuration ID '${v}'`,
  ),
  'pve-bridge-id': check(
    (v) => /^[-_.\w\d]+$/.test(v),
    (v) => `invalid bridge ID '${v}'`,
  ),
  'pve-poolid': check(
    (v) => /^[A-Za-z0-9_\-./]+$/.test(v),
    (v) => `invalid pool ID '${v}'`,
  ),
  'pve-tag': check(
    (v) => /^[a-z0-9_][a-z0-9_\-+.]*$/i.test(v),
    () => 'invalid characters in tag',
  ),
  'mac-addr': check(
    (v) => /^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i.test(v),
    () => 'value does not look like a valid unicast MAC address',
  ),
  ipv4: check(isIPv4, () => 'value does not look like a valid IPv4 address'),
  ipv6: check(isIPv6, () => 'value does not look like a valid IPv6 address'),
  ip: check(
    (v) => isIPv4(v) || isIPv6(v),
    () => 'value does not look like a valid IP address',
  ),
  CIDRv4: check(isCidrV4, () => 'value does not look like a valid IPv4 CIDR network'),
  CIDRv6: check(isCidrV6, () => 'value does not look like a valid IPv6 CIDR network'),
  'pve-ipv4-config': check(
    (v) => /^(?:dhcp|manual)$/.test(v) || isCidrV4(v),
    () => 'value does not look like a valid ipv4 network configuration',
  ),
  'pve-ipv6-config': check(
    (v) => /^(?:auto|dhcp|manual)$/.test(v) || isCidrV6(v),
    () => 'value does not look like a valid ipv6 network configuration',
  ),
  'dns-name': check(isDns, () => 'value does not look like a valid DNS name'),
  address: check(
    (v) => isIPv4(v) || isIPv6(v) || isDns(v),
    (v) => `value does not look like a valid address: ${v}`,
  ),
  // pve-container: an IP, optionally a link-local IPv6 with %iface.
  'lxc-ip-with-ll-iface': check(
    (v) => isIPv4(v) || isIPv6(v) || /^fe80:[^%]*%[\w.-]+$/i.test(v),
    () => 'value does not look like a valid IP address',
  ),
  'disk-size': check(isDiskSize, (v) => `value does not look like a valid disk size: ${v}`),
  urlencoded: check(
    (v) => /^[-%a-zA-Z0-9_.!~*'()]*$/.test(v),
    (v) => `invalid urlencoded string: ${v}`,
  ),
  'pve-volume-id': check(
    (v) => reVolid.test(v),
    (v) => `unable to parse volume ID '${v}'`,
  ),
  // qemu-server: a volume id, an absolute path, or the words none/cdrom.
  'pve-volume-id-or-qm-path': check(
    (v) => v === 'none' || v === 'cdrom' || v.startsWith('/') || reVolid.test(v),
    (v) => `unable to parse volume ID '${v}'`,
  ),
  'pve-volume-id-or-absolute-path': check(
    (v) => v.startsWith('/') || reVolid.test(v),
    (v) => `unable to parse volume ID '${v}'`,
  ),
  // pve-container verify_lxc_mp_string: no `/./` or `/../`, no trailing `/.` or `/..`, no leading `../`.
  'pve-lxc-mp-string': check(
    (v) => !/\/\.\.?\//.test(v) && !/\/\.\.?$/.test(v) && !/^\.\.\//.test(v),
    (v) => `${v} contains illegal character sequences`,
  ),
  // pve-container verify_lxc_dev_string: a device node under /dev, no `.`/`..` components.
  'pve-lxc-dev-string': check(
    (v) => v.startsWith('/dev/') && !/\/\.\.?(?:\/|$)/.test(v),
    (v) => `${v} is not a valid device path`,
  ),
  // qemu-server verify_bootdisk: any drive name (unusedN excluded).
  'pve-qm-bootdisk': check(
    (v) => new RegExp(`^(?:${DRIVE}|efidisk0|tpmstate0)$`).test(v),
    (v) => `invalid boot disk '${v}'`,
  ),
  // qemu-server verify_bootdev: a drive (not efidisk/tpmstate), netN, usbN or hostpciN.
  'pve-qm-bootdev': check(
    (v) => new RegExp(`^(?:${DRIVE}|net(?:[0-9]|[12][0-9]|3[01])|usb(?:[0-9]|1[0-3])|hostpci(?:[0-9]|1[0-5]))$`).test(v),
    (v) => `invalid boot device '${v}'`,
  ),
  'pve-startup-order': check(
    (v) => v !== '' && v !== '0' && v.split(',').every((p) => /^\s*$/.test(p) || /^(?:order=)?\d+$/.test(p) || /^(?:up|down)=\d+$/.test(p)),
    () => 'unable to parse startup options',
  ),
  // PVE: pve-container src/PVE/LXC/Config.pm:verify_ct_timezone ('host', else pve-common src/PVE/JSONSchema.pm:pve_verify_timezone reads zone.tab)
  'pve-ct-timezone': check(
    (v) => v === 'host' || isTimezone(v),
    (v) => `invalid time zone '${v}'`,
  ),
  // parse_hotplug_features dies on the first unknown feature of the list.
  'pve-hotplug-features': (v) => {
    if (v === '0' || v === '1') return undefined;
    const bad = splitList(v).find((f) => !/^(network|disk|cpu|memory|usb|cloudinit)$/.test(f));
    return bad === undefined ? undefined : `invalid hotplug feature '${bad}'`;
  },
  'pve-cpuset': check(
    (v) => /^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*$/.test(v),
    (v) => `invalid cpuset '${v}'`,
  ),
  CIDR: check(
    (v) => isCidrV4(v) || isCidrV6(v),
    () => 'value does not look like a valid CIDR network',
  ),
  // A storage mapping entry: `1`, `target`, or `source:target`.
  'storage-pair': check(
    (v) => v === '1' || (v.split(':').length <= 2 && v.split(':').every((s) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(s))),
    (v) => `entry '${v}' contains invalid ID - storage ID '${v}' contains illegal characters`,
  ),
  'pve-ssh-keys': () => undefined,
  string: () => undefined,
};

/** PVE::Tools::split_list: NUL-separated if it has NULs, else commas/semicolons/whitespace. */
export function splitList(text: string): string[] {
  if (text.includes('\0')) return text.split('\0');
  return text
    .replace(/[,;]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '');
}

/** True when Proxmox knows this named format (with or without -list/-opt). */
export function isKnownFormat(name: string): boolean {
  const m = /^(.*?)(?:-(list|opt))?$/.exec(name)!;
  return Object.hasOwn(VALIDATORS, m[1]) || Object.hasOwn(VALIDATORS, name);
}

/** Check a value against a named format; Proxmox's message on failure. */
export function checkNamedFormat(name: string, value: string): string | undefined {
  if (Object.hasOwn(VALIDATORS, name)) return VALIDATORS[name](value);
  const m = /^(.*?)(?:-(list|opt))?$/.exec(name)!;
  const v = VALIDATORS[m[1]];
  if (!v) return `undefined format '${name}'`;
  if (m[2] === 'list') {
    for (const item of splitList(value)) {
      const e = v(item);
      if (e) return e;
    }
    return undefined;
  }
  if (m[2] === 'opt') return value ? v(value) : undefined;
  return v(value);
}
