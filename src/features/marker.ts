// The record Phoenix keeps inside the guest of what it applied:
// /var/lib/phoenix/features/<name>.json = {name, sha256, scriptSha256, inputsSha256, appliedAt}.
// `sha256` covers script and inputs together; the two parts let a plan say *why* a feature reruns.
// Markers travel with clones, so a clone does not redo what its source already has.

import { sha256 } from './inputs.js';

export const PHOENIX_STATE_DIR = '/var/lib/phoenix';
export const MARKER_DIR = `${PHOENIX_STATE_DIR}/features`;
export const RUN_DIR = `${PHOENIX_STATE_DIR}/run`;

export interface FeatureMarker {
  name: string;
  sha256: string;
  scriptSha256: string;
  inputsSha256: string;
  appliedAt?: string;
}

export interface FeatureDigest {
  scriptSha256: string;
  inputsSha256: string;
  sha256: string;
}

export function markerPath(name: string): string {
  return `${MARKER_DIR}/${name}.json`;
}

/**
 * Digest of what would run: the script (with the helper library pushed beside it, which is part of
 * what executes) and the rendered inputs file.
 */
export function digestOf(script: string, lib: string, inputsText: string): FeatureDigest {
  const scriptSha256 = sha256(`${lib}\0${script}`);
  const inputsSha256 = sha256(inputsText);
  return { scriptSha256, inputsSha256, sha256: sha256(`${scriptSha256}\0${inputsSha256}`) };
}

export function buildMarker(name: string, d: FeatureDigest, now: Date): FeatureMarker {
  return { name, sha256: d.sha256, scriptSha256: d.scriptSha256, inputsSha256: d.inputsSha256, appliedAt: now.toISOString() };
}

/** null when the text is not a marker for `name`. */
export function parseMarker(text: string, name: string): FeatureMarker | null {
  try {
    const m = JSON.parse(text) as Partial<FeatureMarker>;
    const hex = (v: unknown) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
    if (m && m.name === name && hex(m.sha256) && hex(m.scriptSha256) && hex(m.inputsSha256)) return m as FeatureMarker;
  } catch {
    // fall through: unreadable
  }
  return null;
}

export type ChangeReason = 'new' | 'script changed' | 'inputs changed' | 'script and inputs changed' | 'marker unreadable';

/** null when the marker says exactly this digest was applied. */
export function compareMarker(marker: FeatureMarker | null | 'unreadable', d: FeatureDigest): ChangeReason | null {
  if (marker === null) return 'new';
  if (marker === 'unreadable') return 'marker unreadable';
  if (marker.sha256 === d.sha256) return null;
  const script = marker.scriptSha256 !== d.scriptSha256;
  const inputs = marker.inputsSha256 !== d.inputsSha256;
  if (script && inputs) return 'script and inputs changed';
  if (script) return 'script changed';
  if (inputs) return 'inputs changed';
  return 'marker unreadable'; // parts equal but total differs: a hand-edited marker
}
