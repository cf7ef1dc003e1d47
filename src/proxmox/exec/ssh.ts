// The SSH transport: the same Exec as the local one, running the argv on a Proxmox node through the
// OpenSSH client (the user's ssh_config, agent, known_hosts and ProxyJump apply). Connections are
// reused (ControlMaster=auto, ControlPersist=60, one socket per destination under a private
// directory), host keys are checked (StrictHostKeyChecking=yes: an unknown or changed key refuses
// the connection; add the node to known_hosts first), and it never prompts (BatchMode=yes). A node
// that does not answer fails after 20 s (ConnectTimeout), not after the kernel's ~2 min of SYNs.
//
// ssh hands the remote shell ONE command string, which it parses again: every argument is quoted
// for that shell by shQuote (tested against sh with hostile strings) and nothing is ever built
// from config values otherwise. Fixed helper scripts below take their values as "$1", "$2", ...
//
// Also the node's /etc/pve (HostFiles) and the staging of a local file for `pct push`, for the API
// driver's NodeAccess.

import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join, normalize, posix } from 'node:path';
import type { NodeAccess } from '../api/node-access.js';
import type { HostFiles } from '../hostfiles/types.js';
import { PveCommandError } from '../errors.js';
import { localExec } from './local.js';
import { remoteStaging } from './staging.js';
import type { Exec, ExecRequest } from './types.js';

/** One argument for a POSIX shell: single-quoted, a `'` written as `'\''`. */
export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('an argument cannot contain a NUL byte');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The remote command line for an argv: each argument quoted, joined by spaces. */
export function remoteCommand(argv: readonly string[], env?: Record<string, string>): string {
  if (argv.length === 0) throw new TypeError('exec: empty argv');
  const pre: string[] = [];
  if (env && Object.keys(env).length) {
    pre.push('env');
    for (const [k, v] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`invalid environment variable name ${JSON.stringify(k)}`);
      pre.push(`${k}=${v}`);
    }
  }
  return [...pre, ...argv].map(shQuote).join(' ');
}

/** `[user@]host`: no option-like or shell-special destination ever reaches ssh's argv. */
export function checkDestination(dest: string): string {
  if (!/^(?:[A-Za-z0-9._-]+@)?(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\])$/.test(dest)) {
    throw new TypeError(`${JSON.stringify(dest)} is not an SSH destination of the form [user@]host (a port or jump host goes in ~/.ssh/config)`);
  }
  return dest;
}

export interface SshOptions {
  destination: string;
  env?: Record<string, string | undefined>;
  /** The ssh binary (tests put a fake one on PATH). */
  ssh?: string;
  /** Where the ControlMaster sockets live (default /tmp/phoenix-ssh-<uid>, 0700). */
  controlDir?: string;
  /** The local Exec that spawns ssh (default: localExec with the run's environment). */
  local?: Exec;
}

function privateControlDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${dir} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  if (st.mode & 0o077) throw new Error(`${dir} is readable by others (mode ${(st.mode & 0o777).toString(8)}); Phoenix keeps its SSH control sockets private`);
  return dir;
}

/** ssh's argv for one remote command (exported for the tests). */
export function sshArgv(o: { destination: string; controlDir: string; ssh?: string }, command: string): string[] {
  return [o.ssh ?? 'ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ControlMaster=auto', '-o', 'ControlPersist=60', '-o', `ControlPath=${o.controlDir}/%C`, '-o', 'ServerAliveInterval=15', '-o', 'ConnectTimeout=20', '-T', '--', checkDestination(o.destination), command];
}

/** What OpenSSH itself prints when it could not run the command (the remote side never ran). */
const SSH_FAILURE = /^(?:ssh: |Host key verification failed|Permission denied \(|No .* host key is known|kex_exchange_identification|Connection (?:refused|timed out|closed by)|@+$|WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED)/;

export function sshExec(o: SshOptions): Exec {
  checkDestination(o.destination);
  const env = Object.fromEntries(Object.entries(o.env ?? process.env).filter((e): e is [string, string] => e[1] !== undefined));
  const local: Exec = o.local ?? ((req) => localExec({ ...req, env: { ...env, ...req.env } }));
  let dir: string | undefined;
  return async (req: ExecRequest) => {
    dir ??= privateControlDir(o.controlDir ?? env.PHOENIX_SSH_CONTROL_DIR ?? join(tmpdir(), `phoenix-ssh-${userInfo().uid}`));
    const argv = sshArgv({ destination: o.destination, controlDir: dir, ssh: o.ssh }, remoteCommand(req.argv, req.env));
    // The request's env is for the remote command (prefixed above), not for the local ssh.
    const r = await local({ argv, input: req.input, timeoutMs: req.timeoutMs, signal: req.signal });
    // ssh's own failure (exit 255 and its message) is not the remote command's result: thrown, so a
    // host key that does not match never reads as "the health check exited 255".
    const line = r.stderr.split('\n').find((l) => SSH_FAILURE.test(l));
    if (r.exitCode === 255 && line) throw new PveCommandError({ ...r, argv: req.argv }, `ssh ${o.destination}: ${line.trim()}`);
    return { ...r, argv: req.argv };
  };
}

const ETC_PVE = '/etc/pve';

function etcPath(root: string, p: string): string {
  const rel = normalize(p);
  if (isAbsolute(rel) || rel === '..' || rel.startsWith('../')) throw new Error(`host file path escapes ${root}: ${p}`);
  return posix.join(root, rel);
}

// Fixed scripts; values only ever as positional parameters.
const READ = 'if [ -e "$1" ]; then exec cat -- "$1"; else exit 3; fi';
const WRITE = 'd=$(dirname -- "$1") && mkdir -p -- "$d" && t="$1.phoenix-tmp.$$" && cat > "$t" && mv -f -- "$t" "$1"';
// name NUL content NUL per file; a file removed between the glob and the cat is skipped.
const READ_DIR = 'cd -- "$1" 2>/dev/null || exit 3; for f in *"$2"; do [ -f "$f" ] || continue; c=$(cat -- "$f" 2>/dev/null; printf x) || continue; printf "%s\\0%s\\0" "$f" "${c%x}"; done';

const fail = (what: string, r: { exitCode: number; stderr: string }): Error => new Error(`${what}: ${r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`}`);

/** The node's /etc/pve over an Exec (atomic writes: a temp file, then rename, like pmxcfs users do). */
export function remoteHostFiles(exec: Exec, where: string, root = ETC_PVE): HostFiles {
  return {
    root: `${where}:${root}`,
    async read(p) {
      const path = etcPath(root, p);
      const r = await exec({ argv: ['sh', '-c', READ, 'sh', path] });
      if (r.exitCode === 3) return null;
      if (r.exitCode !== 0) throw fail(`cannot read ${where}:${path}`, r);
      return r.stdout;
    },
    async readDir(dir, suffix) {
      const path = etcPath(root, dir);
      if (suffix.includes('/')) throw new Error(`invalid suffix ${JSON.stringify(suffix)}`);
      const r = await exec({ argv: ['sh', '-c', READ_DIR, 'sh', path, suffix] });
      if (r.exitCode === 3) return null;
      if (r.exitCode !== 0) throw fail(`cannot read ${where}:${path}`, r);
      const parts = r.stdout.split('\0');
      const out = new Map<string, string>();
      for (let i = 0; i + 1 < parts.length; i += 2) out.set(parts[i], parts[i + 1]);
      return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },
    async write(p, content) {
      const path = etcPath(root, p);
      const r = await exec({ argv: ['sh', '-c', WRITE, 'sh', path], input: content });
      if (r.exitCode !== 0) throw fail(`cannot write ${where}:${path}`, r);
    },
    async remove(p) {
      const path = etcPath(root, p);
      const r = await exec({ argv: ['rm', '-f', '--', path] });
      if (r.exitCode !== 0) throw fail(`cannot remove ${where}:${path}`, r);
    },
  };
}

export function sshNodeAccess(o: SshOptions): NodeAccess {
  const exec = sshExec(o);
  return { exec, hostFiles: remoteHostFiles(exec, o.destination), stage: remoteStaging(exec, o.destination).file };
}

// Fixed: is pct there, and the node's name (Proxmox's nodename: uname's, up to the first dot).
const PROBE = 'command -v pct >/dev/null 2>&1 || { echo "pct: not found on this host" >&2; exit 127; }; n=$(uname -n) && printf %s "${n%%.*}"';

/**
 * One call before any other on a node reached over an Exec: its node name, or why it is not a
 * Proxmox VE node Phoenix can drive ('no-pct'). ssh's own failures (unreachable, host key) throw.
 */
export async function probeNode(exec: Exec): Promise<{ node: string } | { problem: string; noPct: boolean }> {
  const r = await exec({ argv: ['sh', '-c', PROBE, 'sh'] });
  const node = r.stdout.trim();
  if (r.exitCode === 0 && /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(node)) return { node };
  if (r.exitCode === 127) return { problem: 'no `pct` on its PATH (is it a Proxmox VE node? Phoenix logs in as root there, as pct and qm need)', noPct: true };
  return { problem: r.stderr.trim().split('\n')[0] || `its name (uname -n) came back as ${JSON.stringify(node)}, exit code ${r.exitCode}`, noPct: false };
}
