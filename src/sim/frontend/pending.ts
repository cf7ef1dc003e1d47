// Pending changes: what `pct set`/`qm set` on a running guest applies at once (fast-plug and
// hot-pluggable options) and what it queues in the config's pending section until the next
// start; how `pct/qm config` and `pct/qm pending` show them.

import type { ConfSection, GuestConf } from '../state/conf.js';
import { encodeText } from '../state/conf.js';
import { isDiskKey } from '../state/volumes.js';

export const pendingOf = (conf: GuestConf): ConfSection => (conf.pending ??= { options: {}, lxc: [] });

/** `delete: a,!b` → key → forced. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:parse_pending_delete
export function parsePendingDelete(value: string | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const entry of (value ?? '').split(/[,;\s]+/).filter(Boolean)) out.set(entry.replace(/^!/, ''), entry.startsWith('!'));
  return out;
}

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:print_pending_delete
function setPendingDelete(conf: GuestConf, del: Map<string, boolean>): void {
  const p = pendingOf(conf);
  if (del.size)
    p.options.delete = [...del.keys()]
      .sort()
      .map((k) => (del.get(k) ? `!${k}` : k))
      .join(',');
  else delete p.options.delete;
}

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:add_to_pending_delete
export function addPendingDelete(conf: GuestConf, key: string, force = false): void {
  const del = parsePendingDelete(conf.pending?.options.delete);
  del.set(key, force);
  setPendingDelete(conf, del);
}

// PVE: pve-guest-common src/PVE/AbstractConfig.pm:remove_from_pending_delete
export function removePendingDelete(conf: GuestConf, key: string): void {
  const del = parsePendingDelete(conf.pending?.options.delete);
  if (!del.delete(key)) return;
  setPendingDelete(conf, del);
}

/** Drops pending values equal to the current ones and deletions of unset options. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:cleanup_pending
export function cleanupPending(conf: GuestConf): void {
  const p = conf.pending;
  if (!p) return;
  for (const [k, v] of Object.entries(p.options)) if (k !== 'delete' && conf.options[k] === v) delete p.options[k];
  const del = parsePendingDelete(p.options.delete);
  for (const k of [...del.keys()]) if (conf.options[k] === undefined) del.delete(k);
  setPendingDelete(conf, del);
  if (!Object.keys(p.options).length && !p.lxc.length) delete conf.pending;
}

/** Reverts pending changes of the given options (`--revert`). */
export function revertPending(conf: GuestConf, keys: string[]): void {
  for (const k of keys) {
    if (conf.pending) delete conf.pending.options[k];
    removePendingDelete(conf, k);
  }
}

// PVE: pve-container src/PVE/LXC/Config.pm:$LXC_FASTPLUG_OPTIONS
const LXC_FASTPLUG = new Set(['description', 'onboot', 'startup', 'protection', 'hostname', 'hookscript', 'cores', 'tags', 'lock']);

/**
 * Whether a running CT takes this change at once (value undefined: a deletion). New mount points
 * and devices are hot-plugged; a change of an existing mpN stays pending (`die "skip"`).
 */
// PVE: pve-container src/PVE/LXC/Config.pm:vmconfig_hotplug_pending
export function lxcHotplugs(conf: GuestConf, key: string, value: string | undefined): boolean {
  if (LXC_FASTPLUG.has(key)) return true;
  if (value === undefined) return /^unused\d+$/.test(key) || key === 'swap' || key === 'cpulimit' || key === 'cpuunits' || /^net\d+$/.test(key);
  if (['cpulimit', 'cpuunits', 'memory', 'swap'].includes(key) || /^net\d+$/.test(key)) return true;
  if (/^(mp|dev)\d+$/.test(key)) return conf.options[key] === undefined;
  return false;
}

// PVE: qemu-server src/PVE/QemuServer.pm:$fast_plug_option (with every $confdesc_cloudinit key)
const QEMU_FASTPLUG = new Set(['description', 'hookscript', 'lock', 'migrate_downtime', 'migrate_speed', 'name', 'onboot', 'protection', 'shares', 'startup', 'tags', 'vmstatestorage', 'citype', 'ciuser', 'cipassword', 'ciupgrade', 'cicustom', 'searchdomain', 'nameserver', 'sshkeys']);
const isQemuFastPlug = (key: string) => QEMU_FASTPLUG.has(key) || /^ipconfig\d+$/.test(key);

/** The `hotplug` option: default `network,disk,usb`; `0` none; `1` the default. */
// PVE: qemu-server src/PVE/QemuServer.pm:parse_hotplug_features
function hotplugFeatures(conf: GuestConf): Set<string> {
  const v = conf.options.hotplug ?? '1';
  if (v === '0') return new Set();
  return new Set((v === '1' ? 'network,disk,usb' : v).split(/[,;\s]+/).filter(Boolean));
}

const agentEnabled = (v: string | undefined) => v !== undefined && /^(1|enabled=1)(,|$)/.test(v);

/**
 * Whether a running VM takes this change at once (value undefined: a deletion). cores, cpu,
 * memory (without memory hotplug), enabling/disabling the agent or the balloon device stay pending.
 */
// PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_hotplug_pending
export function qemuHotplugs(conf: GuestConf, key: string, value: string | undefined): boolean {
  if (isQemuFastPlug(key)) return true;
  const hp = hotplugFeatures(conf);
  if (key === 'cpuunits' || key === 'cpulimit') return true;
  if (/^net\d+$/.test(key)) return hp.has('network');
  if (key === 'memory') return hp.has('memory');
  if (key === 'vcpus') return hp.has('cpu');
  if (key === 'balloon') {
    if (value === undefined) return conf.options.balloon !== '0';
    return ((conf.options.balloon ?? '1') !== '0') === (value !== '0');
  }
  if (isDiskKey('qemu', key)) {
    if (/^(efidisk|tpmstate)\d+$/.test(key) || /cloudinit/.test(value ?? '')) return false;
    // A drive on ide/sata cannot be hot-(un)plugged; scsi/virtio can with disk hotplug.
    // PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_update_disk (ide/sata: guess for a new drive)
    return hp.has('disk') && !/^(ide|sata)\d+$/.test(key);
  }
  // PVE: qemu-server src/PVE/QemuServer.pm:vmconfig_update_agent (only fstrim_cloned_disks is hot; an enable/disable is not)
  if (key === 'agent' && value !== undefined) return conf.options.agent !== undefined && agentEnabled(conf.options.agent) === agentEnabled(value) && sameAgentExceptFstrim(conf.options.agent, value);
  return false;
}

function sameAgentExceptFstrim(a: string, b: string): boolean {
  const norm = (v: string) =>
    v
      .split(',')
      .map((p) => (p.includes('=') ? p : `enabled=${p}`))
      .filter((p) => !p.startsWith('fstrim_cloned_disks='))
      .sort()
      .join(',');
  return norm(a) === norm(b);
}

/** The config as `pct/qm config` print it by default: pending values in, pending deletions out. */
// PVE: pve-guest-common src/PVE/AbstractConfig.pm:load_current_config
export function withPending(conf: GuestConf): ConfSection {
  const options = { ...conf.options };
  const p = conf.pending;
  if (p) {
    for (const [k, v] of Object.entries(p.options)) if (k !== 'delete') options[k] = v;
    for (const k of parsePendingDelete(p.options.delete).keys()) delete options[k];
  }
  return { options, lxc: conf.lxc };
}

/** `pct pending` / `qm pending`: cur/new/del lines sorted by key (raw lxc.* entries are not listed). */
// PVE: pve-guest-common src/PVE/GuestHelpers.pm:config_with_pending_array, format_pending
export function printPending(conf: GuestConf): string {
  const pend = { ...(conf.pending?.options ?? {}) };
  const del = parsePendingDelete(pend.delete);
  delete pend.delete;
  const keys = [...new Set([...Object.keys(conf.options), ...Object.keys(pend), ...del.keys()])].sort();
  let out = '';
  for (const k of keys) {
    if (k === 'digest') continue;
    let v = conf.options[k];
    let n = pend[k];
    if (k === 'description') {
      v = v === undefined ? v : encodeText(v);
      n = n === undefined ? n : encodeText(n);
    }
    if (v !== undefined) {
      if (del.has(k)) out += `del ${k}: ${v}\n`;
      else if (n !== undefined) out += `cur ${k}: ${v}\nnew ${k}: ${n}\n`;
      else out += `cur ${k}: ${v}\n`;
    } else if (n !== undefined) out += `new ${k}: ${n}\n`;
  }
  return out;
}

export interface SetRequest {
  del: string[];
  params: Record<string, string>;
  revert: string[];
  force: boolean;
}

export interface SetHooks {
  /** Applies options now (allocating volumes, normalising values) as a stopped guest's set does. */
  apply(params: Record<string, string>): Promise<void>;
  /** Deletes options now (detached disks become unusedN, or are destroyed when forced). */
  remove(keys: string[], force: boolean): Promise<void>;
  /** The value a queued option is stored with (undefined: not a config option). */
  stored(key: string, value: string): string | undefined;
  /** Refusals that happen whether the deletion is applied or queued. */
  checkDelete(key: string): void;
}

/**
 * `pct set` / `qm set`: every change is first a pending one; a stopped guest gets the changed
 * options applied at once, a running one only what it can take live (the rest stays queued).
 */
// PVE: pve-container src/PVE/LXC/Config.pm:update_pct_config; qemu-server src/PVE/API2/Qemu.pm:$update_vm_api
export async function setGuestOptions(kind: 'lxc' | 'qemu', conf: GuestConf, running: boolean, req: SetRequest, hooks: SetHooks): Promise<void> {
  revertPending(conf, req.revert);
  const hot = (k: string, v: string | undefined) => !running || (kind === 'lxc' ? lxcHotplugs(conf, k, v) : qemuHotplugs(conf, k, v));
  const delNow: string[] = [];
  for (const k of req.del) {
    if (hot(k, undefined)) {
      delNow.push(k);
      continue;
    }
    hooks.checkDelete(k);
    if (conf.options[k] === undefined && conf.pending?.options[k] === undefined) continue; // warned by remove() below
    if (conf.pending) delete conf.pending.options[k];
    addPendingDelete(conf, k, req.force);
  }
  const now: Record<string, string> = {};
  const later: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.params)) (hot(k, v) ? now : later)[k] = v;
  for (const k of [...delNow, ...Object.keys(now)]) {
    if (conf.pending) delete conf.pending.options[k];
    removePendingDelete(conf, k);
  }
  await hooks.remove([...delNow, ...req.del.filter((k) => !delNow.includes(k) && conf.options[k] === undefined && conf.pending?.options[k] === undefined)], req.force);
  await hooks.apply(now);
  for (const [k, v] of Object.entries(later)) {
    const value = hooks.stored(k, v);
    if (value === undefined) continue;
    pendingOf(conf).options[k] = value;
    removePendingDelete(conf, k);
  }
  cleanupPending(conf);
}

/** At start (and a CT's reboot, a VM's stop): every pending change is applied. */
// PVE: pve-container src/PVE/LXC.pm:vm_start; qemu-server src/PVE/QemuServer.pm:vm_start_nolock, vm_stop_cleanup (vmconfig_apply_pending)
export async function applyPending(conf: GuestConf, hooks: Pick<SetHooks, 'apply' | 'remove'>): Promise<boolean> {
  const p = conf.pending;
  if (!p) return false;
  const del = parsePendingDelete(p.options.delete);
  const values = { ...p.options };
  delete values.delete;
  delete conf.pending;
  const present = (k: string) => conf.options[k] !== undefined;
  await hooks.remove(
    [...del].filter(([k, f]) => !f && present(k)).map(([k]) => k),
    false,
  );
  await hooks.remove(
    [...del].filter(([k, f]) => f && present(k)).map(([k]) => k),
    true,
  );
  await hooks.apply(values);
  return true;
}
