// One guest as a real LXC container: created from the template, configured from its Proxmox config
// at every start (as pct does), started and stopped with systemd waited for, commands through
// lxc-attach, files through lxc-attach too (so an unprivileged guest's id map applies), snapshots
// and clones as full copies of the root filesystem (Docker breaks on overlay clones).

import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, writeSync, writeFileSync, chownSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { daemon, must, run, type CmdResult } from './cmd.js';
import { GUEST_APT_CONF } from './aptproxy.js';
import { ensureTemplate } from './template.js';
import { VETH_HOOK } from './world.js';
import { ctDir, ctName, ctRootfs, ctSnapshot, ID_BASE, ID_COUNT, inHostNet, LXC_PATH } from './paths.js';

/** What the backend needs of a guest's Proxmox config (its `pct config` options). */
export type CtOptions = Readonly<Record<string, string | undefined>>;

export interface CtNet {
  name: string;
  ip?: string;
  gw?: string;
  hwaddr?: string;
}

const lxc = (cmd: string, vmid: number, ...rest: string[]) => inHostNet([`lxc-${cmd}`, '-P', LXC_PATH, '-n', ctName(vmid), ...rest]);
const metaPath = (vmid: number) => join(ctDir(vmid), 'phoenix.json');
const isUnprivileged = (vmid: number): boolean => existsSync(metaPath(vmid)) && JSON.parse(readFileSync(metaPath(vmid), 'utf8')).unprivileged === true;

export const ctExists = (vmid: number): boolean => existsSync(ctRootfs(vmid));

/** `pct create`: the template unpacked into a new root (ids shifted for an unprivileged guest). */
export async function createCt(vmid: number, unprivileged: boolean): Promise<void> {
  const template = await ensureTemplate();
  await removeCt(vmid);
  const rootfs = ctRootfs(vmid);
  mkdirSync(rootfs, { recursive: true });
  writeFileSync(metaPath(vmid), JSON.stringify({ unprivileged }));
  if (unprivileged) {
    // tar runs as root of a user namespace mapped onto 100000.., so every file lands shifted.
    // /dev is left out: an unprivileged process cannot make device nodes (LXC mounts its own).
    chownSync(rootfs, ID_BASE, ID_BASE);
    await must(['lxc-usernsexec', '-m', `b:0:${ID_BASE}:${ID_COUNT}`, '--', 'tar', '-xpf', template, '--numeric-owner', '--exclude=./dev', '-C', rootfs]);
  } else {
    await must(['tar', '-xpf', template, '--numeric-owner', '-C', rootfs]);
  }
  const owner = unprivileged ? ID_BASE : 0;
  // The world has no DNS and no way out but the apt proxy on the bridge.
  writeRootFile(vmid, '/etc/apt/apt.conf.d/00phoenix-proxy', GUEST_APT_CONF, owner);
  writeRootFile(vmid, '/etc/resolv.conf', '# no DNS in the simulator: apt goes through its proxy\n', owner);
}

/** `pct clone`: a full copy of the source's root, or of one of its snapshots. */
export async function cloneCt(src: number, dst: number, snapshot?: string): Promise<void> {
  await removeCt(dst);
  mkdirSync(ctDir(dst), { recursive: true });
  const from = snapshot && existsSync(ctSnapshot(src, snapshot)) ? ctSnapshot(src, snapshot) : ctRootfs(src);
  await must(['cp', '-a', '--reflink=auto', from, ctRootfs(dst)]);
  writeFileSync(metaPath(dst), JSON.stringify({ unprivileged: isUnprivileged(src) }));
}

export async function snapshotCt(vmid: number, snap: string): Promise<void> {
  const to = ctSnapshot(vmid, snap);
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  await must(['cp', '-a', '--reflink=auto', ctRootfs(vmid), to]);
}

export async function rollbackCt(vmid: number, snap: string): Promise<void> {
  const old = `${ctRootfs(vmid)}.old`;
  rmSync(old, { recursive: true, force: true });
  renameSync(ctRootfs(vmid), old);
  await must(['cp', '-a', '--reflink=auto', ctSnapshot(vmid, snap), ctRootfs(vmid)]);
  daemon(['rm', '-rf', '--one-file-system', old]);
}

export function deleteSnapshotCt(vmid: number, snap: string): void {
  rmSync(ctSnapshot(vmid, snap), { recursive: true, force: true });
}

/** `pct destroy`: stopped, then moved aside and removed in the background (a Docker root takes seconds). */
export async function removeCt(vmid: number): Promise<void> {
  if (!existsSync(ctDir(vmid))) return;
  await run(lxc('stop', vmid, '-k'), { timeoutMs: 30_000 });
  const trash = join(LXC_PATH, `.trash-${ctName(vmid)}-${Date.now()}`);
  renameSync(ctDir(vmid), trash);
  daemon(['rm', '-rf', '--one-file-system', trash]);
}

const cgroupV2 = () => existsSync('/sys/fs/cgroup/cgroup.controllers');

/** The LXC config a Proxmox host would generate from the guest's options (the parts that matter here). */
export function lxcConfig(vmid: number, o: CtOptions, nets: readonly CtNet[], unprivileged: boolean): string {
  const lines = ['lxc.include = /usr/share/lxc/config/common.conf'];
  if (unprivileged) lines.push('lxc.include = /usr/share/lxc/config/userns.conf', `lxc.idmap = u 0 ${ID_BASE} ${ID_COUNT}`, `lxc.idmap = g 0 ${ID_BASE} ${ID_COUNT}`);
  const features = Object.fromEntries(
    (o.features ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
  if (features.nesting === '1') {
    lines.push('lxc.include = /usr/share/lxc/config/nesting.conf');
    // A privileged guest running Docker on cgroup v1 needs every device (the v2 path has its own rules).
    if (!unprivileged) lines.push('lxc.cgroup.devices.allow = a');
  }
  lines.push('lxc.arch = linux64', `lxc.uts.name = ${o.hostname || `CT${vmid}`}`, `lxc.rootfs.path = dir:${ctRootfs(vmid)}`);
  // Memory and cores as cgroup limits, in whichever hierarchy this host has.
  const mem = Number(o.memory ?? 512) * 1048576;
  const cores = Number(o.cores ?? 0);
  if (cgroupV2()) {
    lines.push(`lxc.cgroup2.memory.max = ${mem}`);
    if (cores > 0) lines.push(`lxc.cgroup2.cpu.max = ${cores * 100000} 100000`);
  } else {
    lines.push(`lxc.cgroup.memory.limit_in_bytes = ${mem}`);
    if (cores > 0) lines.push('lxc.cgroup.cpu.cfs_period_us = 100000', `lxc.cgroup.cpu.cfs_quota_us = ${cores * 100000}`);
  }
  nets.forEach((n, i) => {
    const k = `lxc.net.${i}`;
    lines.push(`${k}.type = veth`, `${k}.flags = up`, `${k}.name = ${n.name}`, `${k}.veth.pair = veth${vmid}i${i}`, `${k}.script.up = ${VETH_HOOK}`);
    if (n.hwaddr) lines.push(`${k}.hwaddr = ${n.hwaddr}`);
    // Only static addresses: the world has no DHCP server.
    if (n.ip && n.ip.includes('/')) lines.push(`${k}.ipv4.address = ${n.ip}`);
    if (n.gw) lines.push(`${k}.ipv4.gateway = ${n.gw}`);
  });
  return `${lines.join('\n')}\n`;
}

/** `pct start`: the config written, the container started, systemd waited for. */
export async function startCt(vmid: number, o: CtOptions, nets: readonly CtNet[]): Promise<void> {
  const unprivileged = isUnprivileged(vmid);
  writeFileSync(join(ctDir(vmid), 'config'), lxcConfig(vmid, o, nets, unprivileged));
  // As pct does before a start: the guest's own name files (systemd sets the hostname from them).
  const hostname = o.hostname || `CT${vmid}`;
  const owner = unprivileged ? ID_BASE : 0;
  writeRootFile(vmid, '/etc/hostname', `${hostname}\n`, owner);
  writeRootFile(vmid, '/etc/hosts', `127.0.0.1 localhost\n127.0.1.1 ${hostname}\n::1 localhost ip6-localhost ip6-loopback\n`, owner);
  const log = join(ctDir(vmid), 'start.log');
  const r = await run(lxc('start', vmid, '-l', 'ERROR', '-o', log), { timeoutMs: 60_000 });
  // PVE: pve-container src/PVE/LXC.pm:monitor_start (the CT's own error log, then `startup for container '<id>' failed`)
  if (r.code !== 0) throw new Error(`${tail(readLog(log) || r.stderr)}\nstartup for container '${vmid}' failed`);
  await waitForSystemd(vmid);
}

/** Until `systemctl is-system-running` says running or degraded: before that, commands fail ("Failed to connect to bus"). */
async function waitForSystemd(vmid: number): Promise<void> {
  let last = '';
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const r = await run(lxc('attach', vmid, '--clear-env', '--', 'systemctl', 'is-system-running'), { timeoutMs: 10_000 });
    last = (r.stdout || r.stderr).trim();
    if (last === 'running' || last === 'degraded') return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`container '${vmid}' started, but systemd did not finish booting within 90 s (is-system-running: ${last})`);
}

/** `pct stop`/`shutdown`: a clean shutdown, killed after `timeoutSec`. */
export async function stopCt(vmid: number, timeoutSec = 20): Promise<void> {
  const r = await run(lxc('stop', vmid, '-t', String(timeoutSec)), { timeoutMs: (timeoutSec + 30) * 1000 });
  // Exit 2: it was not running, which is what we wanted.
  if (r.code !== 0 && r.code !== 2) throw new Error(`stopping container '${vmid}' failed: ${tail(r.stderr)}`);
}

const GUEST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8'];

/** `pct exec`: lxc-attach with a clean environment, as a login-less root shell would have. */
export function execCt(vmid: number, argv: readonly string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<CmdResult> {
  const env = GUEST_ENV.flatMap((v) => ['--set-var', v]);
  return run([...lxc('attach', vmid, '--clear-env', ...env, '--'), ...argv], { input: opts.stdin, timeoutMs: opts.timeoutMs });
}

// Constant scripts run by the guest's sh; the paths and owners come in as arguments, never spliced in.
const PUSH_SCRIPT = 'set -e; cat >"$1"; chmod "$2" "$1"; if [ -n "$3" ]; then chown "$3" "$1"; fi; if [ -n "$4" ]; then chgrp "$4" "$1"; fi';

/** `pct push`: written by the guest's own root, so an unprivileged guest's id map applies. */
export async function pushCt(vmid: number, hostFile: string, guestPath: string, o: { perms?: string; user?: string; group?: string }): Promise<void> {
  let data: Buffer;
  try {
    data = readFileSync(hostFile);
  } catch {
    // PVE: pve-container src/PVE/CLI/pct.pm:push (the source open, create_file, the mode check)
    throw new Error(`failed to open ${hostFile} for reading`);
  }
  const perms = o.perms === undefined ? 0o644 : /^0x/i.test(o.perms) ? Number.parseInt(o.perms.slice(2), 16) : Number.parseInt(o.perms, 8);
  if (!Number.isFinite(perms) || perms < 0 || perms > 0o7777) throw new Error(`invalid mode: '${o.perms}'`);
  const r = await run([...lxc('attach', vmid, '--clear-env', '--set-var', GUEST_ENV[0], '--'), '/bin/sh', '-c', PUSH_SCRIPT, 'sh', guestPath, perms.toString(8), o.user ?? '', o.group ?? ''], { input: data });
  if (r.code !== 0) throw new Error(`failed to create file: ${guestPath}: ${tail(r.stderr)}`);
}

/** `pct pull`: the guest's `cat`, straight into the host file. */
export async function pullCt(vmid: number, guestPath: string, hostFile: string): Promise<void> {
  const fd = openSync(hostFile, 'w', 0o644);
  let r: CmdResult;
  try {
    r = await run([...lxc('attach', vmid, '--clear-env', '--'), 'cat', '--', guestPath], { stdoutFd: fd });
  } finally {
    closeSync(fd);
  }
  // PVE: pve-container src/PVE/CLI/pct.pm:pull
  if (r.code !== 0) throw new Error(`failed to open ${guestPath}: No such file or directory`);
}

/**
 * Writes a file into a stopped guest's root from the host. The root is the guest's: a symlink there
 * could point anywhere on the host, so the directory must resolve inside the root and the file
 * itself is opened without following links.
 */
function writeRootFile(vmid: number, guestPath: string, text: string, owner: number): void {
  const root = realpathSync(ctRootfs(vmid));
  const dir = join(root, dirname(guestPath));
  mkdirSync(dir, { recursive: true });
  if (realpathSync(dir) !== dir) throw new Error(`${dirname(guestPath)} in guest ${vmid} is a link; not writing ${guestPath}`);
  const path = join(root, guestPath);
  rmSync(path, { force: true }); // a dangling link or a file of another owner
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  chownSync(path, owner, owner);
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
const tail = (s: string) => s.trim().split('\n').slice(-3).join('\n');

/** Whether LXC says the container is running (for a clean start after a host reboot). */
export async function ctRunning(vmid: number): Promise<boolean> {
  const r = await run(lxc('info', vmid, '-s'));
  return /RUNNING/.test(r.stdout);
}
