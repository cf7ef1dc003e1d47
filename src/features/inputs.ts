// What a feature receives: only the config keys its manifest declares (the application script gets
// the guest's own inputs), written as a JSON file whose layout shell scripts can read without a
// JSON parser: one top-level key per line, keys sorted, each value compact JSON on that line.
//
//   {
//   "nvidia_driver_version": "580.76.05",
//   "ports": ["8000:8000"]
//   }

import { createHash } from 'node:crypto';
import type { ResolvedFeature } from './registry.js';

export type Inputs = Record<string, unknown>;

/**
 * The inputs a feature gets. Sources are searched in order (the guest's own keys first, then shared
 * keys such as the LXC file's root `nvidia_driver_version`); absent and null values are left out.
 */
export function selectInputs(feature: ResolvedFeature, guestInputs: Inputs, shared: Inputs = {}): Inputs {
  const out: Inputs = {};
  if (feature.receivesAllGuestInputs) {
    for (const [k, v] of Object.entries(guestInputs)) if (v !== undefined && v !== null) out[k] = v;
    return out;
  }
  for (const key of feature.manifest.inputs) {
    const v = key in guestInputs ? guestInputs[key] : shared[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

/** JSON with object keys sorted at every level, so equal inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** The inputs file's text (layout above). JSON.stringify escapes newlines, so a value stays on its line. */
export function renderInputsFile(inputs: Inputs): string {
  const keys = Object.keys(inputs).sort();
  if (keys.length === 0) return '{\n}\n';
  const lines = keys.map((k) => `${JSON.stringify(k)}: ${canonicalJson(inputs[k])}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
