// `pct` subcommands on the simulated host, with Proxmox's checks, texts and exit codes.

import { basename } from 'node:path';
import { printConfigCommand, type ConfSection, type GuestConf } from '../state/conf.js';
import { SimError } from '../state/errors.js';
import { listVmids, locateGuest, readConf, readRuntime, requireGuest, writeConf, writeRuntime, clearRuntime, type GuestRef } from '../state/guests.js';
import { getStorage } from '../state/storage.js';
import { splitVolid, volumePart } from '../state/volumes.js';
import type { Call } from './params.js';
import { withGuestLock, type SimCtx } from './context.js';
import { checkBridges } from './common.js';
import { checkLock, checkProtection, deleteOptions, doDelSnapshot, doDestroy, doResize, doRollback, doSnapshot, doTemplate, isRunning, isTemplate, sectionVolumes, sizeOf, updateGuest } from './common.js';
import { applyDiskOption } from './disks.js';
import { applyPending, printPending, setGuestOptions, withPending } from './pending.js';
import { normalizeOption, normalizeScalar } from './normalize.js';
import { printPctList, printSnapshotTree, type SnapEntry } from './printers.js';
import { archFromTemplate, checkHookscript, checkTemplateAccess, ostypeFromTemplate, resolveSource } from './sources.js';
import { cloneGuest } from './clone.js';
import { checkDeleteRevertConflicts } from './set-checks.js';
import { lxcIdentity } from './identity.js';
import { checkSshKeys, readKeyFile } from './keyfiles.js';
import { writeFileAtomic } from '../state/host.js';
import { readSshKeys, sshKeysPath } from '../state/guests.js';
import { paramErrorText } from './params.js';
import { defaultUnprivileged, releaseOf } from '../state/version.js';
import { readOnlyAfterCreate, usageLine } from '../../proxmox/schema/index.js';

// PVE: pve-container src/PVE/API2/LXC.pm:create_vm; src/PVE/API2/LXC/Config.pm:update_vm (parameters the API extracts instead of storing)
const NOT_STORED = new Set(['vmid', 'ostemplate', 'storage', 'password', 'ssh-public-keys', 'start', 'force', 'restore', 'unique', 'pool', 'ignore-unpack-errors', 'bwlimit', 'ha-managed', 'delete', 'digest', 'revert', 'skiplock']);
const isDisk = (k: string) => k === 'rootfs' || /^mp\d+$/.test(k);

const vmidOf = (call: Call) => Number(call.params.vmid);

function snapshotEntries(conf: GuestConf): SnapEntry[] {
  const entries: SnapEntry[] = Object.entries(conf.snapshots).map(([name, s]) => ({
    name,
    parent: s.options.parent,
    snaptime: s.options.snaptime !== undefined ? Number(s.options.snaptime) : undefined,
    description: s.options.description,
  }));
  entries.push({ name: 'current', parent: conf.options.parent, description: 'You are here!' });
  return entries;
}
export { snapshotEntries };

/** Applies option params to a config (shared by create and set). */
async function applyOptions(ctx: SimCtx, vmid: number, conf: GuestConf, params: Record<string, string>): Promise<void> {
  // Volumes are allocated in Proxmox's foreach_volume order: rootfs, then mp0, mp1, ...
  // PVE: pve-container src/PVE/LXC/Config.pm:foreach_volume_full (mountpoint_names: rootfs first)
  const rank = (k: string) => (k === 'rootfs' ? -1 : /^mp\d+$/.test(k) ? Number(k.slice(2)) : 1000);
  const keys = Object.keys(params).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    if (NOT_STORED.has(key)) continue;
    const value = params[key];
    if (isDisk(key)) conf.options[key] = await applyDiskOption(ctx, 'lxc', vmid, conf, key, value);
    else if (/^net\d+$/.test(key)) {
      // PVE: pve-container src/PVE/LXC/Config.pm:parse_lxc_network (type veth, a hwaddr when none is given)
      const stored = normalizeOption('lxc', key, value, ctx.host.seed, vmid);
      // A running guest gets the NIC hot-plugged, which needs the bridge; a stopped one only at start.
      if (isRunning(ctx, vmid)) checkBridges(ctx, { [key]: stored });
      conf.options[key] = stored;
    } else conf.options[key] = normalizeScalar('lxc', key, value); // stored as given (booleans as 1/0)
  }
}

async function create(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  // PVE: pve-container src/PVE/API2/LXC.pm:create_vm (default storage `local`, a bare size is `<storage>:<GiB>`, unprivileged defaults to 1)
  const storage = call.params.storage ?? 'local';
  // pve-container: a bare number for rootfs/mpN means "<storage>:<GiB>"; 'unprivileged' is read-only
  // (defaults to 1 on 9.x, 0 on 8.4, and is only written when set).
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(call.params)) p[k] = (k === 'rootfs' || /^mp\d+$/.test(k)) && /^\d+(\.\d+)?$/.test(v) ? `${storage}:${v}` : v;
  // PVE: pve-container src/PVE/API2/LXC.pm:create_vm (9.x: 1 unless given; 8.4: schema default 0)
  const unprivileged = p.unprivileged ?? defaultUnprivileged(releaseOf(ctx.host));
  delete p.unprivileged;
  await withGuestLock(ctx, 'lxc', vmid, async () => {
    // PVE: pve-cluster src/PVE/Cluster.pm:check_vmid_unused (from pve-container src/PVE/API2/LXC.pm:create_vm)
    const found = locateGuest(ctx.paths, ctx.host, vmid);
    if (found) throw new SimError(`${found.kind === 'lxc' ? 'CT' : 'VM'} ${vmid} already exists on node '${found.node}'`);
    checkTemplateAccess(ctx, p.ostemplate);
    const mps = Object.keys(p).filter((k) => /^mp\d+$/.test(k));
    // PVE: pve-container src/PVE/API2/LXC.pm:create_vm
    if (mps.length && p.rootfs === undefined) throw new SimError("mount points configured, but 'rootfs' not set - aborting");
    const vols = [...mps, 'rootfs']
      .map((k) => p[k])
      .filter((v) => v !== undefined)
      .map((v) => volumePart(v))
      .filter((v) => !v.startsWith('/'));
    // PVE: pve-storage src/PVE/Storage.pm:parse_volume_id
    for (const v of vols) if (!splitVolid(v)) throw new SimError(`unable to parse volume ID '${v}'`);
    const storages = vols.map((v) => splitVolid(v)!.storage);
    for (const sid of new Set(p.rootfs === undefined ? [...storages, storage] : storages)) {
      const s = getStorage(ctx.host, sid);
      // PVE: pve-container src/PVE/API2/LXC.pm:create_vm ($check_and_activate_storage: a 400 parameter error)
      if (!s.content.includes('rootdir')) {
        throw new SimError(paramErrorText([{ param: 'storage', message: `storage '${sid}' does not support container directories` }], usageLine(call.spec)));
      }
    }
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (check_hookscript, before the CT is made)
    if (p.hookscript !== undefined) checkHookscript(ctx, p.hookscript);
    const sshKeys = p['ssh-public-keys'] !== undefined ? readKeyFile(p['ssh-public-keys']) : undefined;
    // PVE: pve-container src/PVE/API2/LXC.pm:create_vm
    checkSshKeys(sshKeys);
    const ref: GuestRef = { kind: 'lxc', node: ctx.host.node, vmid, path: requirePathFor(ctx, vmid) };
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:create_and_lock_config (lock: create while the task runs)
    const conf: GuestConf = { options: { lock: 'create' }, lxc: [], snapshots: {}, extra: {} };
    writeConf(ref, conf);
    try {
      // PVE: pve-container src/PVE/API2/LXC.pm:create_vm (no rootfs: 4 GiB on the default storage)
      const params = { ...p, rootfs: p.rootfs ?? `${storage}:4` };
      await applyOptions(ctx, vmid, conf, params);
      // The task looks for the archive once the disks are made and mounted: archive_is_oci_format
      // warns (on the task's output) what restore_archive then dies of.
      // PVE: pve-container src/PVE/LXC/Create.pm:archive_is_oci_format, restore_archive
      let tmpl: ReturnType<typeof resolveSource>;
      try {
        tmpl = resolveSource(ctx, p.ostemplate);
      } catch (e) {
        ctx.out(`${(e as Error).message}\n`);
        throw e;
      }
      // PVE: pve-container src/PVE/LXC/Setup.pm:new (detects arch and ostype from the extracted root; here: from the template's name, guess)
      conf.options.arch ??= archFromTemplate(tmpl.path);
      conf.options.ostype ??= ostypeFromTemplate(tmpl.path);
      // Proxmox's defaults after the archive is extracted.
      // PVE: pve-container src/PVE/API2/LXC.pm:create_vm (hostname CT<vmid>, memory 512, swap 512)
      conf.options.hostname ||= `CT${vmid}`;
      conf.options.memory ||= '512';
      conf.options.swap ??= '512';
      if (unprivileged === '1') conf.options.unprivileged = '1';
      // PVE: pve-container src/PVE/LXC/Create.pm:restore_tar_archive; src/PVE/LXC/Setup.pm:new (the task's first lines; the tar totals are a guess)
      const archive = tmpl.volid?.startsWith('local:') ? `/var/lib/vz/template/cache/${basename(tmpl.path)}` : tmpl.path;
      ctx.out(`extracting archive '${archive}'\nTotal bytes read: ${tmpl.size} (${Math.round(tmpl.size / 1048576)}MiB, 120MiB/s)\n`);
      ctx.out(`Detected container architecture: ${conf.options.arch}\n`);
      await ctx.guestfs.create(vmid, { kind: 'lxc', template: tmpl.volid ?? tmpl.path, unprivileged: unprivileged === '1' });
      // post_create_hook installs the keys for root; the guest filesystem writes them at start.
      // PVE: pve-container src/PVE/LXC/Setup/Base.pm:post_create_hook
      if (sshKeys !== undefined) writeFileAtomic(sshKeysPath(ctx.paths, vmid), sshKeys);
      delete conf.options.lock;
      writeConf(ref, conf);
    } catch (e) {
      // Proxmox removes the half-created CT and its volumes on failure.
      // PVE: pve-container src/PVE/API2/LXC.pm:create_vm (`unable to create CT <id> - <error>`, volumes destroyed)
      await releaseVolumes(ctx, conf);
      const { unlinkSync } = await import('node:fs');
      try {
        unlinkSync(ref.path);
      } catch {
        /* gone */
      }
      throw new SimError(`unable to create CT ${vmid} - ${(e as Error).message}`);
    }
  });
  if (p.start === '1') await start(ctx, call);
}

function requirePathFor(ctx: SimCtx, vmid: number): string {
  return `${ctx.paths.etcPve}/nodes/${ctx.host.node}/lxc/${vmid}.conf`;
}

async function releaseVolumes(ctx: SimCtx, conf: GuestConf): Promise<void> {
  const { freeVolume } = await import('../state/storage.js');
  for (const { volid } of sectionVolumes('lxc', conf.options)) await freeVolume(ctx, volid);
}

async function set(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  await updateGuest(ctx, 'lxc', vmid, async (conf) => {
    // PVE: pve-container src/PVE/API2/LXC/Config.pm:update_vm (check_lock unless --skiplock)
    checkLock('lxc', conf, call.params.skiplock === '1');
    checkDeleteRevertConflicts(call);
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (`unable to modify read-only option: 'unprivileged'`)
    const ro = readOnlyAfterCreate('pct', 'set', call.params);
    if (ro) throw new SimError(ro);
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (check_hookscript)
    if (call.params.hookscript !== undefined) checkHookscript(ctx, call.params.hookscript);
    const del = (call.params.delete ?? '').split(/[,;\s]+/).filter(Boolean);
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config
    if (del.includes('unprivileged')) throw new SimError(`unable to delete read-only option: 'unprivileged'`);
    // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (check_protection: deleting an mpN/unusedN, setting rootfs/mpN)
    for (const k of del) if (/^(mp|unused)\d+$/.test(k) && (conf.options[k] ?? conf.pending?.options[k]) !== undefined) checkProtection(conf, `can't remove CT ${vmid} drive '${k}'`);
    for (const k of Object.keys(call.params).sort()) if (/^mp\d+$|^rootfs$/.test(k)) checkProtection(conf, `can't update CT ${vmid} drive '${k}'`);
    const req = { del, params: call.params, revert: (call.params.revert ?? '').split(/[,;\s]+/).filter(Boolean), force: false };
    await setGuestOptions('lxc', conf, isRunning(ctx, vmid), req, {
      ...pendingHooks(ctx, vmid, conf),
      stored: (k, v) => (NOT_STORED.has(k) ? undefined : /^net\d+$/.test(k) ? normalizeOption('lxc', k, v, ctx.host.seed, vmid) : isDisk(k) ? v : normalizeScalar('lxc', k, v)),
      // PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config (memory, rootfs, ostype)
      checkDelete: (k) => {
        if (k === 'memory' || k === 'rootfs' || k === 'ostype') throw new SimError(`unable to delete required option '${k}'`);
      },
    });
  });
}

/** Applying options and deletions now, as a stopped CT's `pct set` does. */
const pendingHooks = (ctx: SimCtx, vmid: number, conf: GuestConf) => ({
  apply: (params: Record<string, string>) => applyOptions(ctx, vmid, conf, params),
  remove: (keys: string[]) => deleteOptions(ctx, 'lxc', conf, keys),
});

/** Pending changes are applied as the CT starts. */
async function applyPendingAtStart(ctx: SimCtx, ref: GuestRef, conf: GuestConf): Promise<void> {
  if (await applyPending(conf, pendingHooks(ctx, ref.vmid, conf))) writeConf(ref, conf);
}

async function start(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'lxc', vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, 'lxc', vmid);
    const conf = readConf(ref);
    // PVE: pve-container src/PVE/API2/LXC/Status.pm:vm_start (running, then template, then lock unless --skiplock)
    if (isRunning(ctx, vmid)) throw new SimError(`CT ${vmid} already running`);
    if (isTemplate(conf)) throw new SimError(`you can't start a CT if it's a template`);
    // A `mounted` lock (pct mount) does not stop a start.
    // PVE: pve-container src/PVE/API2/LXC/Status.pm:vm_start (has_lock 'mounted' exempt)
    if (conf.options.lock !== 'mounted') checkLock('lxc', conf, call.params.skiplock === '1');
    // PVE: pve-container src/PVE/LXC.pm:vm_start (vmconfig_apply_pending)
    await applyPendingAtStart(ctx, ref, conf);
    checkBridges(ctx, conf.options);
    await ctx.guestfs.onStart(vmid, 'lxc', { ...lxcIdentity(vmid, conf), sshKeys: readSshKeys(ctx.paths, vmid) }, conf.options.ostype, conf.options);
    writeRuntime(ctx.paths, vmid, { status: 'running', startedAt: ctx.now(), pid: 10000 + (vmid % 50000) });
  });
}

async function stop(ctx: SimCtx, call: Call, graceful: boolean): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'lxc', vmid, async () => {
    const conf = readConf(requireGuest(ctx.paths, ctx.host, 'lxc', vmid));
    // PVE: pve-container src/PVE/API2/LXC/Status.pm:vm_stop, vm_shutdown (not running, then the lock; stop honours --skiplock)
    if (!isRunning(ctx, vmid)) throw new SimError(`CT ${vmid} not running`);
    // pct stop lets a `mounted` lock pass; pct shutdown does not (and has no --skiplock).
    // PVE: pve-container src/PVE/API2/LXC/Status.pm:vm_stop (has_lock 'mounted' exempt), vm_shutdown (check_lock)
    if (graceful || (call.params.skiplock !== '1' && conf.options.lock !== 'mounted')) checkLock('lxc', conf, call.params.skiplock === '1');
    clearRuntime(ctx.paths, vmid);
    await ctx.guestfs.onStop(vmid);
  });
}

async function reboot(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'lxc', vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, 'lxc', vmid);
    const conf = readConf(ref);
    // PVE: pve-container src/PVE/API2/LXC/Status.pm:vm_reboot (says `VM`; no lock check: src/PVE/LXC.pm:vm_reboot)
    if (!isRunning(ctx, vmid)) throw new SimError(`VM ${vmid} not running`);
    // PVE: pve-container src/PVE/LXC.pm:vm_reboot (stop, then vm_start, which applies pending changes)
    await applyPendingAtStart(ctx, ref, conf);
    await ctx.guestfs.onStart(vmid, 'lxc', { ...lxcIdentity(vmid, conf), sshKeys: readSshKeys(ctx.paths, vmid) }, conf.options.ostype, conf.options);
    writeRuntime(ctx.paths, vmid, { ...readRuntime(ctx.paths, vmid), startedAt: ctx.now() });
  });
}

function status(ctx: SimCtx, call: Call): void {
  const vmid = vmidOf(call);
  const conf = readConf(requireGuest(ctx.paths, ctx.host, 'lxc', vmid));
  const rt = readRuntime(ctx.paths, vmid);
  // PVE: pve-container src/PVE/CLI/pct.pm:status (`status: <s>`; --verbose: every vmstatus key sorted)
  if (call.params.verbose !== '1') {
    ctx.out(`status: ${rt.status}\n`);
    return;
  }
  const running = rt.status === 'running';
  // PVE: pve-container src/PVE/LXC.pm:vmstatus (name = hostname or CT<id>; the counters are constants: guess)
  const stat: Record<string, string | number | undefined> = {
    cpus: Number(conf.options.cores ?? 1),
    disk: 0,
    diskread: 0,
    diskwrite: 0,
    lock: conf.options.lock,
    maxdisk: sizeOf(ctx, conf.options.rootfs ?? ''),
    maxmem: Number(conf.options.memory ?? 512) * 1048576,
    maxswap: Number(conf.options.swap ?? 512) * 1048576,
    mem: running ? 64 * 1048576 : 0,
    name: (conf.options.hostname ?? `CT${vmid}`).replace(/\s/g, ''),
    netin: 0,
    netout: 0,
    pid: running ? rt.pid : undefined,
    status: rt.status,
    swap: 0,
    tags: conf.options.tags,
    template: isTemplate(conf) ? 1 : undefined,
    type: 'lxc',
    uptime: running ? Math.floor((ctx.now() - (rt.startedAt ?? ctx.now())) / 1000) : 0,
    vmid,
  };
  for (const k of Object.keys(stat).sort()) if (stat[k] !== undefined) ctx.out(`${k}: ${stat[k]}\n`);
}

// PVE: pve-container src/PVE/CLI/pct.pm:list
function list(ctx: SimCtx): void {
  const rows = listVmids(ctx.paths, ctx.host, 'lxc').map((vmid) => {
    const conf = readConf({ kind: 'lxc', node: ctx.host.node, vmid, path: requirePathFor(ctx, vmid) });
    return {
      vmid,
      status: readRuntime(ctx.paths, vmid).status,
      lock: conf.options.lock,
      name: (conf.options.hostname ?? `CT${vmid}`).replace(/\s/g, ''),
    };
  });
  ctx.out(printPctList(rows));
}

export function configCommand(ctx: SimCtx, call: Call, kind: 'lxc' | 'qemu'): void {
  const conf = readConf(requireGuest(ctx.paths, ctx.host, kind, vmidOf(call)));
  // PVE: qemu-server src/PVE/API2/Qemu.pm:vm_config (cipassword shown as `**********`)
  const masked = (s: ConfSection): ConfSection => (kind === 'qemu' && s.options.cipassword ? { ...s, options: { ...s.options, cipassword: '**********' } } : s);
  if (call.params.snapshot) {
    const snap = conf.snapshots[call.params.snapshot];
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_snapshot_config
    if (!snap) throw new SimError(`snapshot '${call.params.snapshot}' does not exist`);
    ctx.out(printConfigCommand(masked(snap)));
    return;
  }
  // Pending values by default, the running ones with --current.
  // PVE: pve-container src/PVE/API2/LXC/Config.pm:vm_config; qemu-server src/PVE/API2/Qemu.pm:vm_config (load_current_config)
  ctx.out(printConfigCommand(masked(call.params.current === '1' ? conf : withPending(conf))));
}

export function pendingCommand(ctx: SimCtx, call: Call, kind: 'lxc' | 'qemu'): void {
  ctx.out(printPending(readConf(requireGuest(ctx.paths, ctx.host, kind, vmidOf(call)))));
}

// PVE: pve-guest-common src/PVE/GuestHelpers.pm:print_snapshot_tree; pve-container src/PVE/API2/LXC/Snapshot.pm:list (`current`, "You are here!")
export function listSnapshots(ctx: SimCtx, call: Call, kind: 'lxc' | 'qemu'): void {
  const conf = readConf(requireGuest(ctx.paths, ctx.host, kind, vmidOf(call)));
  ctx.out(printSnapshotTree(snapshotEntries(conf)));
}

async function exec(ctx: SimCtx, call: Call): Promise<number> {
  const vmid = vmidOf(call);
  // PVE: pve-container src/PVE/CLI/pct.pm:exec (load_config, `container '<id>' not running!`, then `missing command` without a newline)
  requireGuest(ctx.paths, ctx.host, 'lxc', vmid);
  if (!isRunning(ctx, vmid)) throw new SimError(`container '${vmid}' not running!`);
  if (call.extra.length === 0) throw new SimError('missing command at /usr/share/perl5/PVE/CLI/pct.pm line 246.');
  const r = await ctx.guestfs.exec(vmid, call.extra, { stdin: ctx.stdin });
  ctx.out(r.stdout);
  ctx.err(r.stderr);
  return r.exitCode;
}

async function pushPull(ctx: SimCtx, call: Call, dir: 'push' | 'pull'): Promise<void> {
  const vmid = vmidOf(call);
  const opts = { perms: call.params.perms, user: call.params.user, group: call.params.group };
  // PVE: pve-container src/PVE/CLI/pct.pm:push, pull (under the config lock; running checked first; pull's die has no newline)
  await withGuestLock(ctx, 'lxc', vmid, async () => {
    if (!isRunning(ctx, vmid)) {
      throw new SimError(dir === 'push' ? 'can only push files to a running CT' : 'can only pull files from a running VM at /usr/share/perl5/PVE/CLI/pct.pm line 664.');
    }
    requireGuest(ctx.paths, ctx.host, 'lxc', vmid);
    if (dir === 'push') await ctx.guestfs.push(vmid, call.params.file, call.params.destination, opts);
    else await ctx.guestfs.pull(vmid, call.params.path, call.params.destination);
  });
}

// PVE: pve-container src/PVE/CLI/pct.pm:unlock; qemu-server src/PVE/CLI/qm.pm:unlock (the lock removed, no lock check)
async function unlock(ctx: SimCtx, call: Call, kind: 'lxc' | 'qemu'): Promise<void> {
  await updateGuest(ctx, kind, vmidOf(call), (conf) => {
    delete conf.options.lock;
  });
}
export { unlock };

/** Runs one pct call; returns the exit code (errors throw SimError). */
export async function runPct(ctx: SimCtx, call: Call): Promise<number> {
  const p = call.params;
  const vmid = vmidOf(call);
  switch (call.command) {
    case 'list':
      list(ctx);
      return 0;
    case 'status':
      status(ctx, call);
      return 0;
    case 'config':
      configCommand(ctx, call, 'lxc');
      return 0;
    case 'pending':
      pendingCommand(ctx, call, 'lxc');
      return 0;
    case 'listsnapshot':
      listSnapshots(ctx, call, 'lxc');
      return 0;
    case 'create':
      await create(ctx, call);
      return 0;
    case 'set':
      await set(ctx, call);
      return 0;
    case 'start':
      await start(ctx, call);
      return 0;
    case 'stop':
      await stop(ctx, call, false);
      return 0;
    case 'shutdown':
      await stop(ctx, call, true);
      return 0;
    case 'reboot':
      await reboot(ctx, call);
      return 0;
    case 'resize':
      await doResize(ctx, 'lxc', vmid, p.disk, p.size);
      return 0;
    case 'snapshot':
      await doSnapshot(ctx, 'lxc', vmid, p.snapname, p.description);
      return 0;
    case 'delsnapshot':
      await doDelSnapshot(ctx, 'lxc', vmid, p.snapname);
      return 0;
    case 'rollback':
      await doRollback(ctx, 'lxc', vmid, p.snapname);
      if (p.start === '1') await start(ctx, call);
      return 0;
    case 'template':
      await doTemplate(ctx, 'lxc', vmid);
      return 0;
    case 'destroy':
      await doDestroy(ctx, 'lxc', vmid, { purge: p.purge === '1', force: p.force === '1', unreferenced: p['destroy-unreferenced-disks'] === '1' });
      return 0;
    case 'clone':
      await cloneGuest(ctx, 'lxc', call);
      return 0;
    case 'exec':
      return exec(ctx, call);
    case 'push':
      await pushPull(ctx, call, 'push');
      return 0;
    case 'pull':
      await pushPull(ctx, call, 'pull');
      return 0;
    case 'unlock':
      await unlock(ctx, call, 'lxc');
      return 0;
    // PVE: guess (commands outside the simulated set)
    default:
      throw new SimError(`pct ${call.command}: not simulated`);
  }
}
