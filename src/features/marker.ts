// The record Phoenix keeps inside the guest of what it applied:
// /var/lib/phoenix/features/<name>.json = {name, sha256, scriptSha256, inputsSha256, appliedAt}.
// `sha256` covers script and inputs together; the two parts let a plan say *why* a feature reruns.
// Markers travel with clones, so a clone does not redo what its source already has.

import { randomBytes } from 'node:crypto';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { GuestType } from '../proxmox/types.js';
import { sha256 } from './inputs.js';
import { FEATURE_NAME } from './manifest.js';

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

/**
 * A fixed script: $1 is a per-call tag, the rest are feature names (checked against FEATURE_NAME
 * before they are sent). For each name it prints `<tag> present <name>` and the marker file, or
 * `<tag> absent <name>`; then `<tag> end`. Nothing from a config is ever part of the script.
 */
const READ_MARKERS_SCRIPT = ['tag=$1; shift', 'for n do', `  f=${MARKER_DIR}/$n.json`, '  if [ -f "$f" ] && c=$(cat -- "$f" 2>/dev/null); then printf \'%s present %s\\n%s\\n\' "$tag" "$n" "$c"', '  else printf \'%s absent %s\\n\' "$tag" "$n"; fi', 'done', 'printf \'%s end\\n\' "$tag"'].join('\n');

export type MarkerReading = FeatureMarker | null | 'unreadable';

/** The same fixed script, with the feature run area listed after the markers. */
const READ_STATE_SCRIPT = READ_MARKERS_SCRIPT.replace('printf \'%s end\\n\' "$tag"', `printf '%s runarea\\n' "$tag"; ls -A ${RUN_DIR} 2>/dev/null; printf '%s end\\n' "$tag"`);

type ReadOpts = { signal?: AbortSignal; timeoutMs?: number };

/** One exec of the fixed script; names are checked and passed as arguments, never as script text. */
async function readInGuest(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], runArea: boolean, opts: ReadOpts): Promise<{ markers: Map<string, MarkerReading>; runArea: string[] }> {
  for (const n of names) if (!FEATURE_NAME.test(n)) throw new TypeError(`not a feature name: ${JSON.stringify(n)}`);
  const tag = `phoenix-${runArea ? 'state' : 'marker'}-${randomBytes(8).toString('hex')}`;
  const r = await reader.exec(g.type, g.vmid, ['sh', '-c', runArea ? READ_STATE_SCRIPT : READ_MARKERS_SCRIPT, 'sh', tag, ...names], { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 30_000 });
  const parts = r.stdout.split(`${tag} `);
  if (r.exitCode !== 0 || parts.at(-1)?.trim() !== 'end') {
    throw new Error(`reading feature markers in ${g.type === 'qemu' ? 'VM' : 'container'} ${g.vmid} failed: ${r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}, output cut short`}`);
  }
  const markers = new Map<string, MarkerReading>();
  let area: string[] = [];
  for (const part of parts.slice(1, -1)) {
    if (part.startsWith('runarea\n')) {
      area = part.slice('runarea\n'.length).split(/\s+/).filter(Boolean);
      continue;
    }
    const m = /^(present|absent) ([^\n]+)\n([\s\S]*)$/.exec(part);
    if (!m || !names.includes(m[2]!)) continue;
    markers.set(m[2]!, m[1] === 'absent' ? null : (parseMarker(m[3]!, m[2]!) ?? 'unreadable'));
  }
  for (const n of names) if (!markers.has(n)) markers.set(n, null);
  return { markers, runArea: area };
}

/**
 * Every named feature marker of one guest in one exec (instead of one `cat` per feature): null
 * when absent (or not readable), 'unreadable' when present but not a marker for that name.
 * Throws what exec throws (guest not running, agent silent), and when the output is cut short.
 */
export async function readMarkers(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], opts: ReadOpts = {}): Promise<Map<string, MarkerReading>> {
  if (names.length === 0) return new Map();
  return (await readInGuest(reader, g, names, false, opts)).markers;
}

/**
 * One exec for what a plan reads in a guest: every named marker (as readMarkers) and the entries
 * an interrupted run left in the feature run area.
 */
export function readGuestState(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], opts: ReadOpts = {}): Promise<{ markers: Map<string, MarkerReading>; runArea: string[] }> {
  return readInGuest(reader, g, names, true, opts);
}
