// Measuring a run from the outside: the built CLI as a child process against a simulator state,
// the simulator's call log (PHOENIX_SIM_LOG: argv, start, end, exit per pct/qm call), the run's
// --json events (when each guest's workflow started and ended), and the dependency graph
// (`phoenix graph --json`). Nothing here reaches into Phoenix's internals.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `phoenix <args>` with the built binary; the env is the caller's, nothing inherited but PATH/HOME. */
export function runPhoenix(args: string[], o: { cwd: string; env: Record<string, string | undefined> }): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1' };
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, wallMs: performance.now() - t0 }));
  });
}

export interface LoggedCall {
  argv: string[];
  start: number;
  end: number;
  exit: number;
}

export function readCallLog(path: string): LoggedCall[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedCall);
}

/** `create`, `disk import`, `guest exec`, ... */
export function verbOf(argv: readonly string[]): string {
  const [, a, b] = argv;
  return a === 'guest' || a === 'disk' || a === 'cloudinit' ? `${a} ${b}` : (a ?? '');
}

const READS = new Set(['status', 'config', 'list', 'listsnapshot', 'pending', 'agent', 'guest exec-status', 'guest cmd']);
const IN_GUEST = new Set(['exec', 'guest exec', 'push', 'pull']);

/** read: observes the host; exec: runs or reads something inside a guest (push included); mutating: the rest. */
export function callClass(argv: readonly string[]): 'read' | 'exec' | 'mutating' {
  const v = verbOf(argv);
  if (READS.has(v)) return 'read';
  if (IN_GUEST.has(v)) return argv[1] === 'push' ? 'mutating' : 'exec';
  return 'mutating';
}

/** The guest a call is about (the new id for a clone). */
export function targetOf(argv: readonly string[]): number {
  const v = verbOf(argv);
  if (v === 'clone') return Number(argv[3]);
  return Number(argv[v.includes(' ') ? 3 : 2]);
}

/** A latency model, as PHOENIX_SIM_LATENCY takes it (ms per key). */
export type Latency = Record<string, number>;

export const REAL_HOST: Latency = { create: 4000, clone: 6000, start: 1500, exec: 300, default: 150 };

export function scaled(l: Latency, f: number): Latency {
  return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, Math.round(v * f)]));
}

export const latencyEnv = (l: Latency): string =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** What the simulator sleeps before a call (mirrors latencyKey in src/sim/frontend/run.ts). */
export function modelMs(argv: readonly string[], l: Latency): number {
  const v = verbOf(argv);
  let key: string;
  if (IN_GUEST.has(v)) key = 'exec';
  else if (READS.has(v) && v !== 'agent' && v !== 'pending') key = 'default';
  else key = ({ 'disk import': 'import', 'disk resize': 'resize', 'cloudinit update': 'cloudinit' } as Record<string, string>)[v] ?? v;
  return l[key] ?? l.default ?? 0;
}

export interface RunEvent {
  ts: string;
  event: string;
  guest?: number;
  status?: string;
  attempt?: number;
  guests?: number[];
}

export function parseEvents(stdout: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as RunEvent);
    } catch {
      /* not an event line */
    }
  }
  return out;
}

export interface Phase {
  start: number;
  end: number;
  /** Per guest: when its workflow first started and when it ended, and how. */
  windows: Map<number, { start: number; end: number; status: string }>;
}

/** The runs in an `up --json` stream: the converge phase, then the start phase. */
export function phasesOf(events: RunEvent[]): Phase[] {
  const phases: Phase[] = [];
  let cur: Phase | undefined;
  for (const e of events) {
    const t = Date.parse(e.ts);
    if (e.event === 'run-start') {
      cur = { start: t, end: t, windows: new Map() };
      phases.push(cur);
    } else if (!cur) continue;
    else if (e.event === 'node-start' && e.guest !== undefined && !cur.windows.has(e.guest)) cur.windows.set(e.guest, { start: t, end: t, status: 'running' });
    else if (e.event === 'node-end' && e.guest !== undefined) {
      // A skipped guest never started: it has no window and costs nothing.
      const w = cur.windows.get(e.guest);
      if (w) {
        w.end = t;
        w.status = e.status ?? '';
      }
    } else if (e.event === 'run-end') cur.end = t;
  }
  return phases;
}

/**
 * Which guest's workflow made each call: the guest the call names when its workflow was running
 * then; otherwise (reads of a clone source or a dependency) a running guest that needs the named
 * one, spreading several such calls over the candidates. Times are ms; the log and the events
 * come from different clocks only by rounding, so windows get a small tolerance.
 */
export function attribute(calls: LoggedCall[], phase: Phase, needs: Map<number, number[]>): { byGuest: Map<number, LoggedCall[]>; unattributed: LoggedCall[] } {
  const tol = 5;
  const byGuest = new Map<number, LoggedCall[]>();
  const unattributed: LoggedCall[] = [];
  const foreign = new Map<string, number>();
  const inWindow = (g: number, t: number) => {
    const w = phase.windows.get(g);
    return w !== undefined && t >= w.start - tol && t <= w.end + tol;
  };
  const add = (g: number, c: LoggedCall) => byGuest.set(g, [...(byGuest.get(g) ?? []), c]);
  for (const c of calls) {
    if (c.start < phase.start - tol || c.start > phase.end + tol) continue;
    const v = targetOf(c.argv);
    if (inWindow(v, c.start)) {
      add(v, c);
      continue;
    }
    const cands = [...phase.windows.keys()].filter((g) => inWindow(g, c.start) && (needs.get(g) ?? []).includes(v));
    if (!cands.length) {
      unattributed.push(c);
      continue;
    }
    cands.sort((a, b) => (foreign.get(`${a}:${v}`) ?? 0) - (foreign.get(`${b}:${v}`) ?? 0) || a - b);
    foreign.set(`${cands[0]}:${v}`, (foreign.get(`${cands[0]}:${v}`) ?? 0) + 1);
    add(cands[0], c);
  }
  return { byGuest, unattributed };
}

/** Longest path through the DAG where each node costs cost(n); `needs` maps a node to what must finish first. */
export function criticalPath(nodes: number[], needs: Map<number, number[]>, cost: (n: number) => number): { length: number; path: number[] } {
  const memo = new Map<number, { length: number; path: number[] }>();
  const set = new Set(nodes);
  const visit = (n: number): { length: number; path: number[] } => {
    const m = memo.get(n);
    if (m) return m;
    let best = { length: 0, path: [] as number[] };
    for (const d of needs.get(n) ?? []) {
      if (!set.has(d)) continue;
      const r = visit(d);
      if (r.length > best.length) best = r;
    }
    const r = { length: best.length + cost(n), path: [...best.path, n] };
    memo.set(n, r);
    return r;
  };
  let best = { length: 0, path: [] as number[] };
  for (const n of nodes) {
    const r = visit(n);
    if (r.length > best.length) best = r;
  }
  return best;
}

export interface CallCounts {
  read: number;
  exec: number;
  mutating: number;
  total: number;
}

export function countCalls(calls: LoggedCall[]): CallCounts {
  const c: CallCounts = { read: 0, exec: 0, mutating: 0, total: calls.length };
  for (const x of calls) c[callClass(x.argv)]++;
  return c;
}
