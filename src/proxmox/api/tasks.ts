// Waiting for a Proxmox task (UPID). Every asynchronous API call answers a UPID at once; this one
// waiter polls /nodes/NODE/tasks/UPID/status with bounded backoff until the task stopped, then
// tells its three outcomes apart by `exitstatus`:
//   `OK`                 ok
//   `WARNINGS: N`        ok, with the task log's `WARN:` lines as diagnostics
//   anything else        the task failed: its exitstatus and the last lines of its log
// The wait is bounded by the operation's deadline, which is not the HTTP request timeout: a
// request that hangs fails on its own timeout and the poll is simply tried again; the task is
// never re-dispatched (it started).
// PVE: pve-common src/PVE/Tools.pm:upid_decode, src/PVE/RESTEnvironment.pm:fork_worker (exitstatus texts)

import type { ApiClient } from './client.js';
import { ApiError } from './client.js';

export interface TaskPoll {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_TASK_POLL: TaskPoll = { initialMs: 100, maxMs: 1000, factor: 1.5 };

/** Lines of the log kept on failure. */
export const LOG_TAIL_LINES = 10;

export interface TaskOutcome {
  upid: string;
  /** Lines of the task log that were warnings (`WARN: ...`, prefix removed); empty when ok. */
  warnings: string[];
  warningCount: number;
}

/** A task that ended in error: `exitstatus` as Proxmox gives it, and the end of its log. */
export class TaskFailed extends Error {
  /** The log tail: the error predicates (../errors.ts) read it like a CLI's stderr. */
  readonly stderr: string;
  constructor(
    readonly upid: string,
    readonly exitstatus: string,
    readonly logTail: string[],
    readonly what: string,
  ) {
    super(`${what}: ${exitstatus}${logTail.length ? `\n${logTail.map((l) => `  | ${l}`).join('\n')}` : ''}`);
    this.name = 'TaskFailed';
    this.stderr = [...logTail, exitstatus].join('\n');
  }
}

export class TaskDeadline extends Error {
  readonly stderr = '';
  constructor(
    readonly upid: string,
    readonly what: string,
    ms: number,
  ) {
    super(`${what}: still running after ${Math.round(ms / 1000)} s (task ${upid}); Phoenix stopped waiting, the task was not cancelled`);
    this.name = 'TaskDeadline';
  }
}

/** UPID:node:pid:pstart:starttime:type:id:user: → its node. */
export function upidNode(upid: string): string {
  const m = /^UPID:([a-zA-Z0-9][a-zA-Z0-9.-]*):[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s]+:[^:\s]*:[^:\s]+:$/.exec(upid);
  if (!m) throw new TypeError(`not a task id (UPID): ${JSON.stringify(upid)}`);
  return m[1];
}

export interface WaitOptions {
  what: string;
  deadlineMs?: number;
  signal?: AbortSignal;
  poll?: TaskPoll;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface TaskStatus {
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export async function waitTask(client: ApiClient, upid: string, o: WaitOptions): Promise<TaskOutcome> {
  const node = upidNode(upid);
  const enc = encodeURIComponent(upid);
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const poll = o.poll ?? DEFAULT_TASK_POLL;
  const started = now();
  let delay = poll.initialMs;
  let misses = 0;
  for (;;) {
    let st: TaskStatus | undefined;
    try {
      st = await client.call<TaskStatus>('GET', `/nodes/${node}/tasks/${enc}/status`);
      misses = 0;
    } catch (e) {
      // A status read that failed (timeout, a proxy hiccup) is read again; a 4xx is a real answer.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) throw e;
      if (++misses >= 5) throw e;
    }
    if (st?.status === 'stopped') {
      const exit = st.exitstatus ?? 'unknown';
      if (exit === 'OK') return { upid, warnings: [], warningCount: 0 };
      const w = /^WARNINGS: (\d+)$/.exec(exit);
      const log = await readLog(client, node, enc);
      if (w) {
        const lines = log.map((l) => /^WARN(?:ING)?: (.*)$/.exec(l)?.[1]).filter((l): l is string => l !== undefined);
        return { upid, warnings: lines, warningCount: Number(w[1]) };
      }
      const tail = log.filter((l) => !/^TASK (?:ERROR|OK)/.test(l)).slice(-LOG_TAIL_LINES);
      throw new TaskFailed(upid, exit, tail, o.what);
    }
    if (o.signal?.aborted) throw Object.assign(new Error(`${o.what}: canceled while task ${upid} runs`), { name: 'AbortError', stderr: '' });
    const elapsed = now() - started;
    if (o.deadlineMs !== undefined && elapsed >= o.deadlineMs) throw new TaskDeadline(upid, o.what, elapsed);
    await sleep(o.deadlineMs === undefined ? delay : Math.min(delay, Math.max(0, o.deadlineMs - elapsed)));
    delay = Math.min(poll.maxMs, delay * poll.factor);
  }
}

async function readLog(client: ApiClient, node: string, enc: string): Promise<string[]> {
  try {
    const rows = await client.call<Array<{ n: number; t: string }>>('GET', `/nodes/${node}/tasks/${enc}/log`, { start: 0, limit: 5000 });
    return (rows ?? []).sort((a, b) => a.n - b.n).map((r) => r.t);
  } catch {
    return []; // the failure itself is what matters; a missing log only shortens the message
  }
}
