// The exact pct/qm argv for every driver method. Pure: no I/O, so each shape is a table test.
// Options are `--key value` in the params object's insertion order (stable, so logs and tests
// compare equal); booleans are written 1/0, never bare — a bare boolean would swallow the next
// positional argument (PVE's get_options gives booleans an optional value).

import { isSecretKey, REDACTED } from '../../util/redact.js';
import type { DownloadRequest, GuestType, PushOptions, PveParams } from '../types.js';

export type Argv = string[];

export const toolOf = (type: GuestType): 'pct' | 'qm' => (type === 'lxc' ? 'pct' : 'qm');

const OPTION_NAME = /^[a-z][a-z0-9_-]*$/i;

/** `--key value` pairs; keys are checked so a config value can never become a flag. */
/**
 * A positional argument: pct/qm would read one starting with `-` as an option, so such a value
 * is refused here rather than passed on to mean something else.
 */
export function word(value: string): string {
  if (value === '' || value.startsWith('-')) throw new TypeError(`refusing ${JSON.stringify(value)} as a pct/qm argument (empty, or read as an option)`);
  return value;
}

export function paramsToArgs(params: PveParams): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!OPTION_NAME.test(key)) throw new TypeError(`invalid Proxmox option name ${JSON.stringify(key)}`);
    out.push(`--${key}`, encodeValue(value));
  }
  return out;
}

export function encodeValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`invalid Proxmox option value ${v}`);
    return String(v);
  }
  return v;
}

/** Proxmox vmids are 100..999999999; anything else is a bug upstream, caught before argv. */
export function vmidArg(vmid: number): string {
  if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new TypeError(`invalid vmid ${vmid}`);
  return String(vmid);
}

const base = (type: GuestType, verb: string, vmid: number): Argv => [toolOf(type), verb, vmidArg(vmid)];

export const argv = {
  list: (type: GuestType): Argv => [toolOf(type), 'list'],
  /** --verbose: the one-line form has neither `template` nor `lock`. */
  status: (type: GuestType, vmid: number): Argv => [...base(type, 'status', vmid), '--verbose', '1'],
  config: (type: GuestType, vmid: number): Argv => base(type, 'config', vmid),
  listSnapshots: (type: GuestType, vmid: number): Argv => base(type, 'listsnapshot', vmid),
  pending: (type: GuestType, vmid: number): Argv => base(type, 'pending', vmid),

  create(type: GuestType, vmid: number, params: PveParams, ostemplate?: string): Argv {
    if (type === 'lxc') {
      if (!ostemplate) throw new TypeError('pct create needs an ostemplate');
      return [...base(type, 'create', vmid), ostemplate, ...paramsToArgs(params)];
    }
    return [...base(type, 'create', vmid), ...paramsToArgs(params)];
  },
  clone: (type: GuestType, source: number, vmid: number, params: PveParams): Argv => [...base(type, 'clone', source), vmidArg(vmid), ...paramsToArgs(params)],
  /** null when there is nothing to send (pct set with no option is an error on Proxmox). */
  set(type: GuestType, vmid: number, params: PveParams, del: string[] = []): Argv | null {
    const opts = paramsToArgs(params);
    if (del.length) {
      for (const k of del) if (!OPTION_NAME.test(k)) throw new TypeError(`invalid Proxmox option name ${JSON.stringify(k)}`);
      opts.push('--delete', del.join(','));
    }
    return opts.length ? [...base(type, 'set', vmid), ...opts] : null;
  },
  resize: (type: GuestType, vmid: number, disk: string, size: string): Argv => [...base(type, 'resize', vmid), disk, size],
  start: (type: GuestType, vmid: number): Argv => base(type, 'start', vmid),
  stop: (type: GuestType, vmid: number): Argv => base(type, 'stop', vmid),
  shutdown: (type: GuestType, vmid: number, timeoutSec?: number): Argv => [...base(type, 'shutdown', vmid), ...(timeoutSec === undefined ? [] : ['--timeout', String(Math.max(0, Math.round(timeoutSec)))])],
  reboot: (type: GuestType, vmid: number): Argv => base(type, 'reboot', vmid),
  destroy(type: GuestType, vmid: number, opts: { purge?: boolean; unreferenced?: boolean } = {}): Argv {
    const a = base(type, 'destroy', vmid);
    if (opts.purge !== false) a.push('--purge', '1');
    // qm keeps disks that are not in the config (e.g. a half-finished import) unless told.
    if (type === 'qemu' || opts.unreferenced) a.push('--destroy-unreferenced-disks', '1');
    return a;
  },
  template: (type: GuestType, vmid: number): Argv => base(type, 'template', vmid),
  unlock: (type: GuestType, vmid: number): Argv => base(type, 'unlock', vmid),
  snapshot: (type: GuestType, vmid: number, name: string, description?: string): Argv => [...base(type, 'snapshot', vmid), word(name), ...(description === undefined ? [] : ['--description', description])],
  delsnapshot: (type: GuestType, vmid: number, name: string): Argv => [...base(type, 'delsnapshot', vmid), word(name)],
  rollback: (type: GuestType, vmid: number, name: string): Argv => [...base(type, 'rollback', vmid), word(name)],

  importDisk: (vmid: number, source: string, storage: string, opts: { format?: string } = {}): Argv => ['qm', 'disk', 'import', vmidArg(vmid), word(source), word(storage), ...(opts.format ? ['--format', opts.format] : [])],
  cloudinitUpdate: (vmid: number): Argv => ['qm', 'cloudinit', 'update', vmidArg(vmid)],
  /**
   * `qm guest cmd ID ping`, not the `qm agent` alias qemu-server marks for removal (PVE/CLI/qm.pm);
   * `guest cmd` is in PVE 8.4 and 9.1 alike (POST /nodes/{node}/qemu/{vmid}/agent, command ping).
   */
  agentPing: (vmid: number): Argv => ['qm', 'guest', 'cmd', vmidArg(vmid), 'ping'],
  agentInterfaces: (vmid: number): Argv => ['qm', 'guest', 'cmd', vmidArg(vmid), 'network-get-interfaces'],
  lxcInterfaces: (node: string, vmid: number): Argv => ['pvesh', 'get', `/nodes/${word(node)}/lxc/${vmidArg(vmid)}/interfaces`, '--output-format', 'json'],
  pveversion: (): Argv => ['pveversion'],
  storageContent: (node: string, storage: string, content: string): Argv => ['pvesh', 'get', `/nodes/${word(node)}/storage/${word(storage)}/content`, '--content', word(content), '--output-format', 'json'],
  /** Every storage of the node: type, content, enabled/active, sizes (GET /nodes/{node}/storage). */
  storageStatus: (node: string): Argv => ['pvesh', 'get', `/nodes/${word(node)}/storage`, '--output-format', 'json'],
  /** The node's bridges, Linux and OVS (GET /nodes/{node}/network, type any_bridge). */
  bridges: (node: string): Argv => ['pvesh', 'get', `/nodes/${word(node)}/network`, '--type', 'any_bridge', '--output-format', 'json'],
  /** The node's status; Phoenix reads its memory (GET /nodes/{node}/status). */
  nodeStatus: (node: string): Argv => ['pvesh', 'get', `/nodes/${word(node)}/status`, '--output-format', 'json'],
  /** Every guest of the cluster with its status, in one call. */
  clusterResources: (): Argv => ['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'],
  downloadUrl: (node: string, r: DownloadRequest): Argv => [
    'pvesh',
    'create',
    `/nodes/${word(node)}/storage/${word(r.storage)}/download-url`,
    '--url',
    word(r.url),
    '--filename',
    word(r.filename),
    '--content',
    r.content,
    ...(r.checksum ? ['--checksum', word(r.checksum.value), '--checksum-algorithm', word(r.checksum.algorithm)] : []),
  ],

  /** pct exec: everything after `--` is the command, untouched. */
  lxcExec: (vmid: number, command: string[]): Argv => ['pct', 'exec', vmidArg(vmid), '--', ...command],
  /**
   * qm guest exec, asynchronous: `--synchronous 0` returns `{"pid": N}` at once (`--timeout 0`
   * would instead wait forever, and qm refuses --timeout together with --synchronous 0).
   */
  /** `waitSec`: qm waits that long for the command (synchronous) and answers its result; else it answers the pid at once. */
  qemuExecStart: (vmid: number, command: string[], passStdin: boolean, waitSec?: number): Argv => ['qm', 'guest', 'exec', vmidArg(vmid), ...(waitSec ? ['--synchronous', '1', '--timeout', String(waitSec)] : ['--synchronous', '0']), ...(passStdin ? ['--pass-stdin', '1'] : []), '--', ...command],
  qemuExecStatus: (vmid: number, pid: number): Argv => ['qm', 'guest', 'exec-status', vmidArg(vmid), String(pid)],

  lxcPush(vmid: number, localFile: string, guestPath: string, opts: PushOptions = {}): Argv {
    const a = ['pct', 'push', vmidArg(vmid), localFile, guestPath];
    if (opts.perms !== undefined) a.push('--perms', opts.perms);
    if (opts.user !== undefined) a.push('--user', String(opts.user));
    if (opts.group !== undefined) a.push('--group', String(opts.group));
    return a;
  },
} as const;

/**
 * The in-guest command that writes stdin to a file for a VM (the guest agent has no push).
 * Path, mode and owner travel as positional arguments ("$1".."$3"), never inside the script.
 */
export function qemuWriteFileCommand(guestPath: string, opts: PushOptions = {}): string[] {
  const perms = opts.perms ?? '0644';
  if (opts.user === undefined && opts.group === undefined) {
    return ['/bin/sh', '-c', 'cat > "$1" && chmod "$2" "$1"', 'sh', guestPath, perms];
  }
  const owner = `${opts.user ?? ''}${opts.group === undefined ? '' : `:${opts.group}`}`;
  return ['/bin/sh', '-c', 'cat > "$1" && chmod "$2" "$1" && chown "$3" "$1"', 'sh', guestPath, perms, owner];
}

/** Prefix a guest command with `env K=V ...` (both pct exec and the guest agent run argv as is). */
export function withEnv(command: string[], env?: Record<string, string>): string[] {
  if (!env || Object.keys(env).length === 0) return command;
  const pairs = Object.entries(env).map(([k, v]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`invalid environment variable name ${JSON.stringify(k)}`);
    return `${k}=${v}`;
  });
  return ['env', ...pairs, ...command];
}

/**
 * The argv for logs and messages: the value after a secret-looking option (`--cipassword`,
 * `--password`) is replaced. Calls still run with the real argv; only what is shown changes.
 */
export function redactArgv(a: readonly string[]): string[] {
  return a.map((w, i) => {
    const prev = i > 0 ? /^--?([A-Za-z][\w-]*)$/.exec(a[i - 1]) : null;
    return prev && isSecretKey(prev[1]) ? REDACTED : w;
  });
}
