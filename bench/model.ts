// The bench's cost model and lower bounds, on top of lib.ts's call log arithmetic: what a call
// costs on a real host (the Perl front-end's start-up included), how calls are classed once the
// log also holds pvesh requests and /etc/pve file requests, and the resource-aware bound for `up`.

import { callClass as pveCallClass, type CallCounts, type Latency, type LoggedCall, modelMs as verbMs, REAL_HOST as VERB_WORK, verbOf } from './lib.js';

/**
 * A real host: the work of each verb (lib.ts's REAL_HOST), plus `cli` (the Perl start-up every
 * pct/qm/pveversion call pays before any work), `pvesh` (one pvesh request in all: its start-up
 * loads the whole API tree) and `file` (one request for /etc/pve files: a FUSE read of pmxcfs,
 * or one SSH round trip). The simulator applies the same keys (PHOENIX_SIM_LATENCY).
 */
export const HOST_MODEL: Latency = { ...VERB_WORK, cli: 500, pvesh: 800, file: 10 };

/** read / exec in guest / mutating, for every line of the call log (pct/qm, pvesh, pveversion, hostfile). */
export function callClass(argv: readonly string[]): 'read' | 'exec' | 'mutating' {
  if (argv[0] === 'hostfile') return argv[1] === 'read' || argv[1] === 'readDir' ? 'read' : 'mutating';
  if (argv[0] === 'pvesh') return argv[1] === 'get' ? 'read' : 'mutating';
  if (argv[0] === 'pveversion') return 'read';
  return pveCallClass(argv);
}

/** What the simulator models a call to take (mirrors pveToolMs/frontEndMs in src/sim/frontend/run.ts, file= in src/app/drivers/sim-files.ts). */
export function modelMs(argv: readonly string[], l: Latency): number {
  if (argv[0] === 'hostfile') return l.file ?? 0;
  if (argv[0] === 'pvesh') return l.pvesh ?? (l.cli ?? 0) + (l.default ?? 0);
  if (argv[0] === 'pveversion') return (l.cli ?? 0) + (l.default ?? 0);
  return (l.cli ?? 0) + verbMs(argv, l);
}

export function countCalls(calls: LoggedCall[]): CallCounts {
  const c: CallCounts = { read: 0, exec: 0, mutating: 0, total: calls.length };
  for (const x of calls) c[callClass(x.argv)]++;
  return c;
}

/** The storage a call allocates a volume on (`--storage S`, or a new volume `S:<size>`), if any. */
export function allocStorageOf(argv: readonly string[]): string | undefined {
  const v = verbOf(argv);
  if (!['create', 'clone', 'set', 'disk import', 'importdisk'].includes(v)) return undefined;
  if (v === 'disk import') return argv[5];
  for (let i = 0; i < argv.length - 1; i++) {
    if (argv[i] === '--storage') return argv[i + 1];
    const m = argv[i].startsWith('--') ? /^([\w.-]+):\d+(?:\.\d+)?(?:,|$)/.exec(argv[i + 1]) : null;
    if (m) return m[1];
  }
  return undefined;
}

export interface LockChain {
  /** `clones of CT 200`, `allocations on local-lvm`. */
  what: string;
  ms: number;
  calls: number;
}

/**
 * Work that must hold one lock at a time, whatever the schedule:
 * - every `pct clone` of one source CT: pve-container marks the source `lock: disk` for the whole
 *   clone (src/PVE/API2/LXC.pm:clone_vm), so Phoenix queues clones per source; a chain costs the
 *   modelled time of those calls. (qm clone takes a shared lock on a stopped source: no chain.)
 * - the allocations on one storage: alloc_image/vdisk_clone run under the storage's lock
 *   (pve-storage src/PVE/Storage/Plugin.pm:cluster_lock_storage), the rest of the task does not;
 *   each allocating call costs the model's `alloc` (absent: 0, the model gives allocation no time
 *   of its own).
 */
export function lockChains(calls: LoggedCall[], l: Latency): LockChain[] {
  const chains = new Map<string, LockChain>();
  const add = (what: string, ms: number) => {
    const c = chains.get(what) ?? { what, ms: 0, calls: 0 };
    c.ms += ms;
    c.calls += 1;
    chains.set(what, c);
  };
  for (const c of calls) {
    if (c.argv[0] === 'pct' && c.argv[1] === 'clone') add(`clones of CT ${c.argv[2]}`, modelMs(c.argv, l));
    const s = allocStorageOf(c.argv);
    if (s) add(`allocations on ${s}`, l.alloc ?? 0);
  }
  return [...chains.values()].sort((a, b) => b.ms - a.ms || a.what.localeCompare(b.what));
}

export interface ResourceBound {
  /** max(critical path, work / concurrency, longest lock chain): no schedule under the rules beats it. */
  ms: number;
  criticalPathMs: number;
  workMs: number;
  workPerSlotMs: number;
  longestChain: LockChain | null;
  /** Which of the three decides. */
  binding: 'critical path' | 'work / concurrency' | 'lock chain';
}

export function resourceBound(cpMs: number, workMs: number, concurrency: number, chains: LockChain[]): ResourceBound {
  const workPerSlotMs = workMs / Math.max(1, concurrency);
  const longestChain = chains[0] ?? null;
  const chainMs = longestChain?.ms ?? 0;
  const ms = Math.max(cpMs, workPerSlotMs, chainMs);
  const binding = ms === cpMs ? 'critical path' : ms === workPerSlotMs ? 'work / concurrency' : 'lock chain';
  return { ms, criticalPathMs: cpMs, workMs, workPerSlotMs: Math.round(workPerSlotMs), longestChain, binding };
}
