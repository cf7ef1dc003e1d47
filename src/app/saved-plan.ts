// Saved plans: `phoenix plan -o plan.json` writes the run's plans with two fingerprints per guest,
// one of its configuration (each field of the normalised guest, hashed) and one of what was
// observed on the host (status, lock, each config option, pending changes, snapshots, firewall,
// feature markers, hashed). `phoenix apply plan.json` observes again and applies the saved
// actions only when neither changed; otherwise it refuses, naming the guest and the field. Values
// are stored as hashes only: a plan file never holds a secret or a guest's config in clear.

import { createHash } from 'node:crypto';
import type { GuestId, PhoenixConfig } from '../model/guest.js';
import type { World, WorldGuest } from '../managers/world.js';
import type { GuestPlan } from '../plan/types.js';
import type { RunPlan, Verb } from './converge.js';

export const PLAN_FORMAT = 'phoenix-plan';
export const PLAN_VERSION = 1;

export interface SavedPlan {
  format: typeof PLAN_FORMAT;
  version: number;
  createdAt: string;
  verb: Verb;
  /** Guest ids as given to `plan` (empty: all). */
  targets: string[];
  node: string;
  /** Per guest: field → hash. */
  desired: Record<string, Record<string, string>>;
  observed: Record<string, Record<string, string>>;
  plans: GuestPlan[];
  /** Guests whose plan could not be made: a saved plan with any is refused by apply. */
  failures: Array<{ id: GuestId; message: string }>;
}

const h = (v: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(v ?? null, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x instanceof Set ? [...x] : x)))
    .digest('hex')
    .slice(0, 16);

/** Each top-level field of the normalised guest, hashed (so an edit names its field). */
export function desiredFingerprint(config: PhoenixConfig, id: GuestId): Record<string, string> {
  const g = config.guests.get(id) as unknown as Record<string, unknown> | undefined;
  if (!g) return { exists: 'no' };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(g)) if (k !== 'source' && k !== 'location') out[k] = h(v);
  out['host settings'] = h(config.host);
  return out;
}

/** What was observed of a guest, field by field, hashed. */
export function observedFingerprint(g: WorldGuest | undefined): Record<string, string> {
  if (!g) return { exists: h(false) };
  const out: Record<string, string> = {
    exists: h(true),
    status: h(g.status.status),
    lock: h(g.status.lock ?? null),
    template: h(g.status.template),
    pending: h(g.pending),
    snapshots: h([...g.snapshots].sort()),
    firewall: h(g.firewall),
    'lxc.* lines': h(g.config.rawLxc),
    'feature markers': h(g.markers.known ? [...g.markers.value.entries()].sort() : 'unknown'),
  };
  for (const [k, v] of Object.entries(g.config.options)) if (k !== 'digest') out[`config ${k}`] = h(v);
  return out;
}

export function savePlan(run: RunPlan, config: PhoenixConfig, targets: string[], messageOf: (e: Error) => string): SavedPlan {
  const desired: SavedPlan['desired'] = {};
  const observed: SavedPlan['observed'] = {};
  for (const id of run.order) {
    desired[id] = desiredFingerprint(config, id);
    observed[id] = observedFingerprint(run.observed.get(id));
  }
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    createdAt: new Date().toISOString(),
    verb: run.verb,
    targets,
    node: run.observed.node,
    desired,
    observed,
    plans: run.order.map((id) => run.plans.get(id)).filter((p): p is GuestPlan => p !== undefined),
    failures: [...run.failures].map(([id, e]) => ({ id, message: messageOf(e) })),
  };
}

/** Why a saved plan cannot be applied now (empty: it can). Each names the guest and the field. */
export function staleReasons(saved: SavedPlan, now: { config: PhoenixConfig; observed: World; order: GuestId[] }): string[] {
  const out: string[] = [];
  const ids = new Set([...Object.keys(saved.desired).map(Number), ...now.order]);
  const diff = (a: Record<string, string> | undefined, b: Record<string, string>) => [...new Set([...Object.keys(a ?? {}), ...Object.keys(b)])].filter((k) => (a ?? {})[k] !== b[k]).sort();
  for (const id of [...ids].sort((x, y) => x - y)) {
    const d = diff(saved.desired[id], desiredFingerprint(now.config, id));
    if (d.length) out.push(`guest ${id}: the config changed since the plan (${d.join(', ')})`);
    const o = diff(saved.observed[id], observedFingerprint(now.observed.get(id)));
    if (o.length) out.push(`guest ${id}: the host changed since the plan (${o.join(', ')})`);
  }
  if (now.observed.node !== saved.node) out.push(`the plan was made on node ${saved.node}, this is ${now.observed.node}`);
  return out;
}

/** Why a file is not a plan this Phoenix can apply (undefined: it is). */
export function planFileProblem(v: unknown): string | undefined {
  const p = v as Partial<SavedPlan> | null;
  if (!p || typeof p !== 'object' || p.format !== PLAN_FORMAT) return 'not a Phoenix plan file (no "format": "phoenix-plan")';
  if (p.version !== PLAN_VERSION) return `plan format version ${String(p.version)}; this Phoenix applies version ${PLAN_VERSION} (make the plan again)`;
  if (!Array.isArray(p.plans) || typeof p.desired !== 'object' || typeof p.observed !== 'object') return 'the plan file is incomplete';
  return undefined;
}

/** The actions of two plans, for an exact comparison (outcomes and prose aside). */
export function actionsOf(plans: readonly GuestPlan[]): string {
  return JSON.stringify(plans.map((p) => ({ id: p.id, actions: p.steps.map((s) => s.action ?? null) })));
}
