// The sandbox without bubblewrap: util-linux `unshare` (on every Linux) builds the same jail with
// user, mount, pid, ipc, net, uts and cgroup namespaces, and one constant shell script does what
// bwrap does (see bwrapArgs in sandbox.ts), every value passed as an argument, never interpolated:
//  - the guest root bound on itself as the new "/" (writable, nosuid,nodev);
//  - the host's /usr read-only, with the guest's own /usr/local bound over it (the guest's is
//    first parked on the root's /dev, since binding /usr hides it, then moved into place);
//  - the host's real top-level dirs (non-merged /usr) and /etc/alternatives, /etc/ld.so.cache read-only;
//  - a fresh /proc, and a /dev tmpfs with null, zero, full, random, urandom, tty, its own devpts and
//    the usual symlinks (as bwrap's --dev);
//  - the hostname, loopback up (no other network), then pivot_root into the root and detach the old
//    one: nothing of the host outside those binds is reachable;
//  - the command runs as pid 2 (the script is pid 1, as bwrap's init), in a new session, with
//    no_new_privs and a clean environment.
// The parent `unshare --fork --kill-child` dies with the simulator (setpriv --pdeathsig) and kills
// the jail's pid 1 when it dies, and the kernel then every process in the pid namespace (bwrap's
// --die-with-parent).

/** Host tools the script calls by name (PATH=/usr/sbin:/usr/bin:/sbin:/bin), besides `unshare`. */
export const UNSHARE_TOOLS = ['mount', 'umount', 'pivot_root', 'hostname', 'setsid', 'setpriv', 'env', 'mkdir', 'ln'];

// $1 root (a mount point after the first line), $2 hostname, $3 cwd, then read-only host paths up
// to "--", then the command (setsid ... env -i K=V ... argv).
const SETUP = [
  'set -eu',
  'r=$1 h=$2 c=$3; shift 3',
  'mount -n --bind -o nosuid,nodev "$r" "$r"',
  'mount -n --bind "$r/usr/local" "$r/dev"',
  'mount -n --bind -o ro,nosuid,nodev /usr "$r/usr"',
  'mount -n --move "$r/dev" "$r/usr/local"',
  'while [ "$1" != -- ]; do mount -n --bind -o ro,nosuid,nodev "$1" "$r$1"; shift; done; shift',
  'mount -n -t proc -o nosuid,nodev,noexec proc "$r/proc"',
  'mount -n -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$r/dev"',
  'for d in null zero full random urandom tty; do : > "$r/dev/$d"; mount -n --bind -o nosuid "/dev/$d" "$r/dev/$d"; done',
  'mkdir "$r/dev/pts" "$r/dev/shm"',
  'mount -n -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$r/dev/pts"',
  'ln -s pts/ptmx "$r/dev/ptmx"; ln -s /proc/self/fd "$r/dev/fd"; ln -s /proc/kcore "$r/dev/core"',
  'ln -s /proc/self/fd/0 "$r/dev/stdin"; ln -s /proc/self/fd/1 "$r/dev/stdout"; ln -s /proc/self/fd/2 "$r/dev/stderr"',
  'hostname "$h"',
  // Loopback up: iproute2 where present, else an SIOCSIFFLAGS ioctl from perl (Debian's perl-base is essential).
  'if command -v ip >/dev/null; then ip link set lo up; else perl -e \'socket(my $s, 2, 2, 0) or die "socket: $!"; ' + 'ioctl($s, 0x8914, pack("a16 s x22", "lo", 0x9)) or die "lo up: $!"\'; fi',
  'cd "$r"; pivot_root . .; umount -l .; cd /',
  'cd "$c"',
  'set +e; "$@"; exit $?',
].join('\n');

export interface UnshareSpec {
  /** The guest root, or the stage dir it is bound at (see needsStage). */
  src: string;
  hostname: string;
  cwd: string;
  env: Record<string, string>;
  argv: string[];
  /** Host paths bound read-only at the same path (top-level dirs, /etc files). */
  roBinds: string[];
}

/** `unshare` and its arguments, from the namespaces to the command (no user namespace flag: see below). */
export function unshareJailArgv(tools: { unshare: string; setpriv: string }, spec: UnshareSpec, userns: 'own' | 'map-root'): string[] {
  const ns = ['--mount', '--propagation', 'private', '--pid', '--ipc', '--net', '--uts', '--cgroup', '--fork', '--kill-child'];
  // 'own': already uid 0 of our own user namespace (mapped mode); 'map-root': one id, this user → 0.
  const user = userns === 'map-root' ? ['--user', '--map-root-user'] : [];
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const cmd = ['setsid', 'setpriv', '--no-new-privs', 'env', '-i', ...env, ...spec.argv];
  // setpriv --pdeathsig: this unshare (a direct child of the simulator, through execs) dies with it.
  return [tools.setpriv, '--pdeathsig', 'KILL', '--', tools.unshare, ...user, ...ns, '--', '/bin/sh', '-c', SETUP, 'phoenix-sandbox', spec.src, spec.hostname, spec.cwd, ...spec.roBinds, '--', ...cmd];
}
