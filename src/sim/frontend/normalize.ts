// Values as Proxmox stores them: property strings re-printed in canonical order (what
// print_property_string does on every `set`), NIC MACs assigned when absent.

import { formatPropertyString, parsePropertyString, PropertyStringError } from '../../proxmox/codecs/property-string.js';
import { lxcConfigOptions, lxcIndexed } from '../../proxmox/schema/options-lxc.js';
import { qemuConfigOptions, qemuIndexed } from '../../proxmox/schema/options-qemu.js';
import type { ParamSchema, PropertyFormat } from '../../proxmox/schema/types.js';
import { SimError } from '../state/errors.js';
import { macAddress } from '../state/ids.js';
import type { GuestKind } from '../state/types.js';

export function optionSchema(kind: GuestKind, key: string): ParamSchema | undefined {
  const plain = kind === 'lxc' ? lxcConfigOptions : qemuConfigOptions;
  if (plain[key]) return plain[key];
  const m = /^([a-z]+)(\d+)$/.exec(key);
  if (!m) return undefined;
  const fam = (kind === 'lxc' ? lxcIndexed : qemuIndexed).find((f) => f.prefix === m[1] && Number(m[2]) <= f.max);
  return fam?.schema;
}

export const propertyFormat = (kind: GuestKind, key: string): PropertyFormat | undefined => {
  const f = optionSchema(kind, key)?.format;
  return f && typeof f === 'object' ? f : undefined;
};

export function parseOption(kind: GuestKind, key: string, value: string): Record<string, string> {
  const f = propertyFormat(kind, key);
  // PVE: qemu-server src/PVE/QemuServer.pm:parse_vm_config; pve-container src/PVE/LXC/Config.pm:parse_pct_config (`unable to parse value of 'KEY' - …`; the schema refuses a bad call first)
  if (!f) return {};
  try {
    return parsePropertyString(f, value);
  } catch (e) {
    if (e instanceof PropertyStringError) throw new SimError(`unable to parse value of '${key}' - ${e.message}`);
    throw e;
  }
}

export function printOption(kind: GuestKind, key: string, values: Record<string, string>): string {
  const f = propertyFormat(kind, key);
  return f ? formatPropertyString(values, f) : '';
}

/**
 * The stored form of a NIC or disk option: Proxmox re-prints only these (print_lxc_network /
 * print_ct_mountpoint, print_net / print_drive); every other option is stored as given.
 * Generated MACs derive from the seed, guest and NIC, so re-sending the same value is a no-op.
 */
export function normalizeOption(kind: GuestKind, key: string, value: string, seed: string, vmid: number): string {
  const f = propertyFormat(kind, key);
  if (!f) return value;
  const v = parseOption(kind, key, value);
  if (/^net\d+$/.test(key)) {
    // PVE: pve-container src/PVE/LXC/Config.pm:parse_lxc_network (type veth, hwaddr generated); qemu-server src/PVE/QemuServer/Network.pm:parse_net (macaddr generated)
    if (kind === 'lxc') {
      if (!v.hwaddr) v.hwaddr = macAddress(seed, `${vmid}:${key}:${value}`);
      v.type ??= 'veth';
    }
    if (kind === 'qemu' && !v.macaddr) v.macaddr = macAddress(seed, `${vmid}:${key}:${value}`);
  }
  // PVE: pve-common src/PVE/JSONSchema.pm:print_property_string (default key first, then required keys, then the rest sorted)
  return formatPropertyString(v, f);
}

/** PVE::Tools::split_list: items separated by commas, semicolons or white space. */
const splitList = (s: string): string[] => s.split(/[,;\s]+/).filter(Boolean);

/** A scalar option as Proxmox stores it. */
export function normalizeScalar(kind: GuestKind, key: string, value: string): string {
  const s = optionSchema(kind, key);
  // PVE: pve-common src/PVE/JSONSchema.pm:get_options, parse_boolean (the CLI turns yes/on/true into 1)
  if (s?.type === 'boolean') return /^(1|on|yes|true)$/i.test(value) ? '1' : '0';
  // Tags are stored de-duplicated, lower-cased and sorted (default tag-style).
  // PVE: pve-guest-common src/PVE/GuestHelpers.pm:get_unique_tags
  if (s?.format === 'pve-tag-list')
    return [
      ...new Set(
        value
          .split(/[,; ]+/)
          .filter(Boolean)
          .map((t) => t.toLowerCase()),
      ),
    ]
      .sort()
      .join(';');
  // A CT's nameserver and searchdomain lists are stored space-joined, whatever separated them.
  // PVE: pve-container src/PVE/LXC.pm:verify_nameserver_list, verify_searchdomain_list (from LXC/Config.pm:update_pct_config)
  if (kind === 'lxc' && (key === 'nameserver' || key === 'searchdomain')) return splitList(value).join(' ');
  return value;
}
