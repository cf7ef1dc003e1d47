// Generic Proxmox property strings (`key=value,key2=value2`), parsed and printed the way
// PVE::JSONSchema's parse_property_string / print_property_string do, so a string we print is
// byte-identical to what Proxmox would store, and a string Proxmox rejects is rejected here with
// the same words. Sub-value checks (types, ranges, formats) live in schema/check.ts.

import type { PropertyFormat } from '../schema/types.js';

/** A syntax problem Proxmox reports with `die` (the text is Proxmox's, without the trailing newline). */
export class PropertyStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyStringError';
  }
}

export type PropertyValues = Record<string, string>;

/** PVE::JSONSchema::parse_boolean: 1|on|yes|true and 0|off|no|false, any case; else undefined. */
export function parseBoolean(v: string): '1' | '0' | undefined {
  if (/^(1|on|yes|true)$/i.test(v)) return '1';
  if (/^(0|off|no|false)$/i.test(v)) return '0';
  return undefined;
}

/** The key that may be written bare (`[volume=]`, `[model=]`), if the format has one. */
export function defaultKey(format: PropertyFormat): string | undefined {
  return Object.keys(format).find((k) => format[k].default_key);
}

/**
 * Split a property string into its key/value map. Aliases are resolved (`virtio=MAC` becomes
 * `model=virtio,macaddr=MAC`), boolean sub-keys are normalised to '1'/'0' when they parse.
 * Throws PropertyStringError with Proxmox's message for duplicate/missing keys, and for unknown
 * keys unless `keepUnknown` (the schema check, which then reports them as Proxmox does).
 */
export function parsePropertyString(format: PropertyFormat, data: string, opts: { keepUnknown?: boolean } = {}): PropertyValues {
  const res: PropertyValues = {};
  let dflt: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    // Perl's `^([^=]+)=(.+)$`: `.` stops at a newline and `$` also matches before a final one,
    // so a value with a newline inside is no key=value pair ("missing key" below).
    // PVE: pve-common src/PVE/JSONSchema.pm:parse_property_string
    const m = /^([^=]+)=([^\n]+)\n?$/.exec(part);
    if (m) {
      let k = m[1];
      let v = m[2];
      if (res[k] !== undefined) throw new PropertyStringError(`duplicate key in comma-separated list property: ${k}`);
      let schema = Object.hasOwn(format, k) ? format[k] : undefined;
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) {
            throw new PropertyStringError(`key alias '${schema.keyAlias}' is already defined`);
          }
          res[schema.keyAlias] = k;
        }
        k = schema.alias;
        schema = format[k];
      }
      // PVE: pve-common src/PVE/JSONSchema.pm:parse_property_string (its alias lookup autovivifies
      // $schema, so the "invalid key" die is never reached: the key is kept and check_object
      // reports it as not defined in schema). keepUnknown does that; codecs still refuse it here.
      if (!schema && opts.keepUnknown) {
        res[k] = v;
        continue;
      }
      if (!schema) throw new PropertyStringError(`invalid key in comma-separated list property: ${k}`);
      if (schema.type === 'boolean') v = parseBoolean(v) ?? v;
      res[k] = v;
    } else if (!part.includes('=')) {
      if (dflt) throw new PropertyStringError(`duplicate key in comma-separated list property: ${dflt}`);
      dflt = defaultKey(format);
      if (!dflt) throw new PropertyStringError('value without key, but schema does not define a default key');
      // Perl tests truthiness here: an earlier `model=0` would not count as set.
      if (res[dflt]) throw new PropertyStringError(`duplicate key in comma-separated list property: ${dflt}`);
      res[dflt] = part;
    } else {
      throw new PropertyStringError('missing key in comma-separated list property');
    }
  }
  return res;
}

/** The key-alias pairs of a format: `model` → `macaddr` for QEMU net (printed `virtio=MAC`). */
function keyAliasPairs(format: PropertyFormat): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const s of Object.values(format)) if (s.alias && s.keyAlias) pairs.set(s.keyAlias, s.alias);
  return pairs;
}

/**
 * Print a value map as Proxmox does: the default key first and bare, then required keys sorted,
 * then the rest sorted; a key-alias pair is combined (`virtio=BC:24:11:..`). Keys in `skip` are
 * left out. Values are printed as given (sizes must already be in Proxmox form, see size.ts).
 */
export function formatPropertyString(values: PropertyValues, format: PropertyFormat, skip: string[] = []): string {
  const out: string[] = [];
  const done = new Set(skip);
  const pairs = keyAliasPairs(format);
  const dflt = defaultKey(format);
  const add = (key: string, isDefault: boolean): void => {
    if (done.has(key)) return;
    done.add(key);
    const value = values[key];
    if (value === undefined) return;
    const combine = pairs.get(key);
    if (combine !== undefined && values[combine] !== undefined) {
      out.push(`${value}=${values[combine]}`);
      done.add(combine);
      return;
    }
    if (value.includes(',')) throw new PropertyStringError(`illegal value with commas for ${key}`);
    out.push(isDefault ? value : `${key}=${value}`);
  };
  if (dflt) add(dflt, true);
  const keys = Object.keys(values).sort();
  for (const k of keys) if (format[k] && !format[k].optional) add(k, false);
  for (const k of keys) add(k, false);
  return out.join(',');
}
