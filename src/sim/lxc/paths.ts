// Where the LXC backend keeps things on the host. One world per host: the backend is for a test
// machine, and a killed run's leftovers are found again by these fixed names.

import { join } from 'node:path';

/** The network namespace playing the Proxmox host's LAN; guests live on its bridge. */
export const NETNS = 'phoenix-sim';
export const NETNS_PATH = `/run/netns/${NETNS}`;
/**
 * The host's own network namespace, pinned by name when the world is first made (from the host's
 * side; /proc/1/ns/net may be closed to us). Phoenix may itself run inside the world (so its http
 * and tcp checks reach the guests), but LXC and the apt proxy must always run in the host's: LXC's
 * control socket belongs to the namespace lxc-start ran in, and the proxy needs the way out.
 */
export const HOST_NETNS = 'phoenix-host';
export const HOST_NET = `/run/netns/${HOST_NETNS}`;
export const inHostNet = (argv: readonly string[]): string[] => ['nsenter', `--net=${HOST_NET}`, '--', ...argv];
/** The bridge in that namespace, named as the configs name theirs (net0: bridge=vmbr0). */
export const BRIDGE = 'vmbr0';
/** The bridge's address: the guests' gateway and their apt proxy. Guests use 10.213.77.2-254. */
export const GATEWAY = '10.213.77.1';
export const NET_PREFIX = 24;
export const APT_PROXY_PORT = 3142;
/** apt-cacher-ng's port on the host's loopback (not 3142, so a system apt-cacher-ng is left alone). */
export const ACNG_HOST_PORT = 31420;

/** Containers: `lxc-* -P LXC_PATH`, one directory per guest. */
export const LXC_PATH = '/var/lib/phoenix-lxc';
/** Pid files, the relay socket, the veth hook, the lock: gone at reboot, as the processes are. */
export const RUN_DIR = '/run/phoenix-lxc';
/** The template and apt-cacher-ng's cache: kept across runs, outside any repository. */
export const cacheDir = (): string => process.env.PHOENIX_LXC_CACHE || '/var/cache/phoenix-lxc';

/** The container of guest <vmid>. */
export const ctName = (vmid: number): string => `phx-${vmid}`;
export const ctDir = (vmid: number): string => join(LXC_PATH, ctName(vmid));
export const ctRootfs = (vmid: number): string => join(ctDir(vmid), 'rootfs');
export const ctSnapshot = (vmid: number, snap: string): string => join(ctDir(vmid), 'snapshots', snap);

/** Unprivileged guests: guest ids 0..65535 are host ids 100000.., as on a Proxmox host. */
export const ID_BASE = 100000;
export const ID_COUNT = 65536;
