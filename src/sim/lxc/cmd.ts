// Running host programs for the LXC backend: argument arrays only (never a shell), output captured,
// an optional time limit. Every helper of the backend goes through here so a failure always names
// the program and what it printed.

import { spawn } from 'node:child_process';

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CmdOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  /** Write stdout here (a file descriptor) instead of capturing it: `pct pull` of a large file. */
  stdoutFd?: number;
}

export function run(argv: readonly string[], opts: CmdOptions = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', opts.stdoutFd ?? 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            // The whole group: lxc-attach's child inside the guest goes with it.
            try {
              process.kill(-(child.pid ?? 0), 'SIGKILL');
            } catch {
              /* gone */
            }
          }, opts.timeoutMs)
        : undefined;
    child.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${argv[0]}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr, timedOut });
    });
    child.stdin?.on('error', () => {}); // a program that exits without reading its input
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs argv and throws with its stderr when it fails. */
export async function must(argv: readonly string[], opts: CmdOptions = {}): Promise<CmdResult> {
  const r = await run(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`);
  return r;
}

/** Starts a long-lived helper (a relay, the apt proxy) detached from us; returns its pid. */
export function daemon(argv: readonly string[]): number {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid ?? 0;
}
