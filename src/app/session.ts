// The composition root of a run: config → driver → feature registry → secrets → logs. Every verb
// that touches guests builds one Session (cli/ loads the config and passes plain values in);
// nothing below app/ picks drivers, and nothing here reads argv or prints.

import { chmodSync, existsSync, lstatSync, readlinkSync } from 'node:fs';
import { privateDir, PRIVATE_DIR } from '../util/private-fs.js';
import { join } from 'node:path';
import { FeatureRegistry } from '../features/registry.js';
import type { GuestId, PhoenixConfig } from '../model/guest.js';
import type { ProxmoxDriver } from '../proxmox/driver.js';
import type { ClusterDriver } from '../proxmox/cluster.js';
import type { Placement } from './placement.js';
import type { ExecResult } from '../proxmox/exec/types.js';
import { selectDriver, type DriverKind } from './drivers/select.js';
import { SecretScrubber } from '../util/redact.js';
import type { SecretContext } from '../util/secrets.js';
import { fileRestarts, type PendingRestarts } from '../managers/pending.js';
import { fileInFlight, type InFlight } from '../managers/inflight.js';
import type { DriverChoice } from './drivers/select.js';
import { UsageError } from '../diag/errors.js';

export interface CallStats {
  reads: number;
  mutations: number;
  calls: Array<{ argv: string[]; exit: number; ms: number }>;
}

export interface Session {
  config: PhoenixConfig;
  driver: ProxmoxDriver;
  /** The cluster behind `driver` (a driver per node, where each guest is); absent for the API driver. */
  cluster?: ClusterDriver;
  /** Where each guest of the run is or goes, and why (app/placement.ts; set by preflightRun). */
  placement?: Map<GuestId, Placement>;
  driverKind: DriverKind;
  registry: FeatureRegistry;
  secrets: SecretContext;
  pending: PendingRestarts;
  /** Guests defined but never configured (see PlanContext.unconfigured). */
  unconfigured?: PendingRestarts;
  /** Lock-taking steps in progress (finished by the next run when one is killed). */
  inflight?: InFlight;
  /** <configDir>/.phoenix: Phoenix's own state (logs, pending restarts, run lock). */
  stateDir: string;
  runId: string;
  logDir: string;
  stats: CallStats;
  /** Where run/guest locks live: the simulator's state for a simulated host, else /run/lock/phoenix. */
  lockDir: string;
  /** The addresses DHCP guests reported after their run (features/access.ts), for the summary. */
  leases: Map<GuestId, string[]>;
}

/** `qm guest cmd` commands that only read (the agent's answers). */
const AGENT_READS = new Set(['ping', 'network-get-interfaces', 'get-osinfo', 'info']);
const READ_VERBS = new Set(['status', 'config', 'list', 'listsnapshot', 'pending', 'agent', 'exec-status']);

/** Whether a pct/qm call changes anything (exec counts as a read: markers and checks). */
export function isReadCall(argv: readonly string[]): boolean {
  if (argv[0] === 'pveversion') return true;
  // The API driver's calls: ['api', METHOD, PATH]; running a command in a guest counts as a read.
  if (argv[0] === 'api') return argv[1] === 'GET' || /\/agent\/(?:exec|ping)$/.test(argv[2] ?? '');
  if (argv[0] === 'pvesh') return argv[1] === 'get';
  const sub = argv[1] === 'guest' ? argv[2] : argv[1];
  if (sub === 'cmd') return AGENT_READS.has(argv[4] ?? '');
  return READ_VERBS.has(sub ?? '') || sub === 'exec';
}

export interface SessionInput {
  config: PhoenixConfig;
  driver: DriverChoice;
  env: Record<string, string | undefined>;
  /** Dry runs and plans: the driver refuses every mutating call. */
  readOnly: boolean;
  /** --driver api's options (the rest comes from the environment). */
  api?: import('./drivers/api.js').ApiSelectOptions;
  /** Where a one-line notice goes (the built-in simulator is in use); absent: not shown. */
  notice?: (line: string) => void;
}

/**
 * --driver api's settings: a flag, else its PHOENIX_API_* variable (api.ts reads those), else the
 * host file's `api` section.
 */
function apiSettings(input: SessionInput): import('./drivers/api.js').ApiSelectOptions {
  const fromFile = input.config.host.api ?? {};
  const env = input.env;
  const flags = Object.fromEntries(Object.entries(input.api ?? {}).filter(([, v]) => v !== undefined));
  return {
    ...(fromFile.url && !env.PHOENIX_API_URL ? { url: fromFile.url } : {}),
    ...(fromFile.fingerprint && !env.PHOENIX_API_FINGERPRINT && !env.PHOENIX_API_INSECURE ? { fingerprint: fromFile.fingerprint } : {}),
    // The home node: api.node, else the host file's `node` (the node it manages).
    ...((fromFile.node ?? input.config.host.node) && !env.PHOENIX_API_NODE ? { node: fromFile.node ?? input.config.host.node } : {}),
    ...(fromFile.nodeSsh && !env.PHOENIX_NODE_SSH ? { nodeSsh: fromFile.nodeSsh } : {}),
    ...(fromFile.tokenFile ? { tokenFile: fromFile.tokenFile } : {}),
    ...flags,
  };
}

export async function openSession(input: SessionInput): Promise<Session> {
  const { config, env } = input;
  const opts = { readOnly: input.readOnly };
  const stateDir = join(config.dir, '.phoenix');
  // Phoenix's own state (logs, markers, the simulator) is written there: never through a symlink
  // that could send those writes anywhere on the host.
  let st;
  try {
    st = lstatSync(stateDir);
  } catch {
    /* made on first use */
  }
  if (st?.isSymbolicLink()) {
    throw new UsageError(`${stateDir} is a symbolic link (to ${readlinkSync(stateDir)}); Phoenix does not follow it`, `remove it; Phoenix makes ${stateDir} as a directory on the next run`);
  }
  if (st && !st.isDirectory()) throw new UsageError(`${stateDir} is not a directory`, 'remove it; Phoenix makes it on the next run');
  const stats: CallStats = { reads: 0, mutations: 0, calls: [] };
  const onCall = (r: ExecResult) => {
    if (isReadCall(r.argv)) stats.reads++;
    else stats.mutations++;
    stats.calls.push({ argv: r.argv, exit: r.exitCode, ms: r.durationMs });
  };
  // Host-file writes (raw lxc lines, firewall files) are mutations too, though not pct/qm calls.
  const onHostFile = (f: { op: string; path: string; durationMs: number }) => {
    if (f.op === 'read' || f.op === 'readDir') stats.reads++;
    else stats.mutations++;
    stats.calls.push({ argv: ['hostfile', f.op, f.path], exit: 0, ms: f.durationMs });
  };
  // A task that succeeded with warnings: each warning is shown (it used to be dropped), secrets scrubbed.
  const scrubber = new SecretScrubber();
  for (const v of config.secretLiterals ?? []) scrubber.add(v);
  const onWarnings = (w: { argv: string[]; warnings: { count: number; lines: string[] } }) => {
    const what = w.argv[0] === 'api' ? `${w.argv[1]} ${w.argv[2]}` : w.argv.slice(0, 3).join(' ');
    const lines = w.warnings.lines.length ? w.warnings.lines : [`${w.warnings.count} warning(s)`];
    for (const l of lines) input.notice?.(scrubber.scrub(`warning: ${what}: ${l}`).replace(/[\x00-\x1f\x7f]/g, '?'));
  };
  const selected = await selectDriver({
    driver: input.driver,
    env,
    configDir: config.dir,
    readOnly: opts.readOnly,
    onCall,
    onHostFile,
    onWarnings,
    api: apiSettings(input),
    nodeSsh: { ...((input.api?.nodeSsh ?? env.PHOENIX_NODE_SSH) ? { home: input.api?.nodeSsh ?? env.PHOENIX_NODE_SSH } : {}), byNode: config.host.nodeSsh ?? {} },
    hostNode: config.host.node,
    hostNodes: config.host.nodes,
    ...(config.files.hypervisor ? { hostFile: config.files.hypervisor } : {}),
  });
  // .phoenix may have been made by the simulator (its state), or wider by an older version.
  if (existsSync(stateDir)) {
    try {
      chmodSync(stateDir, PRIVATE_DIR);
    } catch {
      /* not ours to change (read-only, another owner): reads still work */
    }
  }
  if (selected.notice) input.notice?.(selected.notice);
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const logDir = join(stateDir, 'logs', runId);
  if (!opts.readOnly) {
    try {
      privateDir(logDir, stateDir);
    } catch (e) {
      throw new UsageError(`cannot create the log directory ${logDir}: ${(e as Error).message}`, 'the config directory must be writable (Phoenix keeps .phoenix/ there)');
    }
  }
  return {
    config,
    driver: selected.driver,
    ...(selected.cluster ? { cluster: selected.cluster } : {}),
    driverKind: selected.kind,
    registry: new FeatureRegistry({ configDir: config.dir }),
    secrets: { env, scrubber, baseDir: config.dir },
    pending: fileRestarts(stateDir),
    unconfigured: fileRestarts(stateDir, 'unconfigured'),
    inflight: fileInFlight(stateDir),
    stateDir,
    runId,
    logDir,
    stats,
    leases: new Map(),
    lockDir: env.PHOENIX_LOCK_DIR || (selected.stateDir ? join(selected.stateDir, 'phoenix-locks') : '/run/lock/phoenix'),
  };
}

/**
 * Locks the guests a run acts on (one lock file per guest id), so two Phoenix runs never act on
 * the same guest: the second waits, saying who holds the lock, or with --no-wait exits 2.
 */
export interface LockOptions {
  env: Record<string, string | undefined>;
  /** false (--no-wait): fail with exit 2 naming the holder instead of waiting. */
  wait: boolean;
  signal?: AbortSignal;
  /** Told who holds the lock while waiting. */
  onWait: (holder: string) => void;
}

export async function lockGuests(s: Session, ids: readonly number[], command: string, o: LockOptions): Promise<() => void> {
  const { acquireKeyLocks, describeHolder, LockBusyError } = await import('../util/lockfile.js');
  try {
    // Phoenix's own lock directory (not one PHOENIX_LOCK_DIR names, which may be shared) is private.
    if (!o.env.PHOENIX_LOCK_DIR) privateDir(join(s.lockDir, 'guests'), s.lockDir);
    let waited = false;
    const release = await acquireKeyLocks(join(s.lockDir, 'guests'), ids, {
      wait: o.wait,
      command,
      signal: o.signal,
      onWait: (h) => {
        waited = true;
        o.onWait(describeHolder(h));
      },
    });
    // Another run changed the guests while this one waited: what was read before is not the host now.
    if (waited) s.cluster?.forgetInventory();
    return release;
  } catch (e) {
    // --no-wait and the guests are busy: exit 2 naming the holder, not an internal error.
    if (e instanceof LockBusyError) throw new UsageError(e.message, 'wait for that run to finish, or run again without --no-wait');
    const code = (e as NodeJS.ErrnoException).code;
    if (code && /^E(NOTDIR|ACCES|PERM|ROFS|NOENT|EXIST|NOSPC|DQUOT|IO|ISDIR|LOOP|NAMETOOLONG|MLINK)$/.test(code)) {
      throw new UsageError(`cannot use the lock directory ${join(s.lockDir, 'guests')}: ${(e as Error).message}`, 'set PHOENIX_LOCK_DIR to a writable directory');
    }
    throw e;
  }
}
