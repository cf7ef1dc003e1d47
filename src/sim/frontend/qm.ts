// `qm` subcommands on the simulated host, with Proxmox's checks, texts and exit codes.

import { createHash } from 'node:crypto';
import { formatSize } from '../../proxmox/codecs/size.js';
import type { GuestConf } from '../state/conf.js';
import { SimError } from '../state/errors.js';
import { clearRuntime, listVmids, locateGuest, readConf, readRuntime, requireGuest, writeConf, writeRuntime, type GuestRef } from '../state/guests.js';
import { uuid } from '../state/ids.js';
import { confPath } from '../state/paths.js';
import { allocDisk, freeVolume, getStorage } from '../state/storage.js';
import { isDiskKey, splitVolid, volumePart } from '../state/volumes.js';
import { cloneGuest, newMeta } from './clone.js';
import { addUnused, checkLock, checkProtection, deleteOptions, doDelSnapshot, doDestroy, doResize, doRollback, doSnapshot, doTemplate, isRunning, isTemplate, sectionVolumes, sizeOf, updateGuest } from './common.js';
import { withGuestLock, type SimCtx } from './context.js';
import { checkBridges } from './common.js';
import { checkDeleteRevertConflicts } from './set-checks.js';
import { applyDiskOption } from './disks.js';
import { normalizeOption, normalizeScalar, parseOption, printOption } from './normalize.js';
import { paramErrorText, type Call } from './params.js';
import { checkSshKeys } from './keyfiles.js';
import { configCommand, listSnapshots, pendingCommand, unlock } from './pct.js';
import { applyPending, setGuestOptions } from './pending.js';
import { printQmList, printRecursive } from './printers.js';
import { perlJsonPretty } from './json.js';
import { vmIdentity } from './identity.js';
import { agentInterfaceRows, runningInterfaces } from './interfaces.js';
import { checkHookscript, checkImportFrom, resolveDiskImportSource, volumeContentType } from './sources.js';
import { usageLine } from '../../proxmox/schema/index.js';

// PVE: qemu-server src/PVE/API2/Qemu.pm:create_vm, $update_vm_api (parameters the API extracts instead of storing)
const NOT_STORED = new Set(['vmid', 'archive', 'bwlimit', 'ha-managed', 'import-working-storage', 'live-restore', 'pool', 'start', 'storage', 'unique', 'delete', 'digest', 'force', 'revert', 'skiplock']);

const vmidOf = (call: Call) => Number(call.params.vmid);

/** Proxmox stores cipassword hashed; never keep or print the clear text. */
// PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (PVE::Tools::encrypt_pw; our `$5$` format: guess)
const hashPassword = (pw: string, seed: string) => `$5$${createHash('sha256').update(`${seed}salt`).digest('base64url').slice(0, 16)}$${createHash('sha256').update(`${seed}:${pw}`).digest('base64url')}`;

async function applyOptions(ctx: SimCtx, vmid: number, conf: GuestConf, params: Record<string, string>): Promise<void> {
  // Drives are allocated in qemu-server's foreach_volume order: ide, sata, scsi, virtio, efidisk, tpmstate.
  // PVE: qemu-server src/PVE/QemuServer/Drive.pm:valid_drive_names
  const order = ['ide', 'sata', 'scsi', 'virtio', 'efidisk', 'tpmstate'];
  const rank = (k: string) => {
    const m = /^([a-z]+)(\d+)$/.exec(k);
    return m && isDiskKey('qemu', k) ? order.indexOf(m[1]) * 100 + Number(m[2]) : 10_000;
  };
  const keys = Object.keys(params).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    if (NOT_STORED.has(key)) continue;
    const value = params[key];
    if (isDiskKey('qemu', key)) conf.options[key] = await applyDiskOption(ctx, 'qemu', vmid, conf, key, value);
    else if (key === 'cipassword') conf.options[key] = hashPassword(value, ctx.host.seed);
    else if (/^net\d+$/.test(key)) {
      // PVE: qemu-server src/PVE/QemuServer/Network.pm:parse_net (a macaddr when none is given)
      const stored = normalizeOption('qemu', key, value, ctx.host.seed, vmid);
      // A running guest gets the NIC hot-plugged, which needs the bridge; a stopped one only at start.
      if (isRunning(ctx, vmid)) checkBridges(ctx, { [key]: stored });
      conf.options[key] = stored;
    } else conf.options[key] = normalizeScalar('qemu', key, value); // stored as given (booleans as 1/0)
  }
}

/** get_default_bootdevices: the first disk, then cdroms, then the first NIC. */
// PVE: qemu-server src/PVE/QemuServer.pm:get_default_bootdevices, print_bootorder
function defaultBoot(conf: GuestConf): string | undefined {
  const keys = Object.keys(conf.options);
  const order = ['ide', 'sata', 'scsi', 'virtio'];
  const sortKey = (k: string) => {
    const m = /^([a-z]+)(\d+)$/.exec(k)!;
    return order.indexOf(m[1]) * 100 + Number(m[2]);
  };
  const drives = keys.filter((k) => /^(ide|sata|scsi|virtio)\d+$/.test(k)).sort((a, b) => sortKey(a) - sortKey(b));
  const disks = drives.filter((k) => !conf.options[k].includes('media=cdrom'));
  const cdroms = drives.filter((k) => conf.options[k].includes('media=cdrom') && !/cloudinit/.test(conf.options[k]));
  const nets = keys.filter((k) => /^net\d+$/.test(k)).sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  const devs = [...disks.slice(0, 1), ...cdroms, ...nets.slice(0, 1)];
  return devs.length ? `order=${devs.join(';')}` : undefined;
}

/** Every `import-from=` of the call, checked before the guest is touched (check_storage_access). */
function checkImportSources(ctx: SimCtx, call: Call): void {
  for (const [key, value] of Object.entries(call.params)) {
    if (!isDiskKey('qemu', key) || !value.includes('import-from=')) continue;
    const src = parseOption('qemu', key, value)['import-from'];
    if (src) checkImportFrom(ctx, key, src, usageLine(call.spec));
  }
}

/**
 * `qm create`: a new disk (`STORAGE:SIZE`) names a storage that exists and holds images — checked
 * before the create worker, so the message has no "unable to create VM" prefix.
 */
function checkNewDiskStorages(ctx: SimCtx, call: Call): void {
  for (const [key, value] of Object.entries(call.params)) {
    if (!/^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$/.test(key) || /(^|,)media=cdrom(,|$)/.test(value)) continue;
    const m = /^(?:file=)?([^/:\s,]+):(\d+(?:\.\d+)?)(?:,|$)/.exec(value);
    if (!m) continue;
    // PVE: qemu-server src/PVE/API2/Qemu.pm:check_storage_access (storage_config dies; content 'images' as a parameter error)
    const s = ctx.host.storages.find((x) => x.id === m[1]);
    if (!s) throw new SimError(`storage '${m[1]}' does not exist`);
    if (!s.content.includes('images')) throw new SimError(paramErrorText([{ param: 'storage', message: `storage '${m[1]}' does not support vm images` }], usageLine(call.spec)));
  }
}

/**
 * An existing volume attached as a drive (not a new `STORAGE:SIZE`, not `none`/`cdrom`/cloud-init)
 * must be on a known storage, parse on it, and be of content images or iso (a 400 on the drive's key).
 */
// PVE: qemu-server src/PVE/API2/Qemu.pm:$check_storage_access (check_volume_access, then parse_volname: `content type needs to be 'images' or 'iso'`)
function checkExistingVolumes(ctx: SimCtx, call: Call): void {
  for (const [key, value] of Object.entries(call.params)) {
    if (!isDiskKey('qemu', key)) continue;
    const vol = volumePart(value);
    const sv = splitVolid(vol);
    if (!sv || sv.name === 'cloudinit' || /^\d+(\.\d+)?$/.test(sv.name)) continue;
    const vtype = volumeContentType(ctx, sv.storage, sv.name);
    if (vtype !== 'images' && vtype !== 'iso') throw new SimError(paramErrorText([{ param: key, message: "content type needs to be 'images' or 'iso'" }], usageLine(call.spec)));
  }
}

/** An existing ISO volume attached as a drive must say `media=cdrom` (a 400 on the drive's key). */
function checkIsoMedia(ctx: SimCtx, call: Call): void {
  for (const [key, value] of Object.entries(call.params)) {
    if (!isDiskKey('qemu', key) || /(^|,)media=cdrom(,|$)/.test(value)) continue;
    const sv = splitVolid(volumePart(value));
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$check_drive_param (parse_volname type iso)
    if (sv && /^iso\//.test(sv.name) && ctx.host.storages.some((s) => s.id === sv.storage)) {
      throw new SimError(paramErrorText([{ param: key, message: "explicit 'media=cdrom' is required for iso images" }], usageLine(call.spec)));
    }
  }
}

async function create(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  const p = call.params;
  // PVE: qemu-server src/PVE/API2/Qemu.pm:create_vm
  checkSshKeys(p.sshkeys !== undefined ? decodeURIComponent(p.sshkeys) : undefined);
  checkIsoMedia(ctx, call);
  checkImportSources(ctx, call);
  checkNewDiskStorages(ctx, call);
  checkExistingVolumes(ctx, call);
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:create_vm (create_and_lock_config → pve-cluster check_vmid_unused, wrapped in `unable to create VM <id> -`)
    const found = locateGuest(ctx.paths, ctx.host, vmid);
    if (found) throw new SimError(`unable to create VM ${vmid} - ${found.kind === 'lxc' ? 'CT' : 'VM'} ${vmid} already exists on node '${found.node}'`);
    const ref: GuestRef = { kind: 'qemu', node: ctx.host.node, vmid, path: confPath(ctx.paths, ctx.host.node, 'qemu', vmid) };
    // PVE: pve-guest-common src/PVE/AbstractConfig.pm:create_and_lock_config (lock: create while the task runs)
    const conf: GuestConf = { options: { lock: 'create' }, lxc: [], snapshots: {}, extra: {} };
    writeConf(ref, conf);
    try {
      await applyOptions(ctx, vmid, conf, p);
      // PVE: qemu-server src/PVE/API2/Qemu.pm:create_vm (smbios1 uuid only when smbios1 is not given; vmgenid when absent or 1; meta; default boot order)
      if (conf.options.smbios1 === undefined) conf.options.smbios1 = printOption('qemu', 'smbios1', { uuid: uuid(ctx.host.seed, `smbios1:${vmid}`) });
      if (conf.options.vmgenid === undefined || conf.options.vmgenid === '1') conf.options.vmgenid = uuid(ctx.host.seed, `vmgenid:${vmid}`);
      // PVE: qemu-server src/PVE/QemuServer/MetaInfo.pm:new_meta_info_string (our QEMU version: guess)
      conf.options.meta = newMeta(ctx);
      if (conf.options.boot === undefined) {
        const b = defaultBoot(conf);
        if (b) conf.options.boot = b;
      }
      await ctx.guestfs.create(vmid, { kind: 'qemu' });
      delete conf.options.lock;
      writeConf(ref, conf);
    } catch (e) {
      // PVE: qemu-server src/PVE/API2/Qemu.pm:create_vm (volumes freed, `unable to create VM <id> - <error>`)
      for (const { volid } of sectionVolumes('qemu', conf.options)) await freeVolume(ctx, volid);
      const { unlinkSync } = await import('node:fs');
      try {
        unlinkSync(ref.path);
      } catch {
        /* gone */
      }
      throw new SimError(`unable to create VM ${vmid} - ${(e as Error).message}`);
    }
  });
  if (p.start === '1') await start(ctx, call);
}

/**
 * `qm set` keeps `boot: order=` in step with the drives: a deleted device leaves the order, a new
 * cdrom joins it (only when an order is set); a given order must name devices that exist.
 */
// PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (@bootorder; `invalid bootorder: device '<d>' does not exist'`)
function editBootOrder(conf: GuestConf, req: { del: string[]; params: Record<string, string> }): void {
  const orderOf = (boot: string | undefined) => (/(?:^|,)order=([^,]+)/.exec(boot ?? '')?.[1] ?? '').split(/[,;\s]+/).filter(Boolean);
  const current = { ...conf.options, ...(conf.pending?.options ?? {}) };
  if (req.params.boot !== undefined) {
    for (const dev of orderOf(req.params.boot)) {
      if ((current[dev] === undefined && req.params[dev] === undefined) || req.del.includes(dev)) throw new SimError(`invalid bootorder: device '${dev}' does not exist'`);
    }
    return;
  }
  const before = orderOf(conf.options.boot);
  if (!before.length) return;
  let order = before.filter((d) => !req.del.includes(d));
  for (const [k, v] of Object.entries(req.params)) {
    if (isDiskKey('qemu', k) && /(^|,)media=cdrom(,|$)/.test(v) && !/cloudinit/.test(v) && !order.includes(k)) order = [...order, k];
  }
  if (order.join(';') === before.join(';')) return;
  // An empty order is written as `boot: ` (print_bootorder of nothing), which Proxmox's parser then drops: modelled as no boot.
  if (order.length) req.params.boot = `order=${order.join(';')}`;
  else if (!req.del.includes('boot')) req.del.push('boot');
}

async function set(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api
  checkSshKeys(call.params.sshkeys !== undefined ? decodeURIComponent(call.params.sshkeys) : undefined);
  checkDeleteRevertConflicts(call);
  checkIsoMedia(ctx, call);
  checkImportSources(ctx, call);
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api ($check_storage_access on the new disks, as for create)
  checkNewDiskStorages(ctx, call);
  checkExistingVolumes(ctx, call);
  if (call.params.hookscript !== undefined) {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (check_hookscript's error as a 400 on hookscript; qm create does not check it)
    try {
      checkHookscript(ctx, call.params.hookscript);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      throw new SimError(paramErrorText([{ param: 'hookscript', message: `${e.message}\n` }], usageLine(call.spec)));
    }
  }
  await updateGuest(ctx, 'qemu', vmid, async (conf) => {
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (check_lock unless --skiplock)
    checkLock('qemu', conf, call.params.skiplock === '1');
    const list = (v: string | undefined) => (v ?? '').split(/[,;\s]+/).filter(Boolean);
    const req = { del: list(call.params.delete), params: { ...call.params }, revert: list(call.params.revert), force: call.params.force === '1' };
    // PVE: qemu-server src/PVE/API2/Qemu.pm:$update_vm_api (check_protection for unusedN, vmstate and drives removed)
    for (const k of req.del) {
      const val = conf.options[k] ?? conf.pending?.options[k];
      if (val === undefined) continue;
      if (/^unused\d+$/.test(k)) checkProtection(conf, `can't remove unused disk '${volumePart(val)}'`);
      else if (k === 'vmstate') checkProtection(conf, `can't remove vmstate '${val}'`);
      else if (isDiskKey('qemu', k)) checkProtection(conf, `can't remove drive '${k}'`);
    }
    editBootOrder(conf, req);
    await setGuestOptions('qemu', conf, isRunning(ctx, vmid), req, {
      ...pendingHooks(ctx, vmid, conf),
      stored: (k, v) => (NOT_STORED.has(k) ? undefined : /^net\d+$/.test(k) ? normalizeOption('qemu', k, v, ctx.host.seed, vmid) : isDiskKey('qemu', k) ? v : normalizeScalar('qemu', k, v)),
      // Unknown keys (vmid among them) were refused with the other delete checks.
      checkDelete: () => undefined,
    });
  });
}

/** Applying options and deletions now, as a stopped VM's `qm set` does. */
const pendingHooks = (ctx: SimCtx, vmid: number, conf: GuestConf) => ({
  apply: (params: Record<string, string>) => applyOptions(ctx, vmid, conf, params),
  remove: (keys: string[], force: boolean) => deleteOptions(ctx, 'qemu', conf, keys, force),
});

/** Pending changes are applied when the VM starts and when it stops. */
async function applyPendingNow(ctx: SimCtx, ref: GuestRef, conf: GuestConf): Promise<void> {
  if (await applyPending(conf, pendingHooks(ctx, ref.vmid, conf))) writeConf(ref, conf);
}

async function start(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, 'qemu', vmid);
    const conf = readConf(ref);
    // PVE: qemu-server src/PVE/QemuServer.pm:vm_start (template, then the lock unless --skiplock, then running)
    if (isTemplate(conf)) throw new SimError(`you can't start a vm if it's a template`);
    checkLock('qemu', conf, call.params.skiplock === '1');
    if (isRunning(ctx, vmid)) throw new SimError(`VM ${vmid} already running`);
    // PVE: qemu-server src/PVE/QemuServer.pm:vm_start_nolock (vmconfig_apply_pending)
    await applyPendingNow(ctx, ref, conf);
    checkBridges(ctx, conf.options);
    await ctx.guestfs.onStart(vmid, 'qemu', vmIdentity(vmid, conf));
    writeRuntime(ctx.paths, vmid, { status: 'running', startedAt: ctx.now(), pid: 20000 + (vmid % 40000) });
  });
}

/** qm stop/shutdown on a stopped VM return quietly (qemu-server's _do_vm_stop returns early). */
async function stop(ctx: SimCtx, call: Call, graceful: boolean): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, 'qemu', vmid);
    const conf = readConf(ref);
    // PVE: qemu-server src/PVE/QemuServer.pm:_do_vm_stop (returns when not running, then the lock unless --skiplock)
    if (!isRunning(ctx, vmid)) return;
    checkLock('qemu', conf, call.params.skiplock === '1');
    clearRuntime(ctx.paths, vmid);
    await ctx.guestfs.onStop(vmid);
    // PVE: qemu-server src/PVE/QemuServer.pm:_do_vm_stop (vm_stop_cleanup with apply_pending_changes)
    await applyPendingNow(ctx, ref, conf);
  });
}

async function reboot(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    const ref = requireGuest(ctx.paths, ctx.host, 'qemu', vmid);
    const conf = readConf(ref);
    // PVE: qemu-server src/PVE/API2/Qemu.pm:vm_reboot (no lock check: src/PVE/QemuServer.pm:vm_reboot)
    if (!isRunning(ctx, vmid)) throw new SimError(`VM ${vmid} not running`);
    // PVE: qemu-server src/PVE/QemuServer.pm:vm_reboot (stop with vm_stop_cleanup, started again by qmeventd: pending applied)
    await applyPendingNow(ctx, ref, conf);
    writeRuntime(ctx.paths, vmid, { ...readRuntime(ctx.paths, vmid), startedAt: ctx.now() });
  });
}

/** The boot disk's size, as vmstatus reports maxdisk. */
// PVE: qemu-server src/PVE/QemuServer.pm:vmstatus (maxdisk of the boot disk)
function bootDiskBytes(ctx: SimCtx, conf: GuestConf): number {
  let key: string | undefined;
  const order = /order=([^,]+)/.exec(conf.options.boot ?? '')?.[1];
  if (order) key = order.split(';').find((d) => isDiskKey('qemu', d) && conf.options[d] && !conf.options[d].includes('media=cdrom'));
  key ??= conf.options.bootdisk;
  key ??= ['scsi0', 'virtio0', 'sata0', 'ide0'].find((k) => conf.options[k]);
  return key && conf.options[key] ? sizeOf(ctx, conf.options[key]) : 0;
}

// PVE: qemu-server src/PVE/CLI/qm.pm:list; src/PVE/QemuServer.pm:vmstatus (name or `VM <id>`)
function list(ctx: SimCtx): void {
  const rows = listVmids(ctx.paths, ctx.host, 'qemu').map((vmid) => {
    const conf = readConf({ kind: 'qemu', node: ctx.host.node, vmid, path: confPath(ctx.paths, ctx.host.node, 'qemu', vmid) });
    const rt = readRuntime(ctx.paths, vmid);
    return {
      vmid,
      name: conf.options.name || `VM ${vmid}`,
      status: rt.status,
      maxmemBytes: Number(conf.options.memory?.split(',')[0].replace(/^current=/, '') ?? 2048) * 1048576,
      maxdiskBytes: bootDiskBytes(ctx, conf),
      pid: rt.status === 'running' ? (rt.pid ?? 0) : 0,
    };
  });
  ctx.out(printQmList(rows));
}

function status(ctx: SimCtx, call: Call): void {
  const vmid = vmidOf(call);
  const conf = readConf(requireGuest(ctx.paths, ctx.host, 'qemu', vmid));
  const rt = readRuntime(ctx.paths, vmid);
  // PVE: qemu-server src/PVE/CLI/qm.pm:status (`status: <s>`; --verbose: print_recursive_hash of vmstatus)
  if (call.params.verbose !== '1') {
    ctx.out(`status: ${rt.status}\n`);
    return;
  }
  const running = rt.status === 'running';
  // PVE: qemu-server src/PVE/QemuServer.pm:vmstatus (the counters are constants: guess)
  const stat: Record<string, unknown> = {
    agent: conf.options.agent ? (/^(1|enabled=1)/.test(conf.options.agent) ? 1 : 0) : undefined,
    cpus: Number(conf.options.cores ?? 1) * Number(conf.options.sockets ?? 1),
    disk: 0,
    diskread: 0,
    diskwrite: 0,
    lock: conf.options.lock,
    maxdisk: bootDiskBytes(ctx, conf),
    maxmem: Number(conf.options.memory ?? 2048) * 1048576,
    mem: running ? 256 * 1048576 : 0,
    name: conf.options.name || `VM ${vmid}`,
    netin: 0,
    netout: 0,
    pid: running ? rt.pid : undefined,
    qmpstatus: running ? 'running' : undefined,
    status: rt.status,
    template: isTemplate(conf) ? 1 : undefined,
    uptime: running ? Math.floor((ctx.now() - (rt.startedAt ?? ctx.now())) / 1000) : 0,
    vmid,
  };
  for (const k of Object.keys(stat).sort()) ctx.out(printRecursive(k, stat[k]));
}

async function importDisk(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  const p = call.params;
  await updateGuest(ctx, 'qemu', vmid, async (conf) => {
    // PVE: qemu-server src/PVE/CLI/qm.pm:importdisk (lock, source, `storage <id> does not support vm images` unquoted, output lines)
    checkLock('qemu', conf);
    const src = resolveDiskImportSource(ctx, p.source);
    const s = getStorage(ctx.host, p.storage);
    if (!s.content.includes('images')) throw new SimError(`storage ${p.storage} does not support vm images`);
    ctx.out(`importing disk '${p.source}' to VM ${vmid} ...\n`);
    const volid = await allocDisk(ctx, p.storage, 'qemu', vmid, src.size, { fmt: p.format ?? 'raw' });
    if (s.type === 'lvmthin' || s.type === 'lvm') ctx.out(`  Logical volume "${splitVolid(volid)!.name}" created.\n`);
    const total = formatSize(src.size);
    ctx.out(`transferred 0.0 B of ${total} (0.00%)\ntransferred ${total} of ${total} (100.00%)\n`);
    // PVE: qemu-server src/PVE/QemuServer/ImportDisk.pm:do_import (to target-disk, else the next unusedN)
    const target = p['target-disk'];
    if (target && !target.startsWith('unused')) {
      conf.options[target] = `${volid},size=${formatSize(src.size)}`;
      ctx.out(`${target}: successfully imported disk '${conf.options[target]}'\n`);
    } else {
      addUnused(conf, volid);
      const key = Object.entries(conf.options).find(([k, v]) => /^unused\d+$/.test(k) && v === volid)![0];
      ctx.out(`${key}: successfully imported disk '${volid}'\n`);
    }
  });
}

/** assert_agent_available + "booted": the agent answers once the guest has been up bootMs. */
// PVE: qemu-server src/PVE/QemuServer/Agent.pm:assert_agent_available (the boot delay before qemu-ga answers: guess)
function assertAgent(ctx: SimCtx, vmid: number): void {
  const conf = readConf(requireGuest(ctx.paths, ctx.host, 'qemu', vmid));
  const agent = conf.options.agent;
  if (!agent || !/^(1|enabled=1)(,|$)/.test(agent)) throw new SimError('No QEMU guest agent configured');
  const rt = readRuntime(ctx.paths, vmid);
  if (rt.status !== 'running') throw new SimError(`VM ${vmid} is not running`);
  if (ctx.now() - (rt.startedAt ?? 0) < ctx.bootMs) throw new SimError('QEMU guest agent is not running');
}

/**
 * qm guest exec: synchronous by default, polling up to --timeout seconds (0: no limit); when the
 * limit is reached Proxmox warns and prints the pid instead. --synchronous 0 prints the pid at once.
 */
async function guestExec(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  const timeout = Number(call.params.timeout ?? 30);
  const sync = call.params.synchronous !== '0';
  // PVE: qemu-server src/PVE/CLI/qm.pm:exec (checked before anything else; default timeout 30, 0 = no limit)
  if (!sync && call.params.timeout !== undefined) {
    throw new SimError(paramErrorText([{ param: 'synchronous', message: "needs to be set for 'timeout'" }], usageLine(call.spec)));
  }
  assertAgent(ctx, vmid);
  // PVE: qemu-server src/PVE/QemuServer/Agent.pm:qemu_exec
  if (call.extra.length === 0 && call.params['pass-stdin'] !== '1') throw new SimError('command or input-data (or both) required');
  const stdin = call.params['pass-stdin'] === '1' ? ctx.stdin : undefined;
  const r = await ctx.guestfs.exec(vmid, call.extra, { stdin, timeoutMs: sync && timeout > 0 ? timeout * 1000 : undefined });
  const res: Record<string, unknown> = { exitcode: r.exitCode, exited: 1 };
  if (r.stdout) res['out-data'] = r.stdout;
  if (r.stderr) res['err-data'] = r.stderr;
  if (sync && !r.timedOut) {
    ctx.out(perlJsonPretty(res));
    return;
  }
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    const rt = readRuntime(ctx.paths, vmid);
    // The lowest pid no unreported process holds: once every status is fetched the table is
    // empty again, so reading through the agent (a plan's marker reads) leaves no trace.
    let pid = 1000;
    while (rt.execs?.[pid]) pid++;
    delete rt.nextExecPid;
    rt.execs = { ...(rt.execs ?? {}), [pid]: { exitcode: r.exitCode, stdout: r.stdout, stderr: r.stderr } };
    writeRuntime(ctx.paths, vmid, rt);
    // PVE: qemu-server src/PVE/CLI/qm.pm:exec
    if (r.timedOut) ctx.err('timeout reached, returning pid\n');
    ctx.out(perlJsonPretty({ pid }));
  });
}

async function guestExecStatus(ctx: SimCtx, call: Call): Promise<void> {
  const vmid = vmidOf(call);
  assertAgent(ctx, vmid);
  await withGuestLock(ctx, 'qemu', vmid, async () => {
    const rt = readRuntime(ctx.paths, vmid);
    const e = rt.execs?.[call.params.pid];
    // PVE: guess (qemu-ga's answer to an unknown pid, through qemu-server src/PVE/QemuServer/Agent.pm:agent_cmd)
    if (!e) throw new SimError(`Agent error: Invalid parameter 'pid'`);
    // Like qemu-ga: a process whose exit was reported is forgotten (asking again is an error).
    delete rt.execs![call.params.pid];
    if (!Object.keys(rt.execs!).length) delete rt.execs;
    writeRuntime(ctx.paths, vmid, rt);
    const res: Record<string, unknown> = { exitcode: e.exitcode, exited: 1 };
    if (e.stdout) res['out-data'] = e.stdout;
    if (e.stderr) res['err-data'] = e.stderr;
    ctx.out(perlJsonPretty(res));
  });
}

function agentCmd(ctx: SimCtx, call: Call): void {
  const vmid = vmidOf(call);
  assertAgent(ctx, vmid);
  if (call.params.command === 'network-get-interfaces') {
    // PVE: qemu-server src/PVE/CLI/qm.pm:$print_agent_result (the result as pretty, canonical JSON)
    const conf = readConf(requireGuest(ctx.paths, ctx.host, 'qemu', vmid));
    ctx.out(perlJsonPretty(agentInterfaceRows(runningInterfaces(vmid, vmIdentity(vmid, conf).interfaces))));
    return;
  }
  // PVE: guess (only `ping` and `network-get-interfaces` are simulated)
  if (call.params.command !== 'ping') throw new SimError(`qm agent ${call.params.command}: not simulated`);
}

async function cloudinitUpdate(ctx: SimCtx, call: Call): Promise<void> {
  // PVE: qemu-server src/PVE/API2/Qemu.pm:cloudinit_update (under the config lock, check_lock)
  await updateGuest(ctx, 'qemu', vmidOf(call), (conf) => {
    checkLock('qemu', conf);
  });
}

export async function runQm(ctx: SimCtx, call: Call): Promise<number> {
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
      configCommand(ctx, call, 'qemu');
      return 0;
    case 'pending':
      pendingCommand(ctx, call, 'qemu');
      return 0;
    case 'listsnapshot':
      listSnapshots(ctx, call, 'qemu');
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
    case 'disk resize':
      await doResize(ctx, 'qemu', vmid, p.disk, p.size, p.skiplock === '1');
      return 0;
    case 'snapshot':
      await doSnapshot(ctx, 'qemu', vmid, p.snapname, p.description, { vmstate: p.vmstate === '1' });
      return 0;
    case 'delsnapshot':
      await doDelSnapshot(ctx, 'qemu', vmid, p.snapname);
      return 0;
    case 'rollback':
      // PVE: qemu-server src/PVE/API2/Qemu.pm:rollback (--start only when the rollback did not resume it)
      if ((await doRollback(ctx, 'qemu', vmid, p.snapname)).resume || p.start === '1') await start(ctx, call);
      return 0;
    case 'template':
      await doTemplate(ctx, 'qemu', vmid);
      return 0;
    case 'destroy':
      await doDestroy(ctx, 'qemu', vmid, { purge: p.purge === '1', skiplock: p.skiplock === '1', unreferenced: p['destroy-unreferenced-disks'] === '1' });
      return 0;
    case 'clone':
      await cloneGuest(ctx, 'qemu', call);
      return 0;
    case 'disk import':
      await importDisk(ctx, call);
      return 0;
    case 'cloudinit update':
      await cloudinitUpdate(ctx, call);
      return 0;
    case 'guest cmd':
      agentCmd(ctx, call);
      return 0;
    case 'guest exec':
      await guestExec(ctx, call);
      return 0;
    case 'guest exec-status':
      await guestExecStatus(ctx, call);
      return 0;
    case 'unlock':
      await unlock(ctx, call, 'qemu');
      return 0;
    // PVE: guess (commands outside the simulated set)
    default:
      throw new SimError(`qm ${call.command}: not simulated`);
  }
}
