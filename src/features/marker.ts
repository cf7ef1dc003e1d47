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
 * A fixed script: $1 is a per-call tag, $2 how many feature names follow (checked against
 * FEATURE_NAME before they are sent). For each name it prints `<tag> present <name>` and the marker
 * file, or `<tag> absent <name>`. With the run area it lists the feature run area after
 * `<tag> runarea`. Then, for each health check that follows as `<seconds> <argc> <argv...>`, it
 * prints `<tag> check <k>`, runs the check's argv (under coreutils' `timeout` when the guest has
 * it), and prints `<tag> rc <k> <exit code>`; then `<tag> end`. The argv is run through `eval` of
 * positional references only (`"${3}" "${4}"`): no value from a config is ever script text.
 */
const READ_STATE_SCRIPT = [
  'tag=$1; nn=$2; area=$3; shift 3',
  'i=0',
  'while [ "$i" -lt "$nn" ]; do',
  '  n=$1; shift; i=$((i + 1))',
  `  f=${MARKER_DIR}/$n.json`,
  '  if [ -f "$f" ] && c=$(cat -- "$f" 2>/dev/null); then printf \'%s present %s\\n%s\\n\' "$tag" "$n" "$c"',
  '  else printf \'%s absent %s\\n\' "$tag" "$n"; fi',
  'done',
  `if [ "$area" = 1 ]; then printf '%s runarea\\n' "$tag"; ls -A ${RUN_DIR} 2>/dev/null; fi`,
  'k=0',
  'while [ "$#" -gt 0 ]; do',
  '  secs=$1; argc=$2; shift 2',
  "  cmd=''; j=1",
  '  while [ "$j" -le "$argc" ]; do cmd="$cmd \\"\\${$j}\\""; j=$((j + 1)); done',
  '  printf \'%s check %s\\n\' "$tag" "$k"',
  '  if command -v timeout >/dev/null 2>&1; then eval "timeout $secs $cmd" </dev/null 2>&1; else eval "$cmd" </dev/null 2>&1; fi',
  '  printf \'\\n%s rc %s %s\\n\' "$tag" "$k" "$?"',
  '  shift "$argc"; k=$((k + 1))',
  'done',
  'printf \'%s end\\n\' "$tag"',
].join('\n');

export type MarkerReading = FeatureMarker | null | 'unreadable';

/** A command health check run by the state read: its argv and its per-attempt timeout. */
export interface CheckToRun {
  argv: readonly string[];
  timeoutSec: number;
}

/** What one check printed and its exit code (124: `timeout` killed it). */
export interface CheckRun {
  exitCode: number;
  output: string;
}

type ReadOpts = { signal?: AbortSignal; timeoutMs?: number };

export interface GuestStateReading {
  markers: Map<string, MarkerReading>;
  runArea: string[];
  checks: CheckRun[];
}

/** One exec of the fixed script; names and check argvs are passed as arguments, never as script text. */
async function readInGuest(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], runArea: boolean, checks: readonly CheckToRun[], opts: ReadOpts): Promise<GuestStateReading> {
  for (const n of names) if (!FEATURE_NAME.test(n)) throw new TypeError(`not a feature name: ${JSON.stringify(n)}`);
  const tag = `phoenix-${runArea ? 'state' : 'marker'}-${randomBytes(8).toString('hex')}`;
  const checkArgs = checks.flatMap((c) => [String(Math.max(1, Math.ceil(c.timeoutSec))), String(c.argv.length), ...c.argv]);
  // The checks' own time limits come on top of the read's.
  const timeoutMs = (opts.timeoutMs ?? 30_000) + checks.reduce((t, c) => t + Math.ceil(c.timeoutSec) * 1000, 0);
  const r = await reader.exec(g.type, g.vmid, ['sh', '-c', READ_STATE_SCRIPT, 'sh', tag, String(names.length), runArea ? '1' : '0', ...names, ...checkArgs], { signal: opts.signal, timeoutMs, short: true });
  const parts = r.stdout.split(`${tag} `);
  if (r.exitCode !== 0 || parts.at(-1)?.trim() !== 'end') {
    throw new Error(`reading feature markers in ${g.type === 'qemu' ? 'VM' : 'container'} ${g.vmid} failed: ${r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}, output cut short`}`);
  }
  const markers = new Map<string, MarkerReading>();
  const ran: CheckRun[] = [];
  let area: string[] = [];
  for (const part of parts.slice(1, -1)) {
    if (part.startsWith('runarea\n')) {
      area = part.slice('runarea\n'.length).split(/\s+/).filter(Boolean);
      continue;
    }
    const check = /^check (\d+)\n([\s\S]*)$/.exec(part);
    if (check) {
      ran[Number(check[1])] = { exitCode: -1, output: check[2]!.replace(/\n$/, '') };
      continue;
    }
    const rc = /^rc (\d+) (\d+)\n?$/.exec(part);
    if (rc && ran[Number(rc[1])]) {
      ran[Number(rc[1])]!.exitCode = Number(rc[2]);
      continue;
    }
    const m = /^(present|absent) ([^\n]+)\n([\s\S]*)$/.exec(part);
    if (!m || !names.includes(m[2]!)) continue;
    markers.set(m[2]!, m[1] === 'absent' ? null : (parseMarker(m[3]!, m[2]!) ?? 'unreadable'));
  }
  for (const n of names) if (!markers.has(n)) markers.set(n, null);
  // A check whose output had no end (cut short) reads as not run: the caller runs it again.
  const checksRun = checks.map((_, k) => ran[k] ?? { exitCode: -1, output: '' });
  return { markers, runArea: area, checks: checksRun };
}

/**
 * Every named feature marker of one guest in one exec (instead of one `cat` per feature): null
 * when absent (or not readable), 'unreadable' when present but not a marker for that name.
 * Throws what exec throws (guest not running, agent silent), and when the output is cut short.
 */
export async function readMarkers(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], opts: ReadOpts = {}): Promise<Map<string, MarkerReading>> {
  if (names.length === 0) return new Map();
  return (await readInGuest(reader, g, names, false, [], opts)).markers;
}

/**
 * One exec for what a run reads in a guest: every named marker (as readMarkers), the entries an
 * interrupted run left in the feature run area, and one attempt of each command health check
 * given (so a guest the run leaves untouched needs no second exec for its checks).
 */
export function readGuestState(reader: ProxmoxReader, g: { type: GuestType; vmid: number }, names: readonly string[], opts: ReadOpts & { checks?: readonly CheckToRun[] } = {}): Promise<GuestStateReading> {
  return readInGuest(reader, g, names, true, opts.checks ?? [], opts);
}
