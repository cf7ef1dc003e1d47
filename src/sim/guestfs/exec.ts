// Stand-in: a command run in the guest's sandbox (pct exec = lxc-attach, qm guest exec = qemu-ga on Proxmox).
// Run one command inside a guest's sandbox. argv is an array end to end (no shell strings); the
// process is spawned detached and its whole group is killed on timeout or abort. Killing bwrap is
// enough to end everything inside: bwrap's child is pid 1 of the guest's pid namespace and dies
// with bwrap (--die-with-parent), and the kernel then kills every process in that namespace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, symlink, lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { guestRootDir, GuestFsError } from './paths.js';
import { GUEST_ID_BASE, GUEST_ID_COUNT } from './owner.js';
import { GUEST_PATH, hostArgv, hostTopLevel, idGated, roBinds, sandboxTools } from './sandbox.js';
import { chownGuest } from './owner.js';
import { TailBuffer } from '../../util/tail-buffer.js';

const SIM_OUTPUT_CAP = 64 * 1024 * 1024;

export interface RunInGuestOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
  /** Defaults to the guest's /etc/hostname. */
  hostname?: string;
  signal?: AbortSignal;
}

export interface RunInGuestResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
}

/** Exit code reported when the command was killed for exceeding timeoutMs (as coreutils timeout). */
export const TIMEOUT_EXIT = 124;
/** Exit code reported when the caller's AbortSignal ended the command (as for SIGINT). */
export const ABORT_EXIT = 130;

/**
 * The merged-/usr symlinks must exist in the root (a guest may have removed them), and every path
 * the sandbox binds from or over must be a real directory or file there: a guest that made one a
 * symlink (say /usr/local → /) would otherwise have the host path it names bound into its root.
 */
async function prepareRoot(root: string): Promise<void> {
  for (const [name, target] of hostTopLevel().symlinks) {
    const p = join(root, name);
    try {
      await lstat(p);
    } catch {
      await symlink(target, p);
    }
  }
  const dirs = [
    'usr',
    'usr/local',
    'proc',
    'dev',
    ...roBinds()
      .filter((p) => !p.endsWith('.cache'))
      .map((p) => p.slice(1)),
  ];
  const files = roBinds()
    .filter((p) => p.endsWith('.cache'))
    .map((p) => p.slice(1));
  for (const [rel, dir] of [...dirs.map((d) => [d, true] as const), ...files.map((f) => [f, false] as const)]) {
    const p = join(root, rel);
    const st = await lstat(p).catch(() => undefined);
    if (!st) {
      if (dir) await mkdir(p, { recursive: true });
      else await writeFile(p, '', { flag: 'wx' });
      await chownGuest(p);
    } else if (dir ? !st.isDirectory() : !st.isFile()) {
      throw new GuestFsError(`guest root: /${rel} must be a ${dir ? 'directory' : 'file'} (the sandbox binds over it)`, 'EINVAL');
    }
  }
}

async function guestHostname(root: string): Promise<string> {
  try {
    const h = (await readFile(join(root, 'etc/hostname'), 'utf8')).trim();
    if (h) return h;
  } catch {
    /* no hostname yet */
  }
  return 'localhost';
}

export async function runInGuest(stateDir: string, vmid: number | string, argv: string[], opts: RunInGuestOptions = {}): Promise<RunInGuestResult> {
  if (argv.length === 0) throw new GuestFsError('runInGuest: empty argv', 'EINVAL');
  const root = guestRootDir(stateDir, vmid);
  if (!existsSync(join(root, 'usr/local'))) throw new GuestFsError(`guest ${vmid} has no root filesystem`, 'ENOENT');
  const tools = sandboxTools();
  if (tools.kind === 'unshare' && argv[0].includes('=')) {
    throw new GuestFsError(`runInGuest: a command named '${argv[0]}' cannot run in unshare's jail (env would take it for a variable)`, 'EINVAL');
  }
  await prepareRoot(root);
  const env = {
    PATH: GUEST_PATH,
    HOME: '/root',
    USER: 'root',
    LOGNAME: 'root',
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    TERM: 'dumb',
    ...opts.env,
  };
  const hostname = opts.hostname ?? (await guestHostname(root));
  const full = hostArgv(tools, { root, argv, hostname, cwd: opts.cwd ?? '/', env });
  return spawnSandbox(full, idGated(tools), opts);
}

function spawnSandbox(full: string[], mapped: boolean, opts: RunInGuestOptions): Promise<RunInGuestResult> {
  return new Promise((resolve, reject) => {
    // fd 3 is the id-map handshake in mapped mode (see hostArgv in sandbox.ts).
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe', mapped ? 'pipe' : 'ignore'];
    const child = spawn(full[0], full.slice(1), { stdio, detached: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    // Bounded like a pipe the reader drains: the last 64 MiB of each stream are kept (a guest
    // printing gigabytes would otherwise exhaust the simulator's memory).
    const out = new TailBuffer(SIM_OUTPUT_CAP, 'simulator');
    const err = new TailBuffer(SIM_OUTPUT_CAP, 'simulator');
    let timedOut = false;
    let aborted = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), killGroup()), opts.timeoutMs) : undefined;
    const onAbort = () => ((aborted = true), killGroup());
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.stdin!.on('error', () => {}); // the command may exit without reading its input
    child.stdin!.end(opts.input ?? '');
    if (mapped) {
      gateIdMaps(child.pid!, child.stdio[3] as unknown as NodeJS.ReadWriteStream, (why) => {
        err.push(Buffer.from(`simulator: could not map guest ids (${why}); command not run\n`));
        killGroup();
      });
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      let stderr = err.toString();
      let exitCode = code ?? 128 + (sig ? (osConstants.signals[sig] ?? 9) : 0);
      if (timedOut) {
        exitCode = TIMEOUT_EXIT;
        stderr += `simulator: command timed out after ${opts.timeoutMs} ms and was killed\n`;
      } else if (aborted) exitCode = ABORT_EXIT;
      resolve({ exitCode, stdout: out.toString(), stderr, timedOut, aborted });
    });
  });
}

/** Parent half of the fd-3 handshake (see sandbox.ts): write the id maps once the child has unshared. */
function gateIdMaps(pid: number, gate: NodeJS.ReadWriteStream, fail: (why: string) => void): void {
  gate.on('error', () => {});
  gate.once('data', () => {
    const map = `0 ${GUEST_ID_BASE} ${GUEST_ID_COUNT}\n`;
    Promise.all([writeFile(`/proc/${pid}/uid_map`, map), writeFile(`/proc/${pid}/gid_map`, map)]).then(
      () => gate.end('\n'),
      (e: Error) => fail(e.message), // never run the command unmapped
    );
  });
}
