// The one in-process entry of the simulator's pct/qm: parse and check the call, apply latency and
// faults, run it against the state directory, and report like the real tools (task errors on
// stderr with exit 255, warnings as `Task finished with N warning(s)!`). Also writes the
// PHOENIX_SIM_LOG call log and the conformance log of accepted calls.

import { appendFileSync } from 'node:fs';
import { parseFaultSpec } from '../faults/spec.js';
import { withFaults } from '../faults/inject.js';
import { SimError } from '../state/errors.js';
import { openState } from '../state/host.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../state/locks.js';
import { guestLockName } from '../state/paths.js';
import { locateGuest, readConf } from '../state/guests.js';
import type { SimCtx } from './context.js';
import { logAcceptedCall, snapshotState } from './conformance-log.js';
import { updateGuest } from './common.js';
import { guestFsAdapter } from './guestfs-adapter.js';
import { lxcAdapter } from './lxc-adapter.js';
import type { GuestFsPort } from './guestfs-port.js';
import { parseCall, type Call, type Tool } from './params.js';
import { runPct } from './pct.js';
import { runQm } from './qm.js';
import { runPvesh } from './pvesh.js';
import { paramErrorText } from './params.js';
import { usageLine } from '../../proxmox/schema/index.js';
import { NEW_IN_9, pveversionLine, releaseOf } from '../state/version.js';
import type { HostState } from '../state/types.js';

/** `pveversion`: one line (`--verbose` lists packages on a host; not simulated). */
function runPveversion(stateDir: string, args: string[]): string {
  // harness, not a Proxmox rule: only the one-line form is simulated.
  if (args.length) throw new SimError('USAGE: pveversion [--verbose]  (--verbose: not simulated)');
  return pveversionLine(releaseOf(openState(stateDir).host));
}

/** On an 8.4 host, options its API does not have are refused like any unknown option. */
function checkRelease(host: HostState, call: Call): void {
  if (releaseOf(host) !== '8.4') return;
  // PVE: pve-common src/PVE/JSONSchema.pm:validate ("property is not defined in schema", apidata-pve8.4.js)
  const unknown = (NEW_IN_9[`${call.tool} ${call.command}`] ?? []).filter((k) => call.params[k] !== undefined);
  if (unknown.length) {
    throw new SimError(
      paramErrorText(
        unknown.map((k) => ({ param: k, message: 'property is not defined in schema and the schema does not allow additional properties' })),
        usageLine(call.spec),
      ),
    );
  }
}

export interface SimResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SimOptions {
  stateDir: string;
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** Tests may replace the guest filesystem. */
  guestfs?: GuestFsPort;
}

const READ_ONLY = new Set(['list', 'status', 'config', 'pending', 'listsnapshot', 'guest exec-status', 'guest cmd']);
const EXEC_LIKE = new Set(['exec', 'guest exec', 'push', 'pull']);
const TASKS = new Set(['create', 'clone', 'start', 'stop', 'shutdown', 'reboot', 'destroy', 'snapshot', 'delsnapshot', 'rollback', 'resize', 'disk resize', 'template', 'disk import']);
const LOCK_WORDS: Record<Tool, Record<string, string>> = {
  pct: { create: 'create', clone: 'create', snapshot: 'snapshot', delsnapshot: 'snapshot-delete', rollback: 'rollback', resize: 'disk' },
  qm: { create: 'create', clone: 'clone', snapshot: 'snapshot', delsnapshot: 'snapshot-delete', rollback: 'rollback' },
};

/** PHOENIX_SIM_LATENCY=create=4000,clone=6000,start=1500,exec=300,default=150[,total=1] */
export function parseLatency(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    const n = Number(v);
    if (k && Number.isFinite(n) && n >= 0) out[k.trim()] = n;
  }
  return out;
}

/** The latency key of a call: `exec` for anything running in a guest, the verb otherwise. */
function latencyKey(call: Call): string {
  if (EXEC_LIKE.has(call.command)) return 'exec';
  if (READ_ONLY.has(call.command)) return 'default';
  return { 'disk import': 'import', 'disk resize': 'resize', 'cloudinit update': 'cloudinit' }[call.command] ?? call.command;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

function appendLine(file: string, line: string): void {
  try {
    appendFileSync(file, `${line}\n`);
  } catch {
    /* logging must never fail a call */
  }
}

/** Commands whose task allocates, frees or clones volumes under the storage's cluster lock. */
// PVE: pve-storage src/PVE/Storage.pm:vdisk_alloc
const STORAGE_LOCKING = new Set(['create', 'clone', 'set', 'destroy', 'template', 'disk import', 'importdisk']);

/** The first shared storage a call's task would lock (its parameters, else the guest's disks). */
function sharedStorageOf(paths: SimCtx['paths'], host: SimCtx['host'], call: Call): string | undefined {
  if (!STORAGE_LOCKING.has(call.command)) return undefined;
  const shared = new Set(host.storages.filter((s) => s.shared || s.type === 'nfs').map((s) => s.id));
  if (!shared.size) return undefined;
  // `--storage X`, or a new volume `X:<size>` (an existing volume `X:vm-...` allocates nothing).
  const named = Object.entries(call.params).map(([k, v]) => (k === 'storage' ? String(v) : /^([\w.-]+):\d+(?:\.\d+)?(?:,|$)/.exec(String(v))?.[1]));
  const fromParams = named.find((id) => id !== undefined && shared.has(id));
  if (fromParams || call.command === 'create' || call.command === 'set') return fromParams;
  const ref = locateGuest(paths, host, Number(call.params.vmid));
  if (!ref) return undefined;
  const disks = Object.values(readConf(ref).options).map((v) => /^([\w.-]+):/.exec(v)?.[1]);
  return disks.find((id) => id !== undefined && shared.has(id));
}

export async function runSim(argv: string[], opts: SimOptions): Promise<SimResult> {
  const env = opts.env ?? process.env;
  const start = Date.now();
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  try {
    const tool = argv[0];
    if (tool === 'pveversion') stdout += runPveversion(opts.stateDir, argv.slice(1));
    else if (tool === 'pvesh') {
      const { paths, host } = openState(opts.stateDir, env.PHOENIX_SIM_NODE);
      const lockTimeoutMs = Number(env.PHOENIX_SIM_LOCK_TIMEOUT_MS ?? DEFAULT_LOCK_TIMEOUT_MS);
      // Injected (fault, not a rule): with pmxcfs down the cluster's status is unreadable too.
      // PVE: pve-cluster src/PVE/Cluster.pm:$ipcc_send_rec (the text of a failed pmxcfs request)
      if (parseFaultSpec(env.PHOENIX_SIM_FAULTS)?.fail?.includes('status') && argv[1] === 'get' && (argv[2] ?? '').startsWith('/cluster/resources')) {
        throw new SimError('ipcc_send_rec[1] failed: Connection refused');
      }
      await runPvesh({ paths, host, lockTimeoutMs }, argv.slice(1), { out: (t) => (stdout += t) });
    } else await runPveTool(tool);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    stderr += msg.endsWith('\n') ? msg : `${msg}\n`;
    exitCode = e instanceof SimError ? e.exitCode : 255;
  }
  if (env.PHOENIX_SIM_LOG) appendLine(env.PHOENIX_SIM_LOG, JSON.stringify({ argv, start, end: Date.now(), exit: exitCode, ...(env.PHOENIX_SIM_NODE ? { node: env.PHOENIX_SIM_NODE } : {}) }));
  return { exitCode, stdout, stderr };

  async function runPveTool(tool: string | undefined): Promise<void> {
    // harness, not a Proxmox rule: the tools the simulator has.
    if (tool !== 'pct' && tool !== 'qm') throw new SimError(`simulator: unknown tool '${tool ?? ''}' (expected pct, qm, pvesh or pveversion)`);
    const call = parseCall(tool, argv.slice(1));
    const latency = parseLatency(env.PHOENIX_SIM_LATENCY);
    const { paths, host } = openState(opts.stateDir, env.PHOENIX_SIM_NODE);
    checkRelease(host, call);
    const ctx: SimCtx = {
      paths,
      host,
      env,
      stdin: opts.stdin,
      out: (s) => {
        stdout += s;
      },
      err: (s) => {
        stderr += s;
      },
      warnings: 0,
      // PHOENIX_SIM_BACKEND=lxc: each CT a real LXC container (src/sim/lxc); the default: directories and a sandbox.
      guestfs: opts.guestfs ?? ((env.PHOENIX_SIM_BACKEND ?? process.env.PHOENIX_SIM_BACKEND) === 'lxc' ? lxcAdapter(paths.root) : guestFsAdapter(paths.root)),
      now: () => Date.now(),
      bootMs: latency.boot ?? 0,
      lockTimeoutMs: Number(env.PHOENIX_SIM_LOCK_TIMEOUT_MS ?? DEFAULT_LOCK_TIMEOUT_MS),
    };
    // The modelled time of the call: slept before it (default), or with `total=1` the call takes
    // that long in all, its own work included (the rest is slept after it), as on a real host
    // where the latency is the work. The benchmark uses total=1 so it times Phoenix, not us.
    const modelled = latency[latencyKey(call)] ?? latency.default ?? 0;
    const callStart = Date.now();
    if (!latency.total) await sleep(modelled);
    const exec = () => (tool === 'pct' ? runPct(ctx, call) : runQm(ctx, call));
    const faults = parseFaultSpec(env.PHOENIX_SIM_FAULTS);
    // Injected: the cluster filesystem is unreachable for this sub-command (fault, not a rule).
    // PVE: pve-cluster src/PVE/Cluster.pm:$ipcc_send_rec (fault fail=CMD: pmxcfs unreachable, the state untouched)
    if (faults?.fail?.includes(call.command)) throw new SimError('ipcc_send_rec[1] failed: Connection refused');
    if (READ_ONLY.has(call.command) || EXEC_LIKE.has(call.command)) {
      exitCode = await exec();
    } else {
      const kind = tool === 'pct' ? 'lxc' : 'qemu';
      const target = Number(call.command === 'clone' ? call.params.newid : call.params.vmid);
      const r = await withFaults(
        faults,
        {
          stateDir: paths.root,
          lockDir: paths.lockDir,
          lockTimeoutMs: ctx.lockTimeoutMs,
          typeWord: tool === 'pct' ? 'CT' : 'VM',
          lockWord: LOCK_WORDS[tool][call.command],
          guestLockDisplay: guestLockName(kind, target).display,
          isTask: TASKS.has(call.command),
          sharedStorage: sharedStorageOf(paths, host, call),
          taskErrorPrefix: call.command === 'create' ? `unable to create ${tool === 'pct' ? 'CT' : 'VM'} ${target} - ` : call.command === 'clone' ? 'clone failed: ' : undefined,
          err: ctx.err,
          markLocked: async (word) => {
            if (locateGuest(paths, host, target)) {
              await updateGuest(ctx, kind, target, (conf) => {
                conf.options.lock = word;
              });
            }
            // A killed `pct clone` never reaches its remove_lock: the source keeps `lock: disk`.
            // PVE: pve-container src/PVE/API2/LXC.pm:clone_vm
            const source = Number(call.params.vmid);
            if (tool === 'pct' && call.command === 'clone' && locateGuest(paths, host, source)) {
              await updateGuest(ctx, kind, source, (conf) => {
                conf.options.lock = 'disk';
              });
            }
          },
        },
        exec,
      );
      exitCode = r.code;
      if (r.warnings) {
        stdout += 'WARN: simulated task warning (PHOENIX_SIM_FAULTS)\n';
        ctx.warnings += r.warnings;
      }
    }
    // PVE: pve-common src/PVE/RESTEnvironment.pm:check_worker (the CLI task summary)
    if (ctx.warnings > 0) stderr += `Task finished with ${ctx.warnings} warning(s)!\n`;
    // Test infrastructure: only calls the simulator accepted, with the state they were made in
    // (honoured from the process env too, as in-process callers pass a narrow env).
    const conformanceDir = env.PHOENIX_CONFORMANCE_DIR ?? process.env.PHOENIX_CONFORMANCE_DIR;
    // A clone for another node is left out: the oracle models a one-node cluster (its pmxcfs stub
    // knows no other node, so check_node_exists would refuse any --target).
    const crossNode = call.params.target !== undefined && call.params.target !== host.node && call.params.target !== 'localhost';
    if (conformanceDir && exitCode === 0 && !crossNode) {
      logAcceptedCall(conformanceDir, [tool, ...call.words], paths, host);
      if (!READ_ONLY.has(call.command) && !EXEC_LIKE.has(call.command)) snapshotState(conformanceDir, paths, host);
    }
    if (latency.total) await sleep(modelled - (Date.now() - callStart));
  }
}
