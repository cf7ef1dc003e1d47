// Between raw property-string values (all strings) and typed objects (booleans, numbers), driven
// by the format's sub-key types. Typed parse also validates with Proxmox's own checks, so a value
// that Proxmox would refuse never becomes a typed object.

import { checkPropertyString } from '../schema/check.js';
import type { PropertyFormat } from '../schema/types.js';
import { formatPropertyString, parsePropertyString, PropertyStringError, type PropertyValues } from './property-string.js';

export type TypedValues = Record<string, string | number | boolean | undefined>;

/** Parse and check `text` against `format`; throws PropertyStringError with Proxmox's message. */
export function parseTyped<T extends object>(format: PropertyFormat, text: string, what = 'value'): T {
  const err = checkPropertyString(format, text, what);
  if (err !== undefined) throw new PropertyStringError(`invalid format - ${err.trimEnd()}`);
  const raw = parsePropertyString(format, text);
  const out: TypedValues = {};
  for (const [k, v] of Object.entries(raw)) {
    const t = format[k]?.type;
    out[k] = t === 'boolean' ? v === '1' : t === 'integer' || t === 'number' ? Number(v) : v;
  }
  return out as T;
}

/** Typed values back to raw strings (booleans as 1/0); undefined entries dropped. */
export function toRaw(values: object): PropertyValues {
  const out: PropertyValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  }
  return out;
}

/** Print typed values the way Proxmox prints them (print_property_string order). */
export function formatTyped(format: PropertyFormat, values: object, skip: string[] = []): string {
  return formatPropertyString(toRaw(values), format, skip);
}
