// Running a command in a VM through the guest agent, asynchronously: dispatch once with
// `qm guest exec --synchronous 0` (answers {"pid": N} at once), then poll
// `qm guest exec-status <vmid> <pid>` with bounded backoff until it exited or the deadline.
// Only the dispatch starts the command; a poll never re-sends it (bpg: retry the dispatch,
// never the wait — and here not even the dispatch, since the command may not be idempotent).

import { PveCommandError } from '../errors.js';
import type { ExecRequest, ExecResult } from '../exec/types.js';
import type { ExecOutcome } from '../types.js';
import { argv } from './argv.js';
import { type GuestExecStatus, parseGuestExecStart, parseGuestExecStatus } from './parse/guest-exec.js';

export interface PollPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 100, maxMs: 2000, factor: 1.5 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export interface QemuExecDeps {
  run: (req: ExecRequest) => Promise<ExecResult>;
  sleep: Sleep;
  poll: PollPolicy;
  now: () => number;
}

export interface QemuExecRequest {
  vmid: number;
  command: string[];
  input?: string | Uint8Array;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Let qm wait for the command (see ExecInGuestOptions.short); needs timeoutMs. */
  short?: boolean;
}

const outcome = (s: GuestExecStatus): ExecOutcome => ({
  // A command killed by a signal has no exitcode; report it the way a shell would.
  exitCode: s.exitCode ?? (s.signal !== undefined ? 128 + s.signal : -1),
  stdout: s.stdout,
  stderr: s.stderr,
});

/** Synthetic result for errors that are ours (deadline, cancel), so they carry the same fields. */
const ended = (base: ExecResult, why: { timedOut?: boolean; isCanceled?: boolean }, started: number, now: number): ExecResult => ({
  ...base,
  exitCode: -1,
  timedOut: Boolean(why.timedOut),
  isCanceled: Boolean(why.isCanceled),
  durationMs: now - started,
});

export async function qemuGuestExec(deps: QemuExecDeps, req: QemuExecRequest): Promise<ExecOutcome> {
  const started = deps.now();
  const passStdin = req.input !== undefined;
  // A short command: qm waits for it (up to the whole limit) and answers {exitcode, exited, …};
  // if the limit passes first it warns and answers the pid, and the deadline below is over.
  const waitSec = req.short && req.timeoutMs !== undefined ? Math.max(1, Math.ceil(req.timeoutMs / 1000)) : undefined;
  const start = await deps.run({ argv: argv.qemuExecStart(req.vmid, req.command, passStdin, waitSec), input: req.input, signal: req.signal });
  if (start.exitCode !== 0 || start.timedOut || start.isCanceled) throw new PveCommandError(start);
  const first = parseGuestExecStart(start.stdout);
  if ('status' in first) return outcome(first.status);

  const deadline = req.timeoutMs === undefined ? Infinity : started + req.timeoutMs;
  let delay = deps.poll.initialMs;
  for (;;) {
    if (req.signal?.aborted) {
      throw new PveCommandError(ended(start, { isCanceled: true }, started, deps.now()), `canceled; guest pid ${first.pid} may still be running in VM ${req.vmid}`);
    }
    const left = deadline - deps.now();
    if (left <= 0) {
      throw new PveCommandError(ended(start, { timedOut: true }, started, deps.now()), `timed out after ${Math.round((req.timeoutMs ?? 0) / 1000)}s; guest pid ${first.pid} still running in VM ${req.vmid}`);
    }
    await deps.sleep(Math.min(delay, left), req.signal);
    delay = Math.min(deps.poll.maxMs, delay * deps.poll.factor);
    if (req.signal?.aborted) continue;
    const r = await deps.run({ argv: argv.qemuExecStatus(req.vmid, first.pid) });
    if (r.exitCode !== 0) throw new PveCommandError(r);
    const s = parseGuestExecStatus(r.stdout);
    if (s.exited) return outcome(s);
  }
}
