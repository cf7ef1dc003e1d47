// What a command gets from the outside world. Only cli/bin.ts binds it to the real process,
// so tests run the whole CLI in-process with captured output.

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTTY: boolean;
  /** Fires on Ctrl-C (first one: stop scheduling; second: abort). */
  signal?: AbortSignal;
  /** Reads one answer from the person at the terminal (absent: stdin). Only asked when isTTY. */
  prompt?: (question: string) => Promise<string>;
}

export interface GlobalOptions {
  config?: string;
  driver: 'auto' | 'pve-cli' | 'api' | 'sim';
  dryRun: boolean;
  json: boolean;
  concurrency?: number;
  verbose: boolean;
  quiet: boolean;
  yes: boolean;
  color: boolean;
  /** --no-wait: fail (exit 2) instead of waiting when another run holds a guest. */
  noWait?: boolean;
  /** --api-url, --api-fingerprint, --api-insecure, --api-node, --node-ssh (for --driver api). */
  api?: { url?: string; fingerprint?: string; insecure?: boolean; node?: string; nodeSsh?: string };
}

export interface CommandContext {
  io: CliIO;
  globals: GlobalOptions;
  /** Positional arguments of the verb (guest ids etc.). */
  args: string[];
  /** Verb-specific options, as commander parsed them. */
  options: Record<string, unknown>;
}

/** A verb's implementation: returns the process exit code. */
export type CommandRun = (ctx: CommandContext) => Promise<number>;

/** Writes a line to stdout. */
export const out = (io: CliIO, line = ''): void => io.stdout(`${line}\n`);
/** Writes a line to stderr. */
export const err = (io: CliIO, line = ''): void => io.stderr(`${line}\n`);
