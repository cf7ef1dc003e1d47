// Every Proxmox error text Phoenix reacts to, in ONE table of named predicates (STYLE §5: matching
// error text is unavoidable with PVE, so keep it in one place, tested against the recorded texts
// in ../shared/pve/cli-output-samples.md). Callers branch on the predicates, never on strings.

import type { ExecResult } from './exec/types.js';

/** A pct/qm call that failed: carries the whole call, like execa's errors. */
export class PveCommandError extends Error {
  readonly argv: string[];
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly isCanceled: boolean;
  /** The first meaningful stderr line (or why the call ended). */
  readonly shortMessage: string;

  constructor(r: ExecResult, shortMessage?: string) {
    const short = shortMessage ?? firstMeaningfulLine(r);
    super(`${r.argv.slice(0, 3).join(' ')}${r.argv.length > 3 ? ' ...' : ''}: ${short}`);
    this.name = 'PveCommandError';
    this.argv = r.argv;
    this.exitCode = r.exitCode;
    this.stdout = r.stdout;
    this.stderr = r.stderr;
    this.durationMs = r.durationMs;
    this.timedOut = r.timedOut;
    this.isCanceled = r.isCanceled;
    this.shortMessage = short;
  }
}

// Lines that are noise rather than the reason: the usage line after a parameter error, the
// "Task finished with warnings" trailer, and the lock-wait progress PVE::Tools::lock_file_full
// (`trying to acquire lock...`, then ` OK`) and pve-cluster's cfs_lock (`trying to acquire cfs
// lock 'storage-X' ...`) print before the line that says why the call failed.
const NOISE = [/^(pct|qm) \S+.*\[OPTIONS\]\s*$/, /^Task finished with \d+ warning\(s\)!$/, /^trying to acquire lock\.\.\.(?: OK)?$/, /^OK$/, /^trying to acquire cfs lock '[^']*' \.\.\.$/];

export function firstMeaningfulLine(r: Pick<ExecResult, 'stderr' | 'timedOut' | 'isCanceled' | 'exitCode'>): string {
  if (r.isCanceled) return 'canceled';
  if (r.timedOut) return 'timed out';
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !NOISE.some((re) => re.test(l)));
  // A parameter error's reason is on the line after the 400 header.
  if (lines[0] === '400 Parameter verification failed.' && lines[1]) return `${lines[0]} ${lines[1]}`;
  return lines[0] ?? `exit code ${r.exitCode}`;
}

/** What a predicate looks at: an error from this module, or any {stderr}. */
export type ErrorLike = PveCommandError | { stderr: string } | unknown;

const stderrOf = (e: ErrorLike): string => {
  if (e && typeof e === 'object' && 'stderr' in e && typeof (e as { stderr: unknown }).stderr === 'string') {
    return (e as { stderr: string }).stderr;
  }
  return e instanceof Error ? e.message : typeof e === 'string' ? e : '';
};

/**
 * The table. Each pattern is Proxmox's own text (source named); anchored loosely because the
 * CLI prints the die message bare while logs prefix it (`TASK ERROR: `).
 */
export const PVE_ERROR_PATTERNS = {
  /** AbstractConfig::check_lock: `CT is locked (backup)` / `VM is locked (snapshot)`. */
  locked: /\b(?:CT|VM) is locked \(([\w-]+)\)/,
  /** PVE::Tools::lock_file_full: `can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout`. */
  lockTimeout: /can't lock file '[^']*' - got timeout/,
  /**
   * pve-cluster cfs_lock: another node holds a shared storage's cluster lock past the 10 s wait
   * (`cfs-lock 'storage-nfs' error: got lock request timeout`). The task fails before it changed
   * anything, so the workflow may observe and dispatch again.
   */
  cfsLockTimeout: /cfs-lock '[^']*' error: got lock request timeout/,
  /** pve-cluster check_vmid_unused: `CT 100 already exists on node 'pve'`. */
  alreadyExists: /\b(?:CT|VM) \d+ already exists on node/,
  /** load_config: `Configuration file 'nodes/pve/lxc/100.conf' does not exist`. */
  missing: /Configuration file '[^']*' does not exist/,
  /** vm_start: `CT 100 already running` / `VM 100 already running`. */
  alreadyRunning: /\b(?:CT|VM) \d+ already running/,
  /**
   * vm_stop/vm_shutdown: `CT 100 not running`; pct reboot: `VM 100 not running`; the guest agent
   * (assert_agent_available): `VM 100 is not running`; pct exec/enter: `container '100' not
   * running!`; pct push: `can only push files to a running CT`; pct pull: `can only pull files
   * from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 664.` (pve-container CLI/pct.pm).
   */
  notRunning: /\b(?:CT|VM) \d+ (?:is )?not running|container '\d+' not running!|can only (?:push|pull) files (?:to|from) a running (?:CT|VM)\b/,
  /** JSONSchema / raise_param_exc: `400 Parameter verification failed.` */
  paramError: /^400 Parameter verification failed\./m,
  /** vm_start on a template: `you can't start a CT if it's a template` / `... a vm if ...`. */
  templateStart: /you can't start a (?:CT|vm) if it's a template/,
  /** `snapshot 'foo' does not exist`. */
  snapshotMissing: /snapshot '[^']*' does not exist/,
  /** PVE::QemuServer::Agent: the guest agent does not answer. */
  agentNotRunning: /QEMU guest agent is not (?:running|enabled)|No QEMU guest agent configured/,
  /** A task killed before it ended (its worker got a signal): `interrupted by signal`. */
  taskInterrupted: /\binterrupted by signal\b/,
  /** CLI task trailer on exit 0: `Task finished with 2 warning(s)!`. */
  taskWarnings: /^Task finished with (\d+) warning\(s\)!$/m,
} as const;

const test =
  (re: RegExp) =>
  (e: ErrorLike): boolean =>
    re.test(stderrOf(e));

export const isLocked = test(PVE_ERROR_PATTERNS.locked);
export const isLockTimeout = test(PVE_ERROR_PATTERNS.lockTimeout);
export const isCfsLockTimeout = test(PVE_ERROR_PATTERNS.cfsLockTimeout);
export const isAlreadyExists = test(PVE_ERROR_PATTERNS.alreadyExists);
export const isMissing = test(PVE_ERROR_PATTERNS.missing);
export const isAlreadyRunning = test(PVE_ERROR_PATTERNS.alreadyRunning);
export const isNotRunning = test(PVE_ERROR_PATTERNS.notRunning);
export const isParamError = test(PVE_ERROR_PATTERNS.paramError);
export const isTemplateStart = test(PVE_ERROR_PATTERNS.templateStart);
export const isSnapshotMissing = test(PVE_ERROR_PATTERNS.snapshotMissing);
export const isAgentNotRunning = test(PVE_ERROR_PATTERNS.agentNotRunning);
export const isTaskInterrupted = test(PVE_ERROR_PATTERNS.taskInterrupted);

/**
 * Worth retrying with backoff: someone else holds the guest or the storage right now. The retry
 * is the workflow's (observe, then dispatch again), never a re-send of a task that ran.
 */
export const isTransient = (e: ErrorLike): boolean => isLocked(e) || isLockTimeout(e) || isCfsLockTimeout(e);

/** The lock named in `CT is locked (clone)`, if any. */
export function lockReason(e: ErrorLike): string | undefined {
  return PVE_ERROR_PATTERNS.locked.exec(stderrOf(e))?.[1];
}

export interface TaskWarnings {
  count: number;
  /** The task's `WARN: ...` lines (the CLI prints task output on stdout), without the prefix. */
  lines: string[];
}

/**
 * A task that ended with warnings exits 0 and says so on stderr. That is success, but the
 * warnings must reach the user, not be dropped. null when the call had no warnings.
 */
export function taskWarnings(stderr: string, stdout = ''): TaskWarnings | null {
  const m = PVE_ERROR_PATTERNS.taskWarnings.exec(stderr);
  if (!m) return null;
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .map((l) => /^WARN(?:ING)?: (.*)$/.exec(l.trim())?.[1])
    .filter((l): l is string => l !== undefined);
  return { count: Number(m[1]), lines };
}

/**
 * The engine's retry classification for a failed Proxmox call (same shape as util/retry's
 * Classify): locks held by someone else are retryable, everything else is terminal. A
 * retried create/clone that then meets isAlreadyExists must check and adopt, not fail.
 */
export function classifyPveError(e: ErrorLike): 'retryable' | 'terminal' {
  if (e instanceof PveCommandError && e.isCanceled) return 'terminal';
  return isTransient(e) ? 'retryable' : 'terminal';
}
