// The exec abstraction under the CLI driver: run an argv (never a shell string) somewhere.
// Implementations: local spawn, SSH (later), and the simulator in-process.

export interface ExecRequest {
  argv: string[];
  input?: string;
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
