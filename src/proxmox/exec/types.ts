// The exec abstraction under the CLI driver: run an argv (never a shell string) somewhere.
// Implementations: local spawn, SSH (ssh.ts), and the simulator in-process.

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

/** Where an Exec runs its argv: this machine, the simulator in-process, a node over SSH, the REST API. */
export type TransportKind = 'local' | 'sim' | 'ssh' | 'api';

/** A file put where the node's pct/qm can read it, for one call. */
export interface StagedFile {
  /** The file's path on the node. */
  path: string;
  /** Removes what staging made (nothing when the node could read the file where it was). */
  done(): Promise<void>;
}

/**
 * Putting bytes where the node's pct/qm read them: `pct push` takes a path on the node, and
 * `pct create --ssh-public-keys` / `qm set --sshkeys` a file on the node. On this machine that is
 * the local file itself (or a private temp file); on a remote node, a private temp file there.
 */
export interface Staging {
  /** A local file, readable on the node. */
  file(localFile: string): Promise<StagedFile>;
  /** Bytes in a new file only the node's user can read (0600). */
  bytes(content: string | Uint8Array, what: StageKind): Promise<StagedFile>;
}

/** What a staged file is (its temp name says it: /tmp/phoenix-push.*, /tmp/phoenix-keys.*). */
export type StageKind = 'push' | 'keys';
