// Desired Proxmox options vs the observed config → the one `pct set`/`qm set` call to make.
// Options Phoenix manages are listed by the per-kind mapping tables (lxc/options.ts,
// vm/options.ts); anything the config does not set is left alone (never deleted), so a
// hand-made change to an unmanaged option survives a converge.

import { canonicalMap, formatPropertyString, optionSchema, optionValuesEqual, parsePropertyString } from '../../proxmox/codecs/index.js';
import type { PveParams } from '../../proxmox/types.js';
import type { FieldChange } from '../../plan/types.js';

export type Tool = 'pct' | 'qm';

export interface DesiredOption {
  key: string;
  value: string;
  /** Applied to a running guest without a restart. */
  live: boolean;
  /**
   * Property strings: only the sub-keys the config sets are managed; sub-keys Proxmox filled in
   * (a generated hwaddr, `type=veth`, a volume's size) are kept when the option is re-sent.
   */
  merge?: boolean;
}

export interface OptionDiff {
  params: PveParams;
  changes: FieldChange[];
}

function mergedValue(tool: Tool, d: DesiredOption, observed: string): { equal: boolean; value: string } {
  const format = optionSchema(tool, d.key)?.format;
  if (typeof format !== 'object') return { equal: optionValuesEqual(tool, d.key, observed, d.value), value: d.value };
  const want = canonicalMap(format, d.value, { defaults: true });
  const have = canonicalMap(format, observed, { defaults: true });
  if (!want || !have) return { equal: observed === d.value, value: d.value };
  const equal =
    Object.entries(want).every(([k, v]) => have[k] === v) &&
    // a desired-default sub-key (firewall=0) must not be set to something else on the guest
    Object.keys(parsePropertyString(format, d.value)).every((k) => want[k] !== undefined || have[k] === undefined);
  if (equal) return { equal, value: observed };
  const keep = parsePropertyString(format, observed);
  const next = { ...keep, ...parsePropertyString(format, d.value) };
  return { equal, value: formatPropertyString(next, format) };
}

/** Compare each desired option with the observed config; returns what to send and why. */
export function diffOptions(tool: Tool, desired: readonly DesiredOption[], observed: Record<string, string>): OptionDiff {
  const params: PveParams = {};
  const changes: FieldChange[] = [];
  for (const d of desired) {
    const before = observed[d.key];
    if (before === undefined) {
      params[d.key] = d.value;
      changes.push({ key: d.key, after: d.value, live: d.live });
      continue;
    }
    const m = d.merge ? mergedValue(tool, d, before) : { equal: optionValuesEqual(tool, d.key, before, d.value), value: d.value };
    if (m.equal) continue;
    params[d.key] = m.value;
    changes.push({ key: d.key, before, after: m.value, live: d.live });
  }
  return { params, changes };
}

/** Desired options as create/clone parameters (first-time values, nothing to merge with). */
export function asParams(desired: readonly DesiredOption[]): PveParams {
  const p: PveParams = {};
  for (const d of desired) p[d.key] = d.value;
  return p;
}
