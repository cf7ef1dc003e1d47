// The world the containers live in: one network namespace with a bridge playing vmbr0 at GATEWAY,
// no route out, the apt proxy on the bridge. Built on first need by whichever simulator call gets
// there first (under a lock: a run's calls come in parallel), and torn down whole when a different
// state directory takes over: a run killed earlier leaves containers, cgroups and relays behind.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { acquireRunLock } from '../../util/lockfile.js';
import { ensureAptProxy, stopAptProxy } from './aptproxy.js';
import { daemon, must, run } from './cmd.js';
import { BRIDGE, GATEWAY, HOST_NET, HOST_NETNS, ID_BASE, ID_COUNT, inHostNet, LXC_PATH, NET_PREFIX, NETNS, NETNS_PATH, RUN_DIR } from './paths.js';

/** LXC's up-hook for each guest's veth. */
export const VETH_HOOK = join(RUN_DIR, 'veth-up');
// LXC looks a `lxc.net.N.link` bridge up in the namespace lxc-start runs in, and lxc-start must run
// in the host's (its control socket lives there; `lxc-attach` from elsewhere says "Failed to get
// init pid"). So the veth is made in the host's namespace and this hook moves it onto the world's
// bridge. LXC calls it as: <name> net up veth <host-side device>.
const HOOK = `#!/bin/sh\nset -e\nip link set dev "$5" netns ${NETNS}\nip -n ${NETNS} link set dev "$5" master ${BRIDGE} up\n`;

const OWNER = join(RUN_DIR, 'owner');
/** Locally administered (02:...), so it never clashes with a guest's BC:24:11 address. */
const BRIDGE_MAC = '02:50:48:58:00:01';

/** Makes sure the world is up for the simulator state `owner`; first clears another state's world. */
export async function ensureWorld(owner: string): Promise<void> {
  mkdirSync(RUN_DIR, { recursive: true });
  const release = await acquireRunLock(join(RUN_DIR, 'world.lock'), { wait: true, command: 'phoenix lxc world' });
  try {
    await pinHostNet();
    const current = existsSync(OWNER) ? readFileSync(OWNER, 'utf8') : undefined;
    if (current !== owner) {
      await cleanWorld();
      writeFileSync(OWNER, owner);
    }
    ensureSubIds();
    if (!existsSync(NETNS_PATH)) {
      await must(['ip', 'netns', 'add', NETNS]);
      await must(['ip', '-n', NETNS, 'link', 'set', 'lo', 'up']);
      // A fixed MAC: a bridge without one takes the lowest of its ports', so each new guest could
      // change the gateway's MAC under the running guests' ARP caches (seen: apt in one guest could
      // not reach the proxy for ~40 s after another guest started).
      await must(['ip', '-n', NETNS, 'link', 'add', BRIDGE, 'address', BRIDGE_MAC, 'type', 'bridge']);
      await must(['ip', '-n', NETNS, 'addr', 'add', `${GATEWAY}/${NET_PREFIX}`, 'dev', BRIDGE]);
      await must(['ip', '-n', NETNS, 'link', 'set', BRIDGE, 'up']);
    }
    writeFileSync(VETH_HOOK, HOOK);
    chmodSync(VETH_HOOK, 0o755);
    mkdirSync(LXC_PATH, { recursive: true });
    await ensureAptProxy();
  } finally {
    release();
  }
}

/** Names the host's namespace (HOST_NET) once, from a process that is in it. */
async function pinHostNet(): Promise<void> {
  if (existsSync(HOST_NET)) return;
  const inode = (p: string) => statSync(p).ino;
  if (existsSync(NETNS_PATH) && inode('/proc/self/ns/net') === inode(NETNS_PATH)) {
    throw new Error(`the simulator's LXC world must first be made from the host's network namespace, not from inside ${NETNS}`);
  }
  await must(['ip', 'netns', 'attach', HOST_NETNS, String(process.pid)]);
}

// Unprivileged guests' files are owned by host ids 100000.. and LXC maps them through newuidmap,
// which needs root's range in /etc/subuid and /etc/subgid, as a Proxmox host has it.
function ensureSubIds(): void {
  for (const f of ['/etc/subuid', '/etc/subgid']) {
    const text = existsSync(f) ? readFileSync(f, 'utf8') : '';
    if (!text.split('\n').includes(`root:${ID_BASE}:${ID_COUNT}`)) writeFileSync(f, `${text}${text && !text.endsWith('\n') ? '\n' : ''}root:${ID_BASE}:${ID_COUNT}\n`);
  }
}

/**
 * Removes everything a run of this backend can leave: its containers (stopped, killed through their
 * cgroups when LXC no longer knows them), their cgroups, the namespace, the relays. Idempotent.
 */
export async function cleanWorld(): Promise<void> {
  await pinHostNet();
  if (existsSync(LXC_PATH)) {
    for (const name of readdirSync(LXC_PATH)) {
      if (!name.startsWith('.')) await run(inHostNet(['lxc-stop', '-P', LXC_PATH, '-n', name, '-k']), { timeoutMs: 30_000 });
    }
  }
  killCgroups();
  stopAptProxy();
  if (existsSync(NETNS_PATH)) await run(['ip', 'netns', 'del', NETNS]);
  if (existsSync(LXC_PATH)) {
    // Rename first so the next run starts at once; the copy goes in the background.
    renameSync(LXC_PATH, `${LXC_PATH}.trash-${Date.now()}`);
  }
  const parent = dirname(LXC_PATH);
  for (const old of readdirSync(parent).filter((n) => n.startsWith(`${basename(LXC_PATH)}.trash-`))) daemon(['rm', '-rf', '--one-file-system', join(parent, old)]);
  rmSync(join(RUN_DIR, 'owner'), { force: true });
}

/** Our containers' cgroups in every hierarchy (v1 has one per controller): processes killed, dirs removed. */
function killCgroups(): void {
  const roots = existsSync('/sys/fs/cgroup/cgroup.controllers') ? ['/sys/fs/cgroup'] : readdirSync('/sys/fs/cgroup').map((d) => join('/sys/fs/cgroup', d));
  const ours = (n: string) => /^lxc\.(payload|monitor)\.phx-\d+$/.test(n) || n === 'lxc.pivot';
  const walk = (dir: string, kill: boolean): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir).filter((e) => statSync(join(dir, e)).isDirectory());
    } catch {
      return;
    }
    for (const e of entries) walk(join(dir, e), kill);
    if (kill)
      try {
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* no such file, or gone */
      }
    try {
      rmdirSync(dir);
    } catch {
      /* still busy: the next clean start tries again */
    }
  };
  for (const root of roots) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    // lxc.pivot is LXC's own, shared with any other container: only emptied directories go.
    for (const n of names) if (ours(n)) walk(join(root, n), n !== 'lxc.pivot');
  }
}
