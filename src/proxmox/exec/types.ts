// The exec abstraction under the CLI driver: run an argv (never a shell string) somewhere.
// Implementations: local spawn, SSH (later), and the simulator in-process.

export interface ExecRequest {
  argv: string[];
  /** Written to the command's stdin (bytes as given; strings as UTF-8), then stdin is closed. */
  input?: string | Uint8Array;
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface ExecResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  isCanceled: boolean;
}

export type Exec = (req: ExecRequest) => Promise<ExecResult>;

/**
 * Where an Exec runs its argv. Only `local` and `sim` exist now; `ssh` is the planned remote
 * transport (same Exec shape, argv quoted for the remote shell).
 */
export type TransportKind = 'local' | 'sim' | 'ssh' | 'api';
