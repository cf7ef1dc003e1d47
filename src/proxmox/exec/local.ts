// Runs an argv on this machine: node's spawn with an argument array (never a shell), in its own
// process group so a timeout or abort can end the whole tree. DEPENDENCIES §5: without
// `detached` + `kill(-pid)`, a grandchild holding the pipes keeps the call alive after SIGKILL.

import { spawn } from 'node:child_process';
import type { Exec, ExecRequest, ExecResult } from './types.js';
import { TailBuffer } from '../../util/tail-buffer.js';

/** Time between SIGTERM and SIGKILL when a call times out or is aborted. */
export const KILL_GRACE_MS = 2000;

/** Exit code reported when the process could not be started (like a shell's "not found"). */
export const EXIT_NOT_STARTED = 127;

export const localExec: Exec = (req) => runLocal(req);

export function runLocal(req: ExecRequest, graceMs = KILL_GRACE_MS): Promise<ExecResult> {
  const started = performance.now();
  const [cmd, ...args] = req.argv;
  if (cmd === undefined) throw new TypeError('exec: empty argv');
  return new Promise<ExecResult>((resolve) => {
    // Capped: only the tail of a huge output is kept (util/tail-buffer.ts).
    const out = new TailBuffer();
    const err = new TailBuffer();
    let spawnError = '';
    let timedOut = false;
    let isCanceled = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: req.env ? { ...process.env, ...req.env } : process.env,
      windowsHide: true,
    });

    const finish = (exitCode: number): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      req.signal?.removeEventListener('abort', onAbort);
      resolve({ argv: req.argv, exitCode, stdout: out.toString(), stderr: err.toString() + spawnError, durationMs: performance.now() - started, timedOut, isCanceled });
    };

    // Signal the whole group; fall back to the child alone if the group is already gone.
    const killTree = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    const terminate = (): void => {
      killTree('SIGTERM');
      const t = setTimeout(() => killTree('SIGKILL'), graceMs);
      t.unref();
      timers.push(t);
    };
    function onAbort(): void {
      isCanceled = true;
      terminate();
    }

    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError += `${cmd}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`;
      finish(EXIT_NOT_STARTED);
    });
    // 'close' waits for the pipes; after a group kill every holder is gone, so it does come.
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 + signalNumber(signal) : 1)));

    if (req.timeoutMs !== undefined && req.timeoutMs > 0) {
      const t = setTimeout(() => {
        timedOut = true;
        terminate();
      }, req.timeoutMs);
      timers.push(t);
    }
    if (req.signal) {
      if (req.signal.aborted) onAbort();
      else req.signal.addEventListener('abort', onAbort, { once: true });
    }

    // EPIPE when the command exits without reading its input is not our failure.
    child.stdin.on('error', () => {});
    child.stdin.end(req.input ?? '');
  });
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
const signalNumber = (s: NodeJS.Signals): number => SIGNALS[s] ?? 0;
