// Stand-in: bubblewrap in place of an LXC container / a QEMU VM (unprivileged-CT-like id map, see owner.ts).
// The bubblewrap sandbox a guest command runs in: the guest's root directory as "/" (writable), the
// host's /usr read-only with the guest's own /usr/local bound over it, fresh /proc and /dev, no
// network (only loopback), its own pid/ipc/uts namespaces, a clean environment.
//
// As root we do NOT let bwrap run as the host's root: with bwrap's default 0→0 user mapping the guest
// keeps kernel uid 0 and can write host sysctls under /proc/sys (measured). Instead `unshare --user
// --keep-caps` enters a new user namespace, we write the 0..65535 → 100000.. map from outside (fd 3
// handshake, below in exec.ts), and `setpriv` becomes uid 0 inside before exec'ing bwrap.
import { accessSync, constants, existsSync, lstatSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { mappedIds } from './owner.js';
import { UNSHARE_TOOLS, unshareJailArgv } from './unshare.js';

const HOST_USR_ETC = ['/etc/alternatives', '/etc/ld.so.cache'];

export const GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const BWRAP_MISSING = 'simulator: guest exec needs bubblewrap (apt-get install bubblewrap)';

/** Thrown when guest commands cannot run isolated here; never falls back to running on the host. */
export class GuestExecUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GuestExecUnavailableError';
  }
}

function which(name: string, dirs: string[]): string | undefined {
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export type SandboxKind = 'bwrap' | 'unshare';

export interface SandboxTools {
  kind: SandboxKind;
  /** Present when kind is 'bwrap'. */
  bwrap?: string;
  /** unshare, setpriv, mount: always for 'unshare'; for 'bwrap' only in mapped (root) mode. */
  unshare?: string;
  setpriv?: string;
  mount?: string;
}

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * Find the host tools the sandbox needs, or say what to install. bubblewrap (looked up in `dirs`,
 * the PATH) is preferred; without it (or with PHOENIX_SANDBOX=unshare) util-linux's unshare builds
 * the same jail (unshare.ts) from the system dirs its script runs with.
 */
export function findSandboxTools(dirs: string[], mapped = mappedIds(), choice = sandboxChoice(), sysDirs = SYSTEM_DIRS): SandboxTools {
  const bwrap = choice === 'unshare' ? undefined : which('bwrap', dirs);
  if (!bwrap && choice === 'bwrap') throw new GuestExecUnavailableError(BWRAP_MISSING);
  if (!bwrap) {
    const unshare = which('unshare', sysDirs);
    const missing = ['unshare', ...UNSHARE_TOOLS].filter((t) => !which(t, sysDirs));
    if (!which('ip', sysDirs) && !which('perl', sysDirs)) missing.push('ip or perl');
    if (!unshare || missing.length) {
      throw new GuestExecUnavailableError(`simulator: guest exec needs bubblewrap (apt-get install bubblewrap), or util-linux's unshare with ${missing.join(', ')} in ${sysDirs.join(':')}`);
    }
    return { kind: 'unshare', unshare, setpriv: which('setpriv', sysDirs), mount: which('mount', sysDirs) };
  }
  if (!mapped) return { kind: 'bwrap', bwrap };
  const unshare = which('unshare', [...dirs, ...sysDirs]);
  const setpriv = which('setpriv', [...dirs, ...sysDirs]);
  const mount = which('mount', [...dirs, ...sysDirs]);
  if (!unshare || !setpriv || !mount) {
    throw new GuestExecUnavailableError('simulator: guest exec as root needs unshare, setpriv and mount (apt-get install util-linux mount)');
  }
  return { kind: 'bwrap', bwrap, unshare, setpriv, mount };
}

/** PHOENIX_SANDBOX=bwrap|unshare forces one sandbox; anything else (or unset) is auto. */
function sandboxChoice(): SandboxKind | 'auto' {
  const v = process.env.PHOENIX_SANDBOX;
  return v === 'bwrap' || v === 'unshare' ? v : 'auto';
}

const cached = new Map<string, SandboxTools>();

/** The sandbox tools (bubblewrap from PATH), looked up once per process, PATH and choice. */
export function sandboxTools(): SandboxTools {
  const key = `${sandboxChoice()}\0${process.env.PATH ?? ''}`;
  let t = cached.get(key);
  if (!t) {
    t = findSandboxTools((process.env.PATH ?? '').split(delimiter));
    cached.set(key, t);
  }
  return t;
}

/**
 * Host top-level dirs that are merged-/usr symlinks (Debian: /bin → usr/bin) are recreated as the
 * same symlinks in the guest root; real directories (older layouts) are bound read-only instead.
 */
export function hostTopLevel(): { symlinks: [string, string][]; dirs: string[] } {
  const symlinks: [string, string][] = [];
  const dirs: string[] = [];
  for (const d of ['bin', 'sbin', 'lib', 'lib64', 'lib32', 'libx32']) {
    try {
      const st = lstatSync(`/${d}`);
      if (st.isSymbolicLink()) symlinks.push([d, `usr/${d}`]);
      else if (st.isDirectory()) dirs.push(d);
    } catch {
      /* absent on this host */
    }
  }
  return { symlinks, dirs };
}

/** An existing host dir, not used by bwrap itself, to bind the guest root over in a private mount ns. */
function stageDir(): string {
  return ['/mnt', '/media', '/srv', '/opt', '/run'].find((d) => existsSync(d)) ?? '/mnt';
}

/**
 * In mapped mode bwrap runs as host uid 100000, which cannot walk a path through a parent that
 * others may not enter (/root, a mkdtemp dir); such a root is first bound at stageDir() by host
 * root in a private mount namespace (see hostArgv). Roots others can reach skip that step.
 */
export function needsStage(root: string): boolean {
  if (!mappedIds()) return false;
  for (let d = dirname(root); ; d = dirname(d)) {
    try {
      if ((statSync(d).mode & 0o001) === 0) return true;
    } catch {
      return true;
    }
    if (d === '/') return false;
  }
}

export interface SandboxSpec {
  root: string;
  argv: string[];
  hostname: string;
  cwd: string;
  env: Record<string, string>;
}

/** bwrap's own arguments for one command (argv stays an array end to end). */
export function bwrapArgs(spec: SandboxSpec): string[] {
  const ns = mappedIds()
    ? // Already uid 0 in our own user namespace: bwrap sets up mounts itself, no nested userns.
      ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try']
    : ['--unshare-all', '--uid', '0', '--gid', '0'];
  const src = needsStage(spec.root) ? stageDir() : spec.root;
  const args = [...ns, '--die-with-parent', '--new-session', '--bind', src, '/'];
  args.push('--ro-bind', '/usr', '/usr', '--bind', join(src, 'usr/local'), '/usr/local');
  for (const d of hostTopLevel().dirs) args.push('--ro-bind', `/${d}`, `/${d}`);
  // The /etc files that describe the host's /usr (alternatives symlinks such as awk → mawk, the
  // dynamic linker's cache) come with it, read-only, so the host's programs work in the guest.
  for (const p of HOST_USR_ETC) if (existsSync(p)) args.push('--ro-bind', p, p);
  args.push('--proc', '/proc', '--dev', '/dev', '--hostname', spec.hostname, '--chdir', spec.cwd, '--clearenv');
  for (const [k, v] of Object.entries(spec.env)) args.push('--setenv', k, v);
  args.push('--', ...spec.argv);
  return args;
}

/** Whether hostArgv's command waits on fd 3 for the parent to write its id maps (mapped mode). */
export const idGated = (tools: SandboxTools): boolean => mappedIds() && !!tools.unshare && !!tools.setpriv && !!tools.mount;

/** The guest's mount points the sandboxes bind over (created when missing, see prepareRoot in exec.ts). */
export function roBinds(): string[] {
  return [...hostTopLevel().dirs.map((d) => `/${d}`), ...HOST_USR_ETC.filter((p) => existsSync(p))];
}

/**
 * The full host argv. In mapped mode one process execs through three constant shell steps, every
 * value passed as an argument ("$0", "$@"), never interpolated:
 *  1. still host root, in a private mount namespace: bind the guest root over the stage dir;
 *  2. in a new user namespace: wait on fd 3 until the parent has written the id maps;
 *  3. setpriv: become uid 0 of the namespace (host uid 100000) and exec bwrap, or unshare's jail.
 * Unmapped (an ordinary user), the jail is bwrap alone, or unshare with its own one-id user namespace.
 */
export function hostArgv(tools: SandboxTools, spec: SandboxSpec): string[] {
  const staged = needsStage(spec.root);
  const jail = (userns: 'own' | 'map-root') => unshareJailArgv({ unshare: tools.unshare!, setpriv: tools.setpriv! }, { src: staged ? stageDir() : spec.root, hostname: spec.hostname, cwd: spec.cwd, env: spec.env, argv: spec.argv, roBinds: roBinds() }, userns);
  const inner = tools.kind === 'bwrap' ? [tools.bwrap!, ...bwrapArgs(spec)] : mappedIds() ? jail('own') : jail('map-root');
  const { unshare, setpriv, mount } = tools;
  if (!idGated(tools) || !unshare || !setpriv || !mount) return inner;
  const stage = '"$0" --bind -- "$1" "$2" && shift 2 && exec "$@"';
  const gate = 'printf x >&3 && read _ <&3 || exit 125; exec 3>&-; ' + 'exec "$0" --reuid=0 --regid=0 --clear-groups --inh-caps=-all --ambient-caps=-all -- "$@"';
  const user = [unshare, '--user', '--keep-caps', '--', '/bin/sh', '-c', gate, setpriv, ...inner];
  if (!staged) return user;
  return [unshare, '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', stage, mount, spec.root, stageDir(), ...user];
}
