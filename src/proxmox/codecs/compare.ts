// Exact comparison of option values as Proxmox means them: two property strings are equal when
// their parsed maps are equal — key order, MAC case, boolean spelling (`yes`/`1`), size units
// (`1024M` = `1G`) and, when asked, keys written with their default value do not matter.

import { getCommand } from '../schema/commands.js';
import type { ParamSchema, PropertyFormat } from '../schema/types.js';
import { parseBoolean, parsePropertyString, type PropertyValues } from './property-string.js';
import { parseSize } from './size.js';
import { parseStartup } from './startup.js';

export interface CompareOptions {
  /** Treat an absent key as its documented default (`firewall=0` equals no firewall key). */
  defaults?: boolean;
}

function normalizeScalar(schema: ParamSchema | undefined, v: string): string {
  if (!schema) return v;
  if (schema.type === 'boolean') return parseBoolean(v) ?? v;
  if (schema.type === 'integer' || schema.type === 'number') return Number.isNaN(Number(v)) ? v : String(Number(v));
  if (schema.format === 'mac-addr') return v.toUpperCase();
  if (schema.format === 'disk-size') return String(parseSize(v) ?? v);
  return v;
}

/** Parsed and normalised map of a property string; undefined when it does not parse. */
export function canonicalMap(format: PropertyFormat, text: string, opts: CompareOptions = {}): PropertyValues | undefined {
  let raw: PropertyValues;
  try {
    raw = parsePropertyString(format, text);
  } catch {
    return undefined;
  }
  const out: PropertyValues = {};
  for (const [k, v] of Object.entries(raw)) {
    const n = normalizeScalar(format[k], v);
    const d = format[k]?.default;
    if (opts.defaults && d !== undefined && n === normalizeScalar(format[k], String(d))) continue;
    out[k] = n;
  }
  return out;
}

const sameMap = (a: PropertyValues, b: PropertyValues) => {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
};

/** Equal as Proxmox reads them. Unparsable strings are equal only when identical. */
export function propertyStringsEqual(format: PropertyFormat, a: string, b: string, opts: CompareOptions = {}): boolean {
  if (a === b) return true;
  const ma = canonicalMap(format, a, opts);
  const mb = canonicalMap(format, b, opts);
  return !!ma && !!mb && sameMap(ma, mb);
}

/** The schema `pct set` / `qm set` uses for an option key (`net0`, `memory`, ...). */
export function optionSchema(tool: 'pct' | 'qm', key: string): ParamSchema | undefined {
  const spec = getCommand(tool, 'set')!;
  if (Object.hasOwn(spec.params, key)) return spec.params[key];
  const fam = spec.indexed?.find((f) => new RegExp(`^${f.prefix}(\\d+)$`).test(key) && Number(key.slice(f.prefix.length)) <= f.max);
  return fam?.schema;
}

/**
 * Compare two values of a config option (`pct config` value vs the desired one). Property
 * strings compare by map; startup by its three numbers; list formats (nameserver, searchdomain,
 * tags) by their items; scalars by type.
 */
export function optionValuesEqual(tool: 'pct' | 'qm', key: string, a: string, b: string, opts: CompareOptions = {}): boolean {
  if (a === b) return true;
  const schema = optionSchema(tool, key);
  if (!schema) return false;
  if (typeof schema.format === 'object') return propertyStringsEqual(schema.format, a, b, opts);
  if (schema.format === 'pve-startup-order') {
    try {
      const sa = parseStartup(a);
      const sb = parseStartup(b);
      return sa.order === sb.order && sa.up === sb.up && sa.down === sb.down;
    } catch {
      return false;
    }
  }
  if (schema.format === 'pve-tag-list') {
    // Proxmox stores tags de-duplicated, lower-cased and sorted (get_unique_tags, default
    // tag-style): the same set is the same value.
    const set = (s: string) =>
      [
        ...new Set(
          s
            .split(/[,; ]+/)
            .filter(Boolean)
            .map((t) => t.toLowerCase()),
        ),
      ]
        .sort()
        .join(';');
    return set(a) === set(b);
  }
  if (typeof schema.format === 'string' && schema.format.endsWith('-list')) {
    const items = (s: string) => s.replace(/[,;]/g, ' ').trim().split(/\s+/).join(' ');
    return items(a) === items(b);
  }
  if (schema.format === 'urlencoded') {
    // qm reads --sshkeys from a file and stores it URL-encoded; a final newline is not a change.
    const text = (s: string) => {
      try {
        return decodeURIComponent(s).replace(/\n+$/, '');
      } catch {
        return s;
      }
    };
    return text(a) === text(b);
  }
  return normalizeScalar(schema, a) === normalizeScalar(schema, b);
}
