// The LXC plan, in the order apply runs it: defined (create or clone) → configuration as a diff →
// (restart if a change needs it) → start → pre-configured snapshot → features → health checks →
// final snapshots. Planned from the world's values only (observed, or as earlier actions leave
// them); each action is taken only on a difference, so a second converge plans nothing.

import { firstBindMount, lxcSnapshotNames, type LxcGuest } from '../../model/guest.js';
import { parseLxcRootfs, mountPointSizeBytes, GiB } from '../../proxmox/codecs/index.js';
import type { GuestConfig, PveParams } from '../../proxmox/types.js';
import type { GuestMode, GuestPlan } from '../../plan/types.js';
import { overallSymbol } from '../../plan/types.js';
import { configurePhase, observeOrDefine } from '../common/define.js';
import { planFirewall } from '../common/firewall.js';
import { checksOf, featuresOf, planChecks, planFeatures } from '../common/in-guest.js';
import { asParams, diffOptions } from '../common/options.js';
import { planSnapshot } from '../common/snapshots.js';
import { cloneSourceLockNote } from '../common/recover.js';
import { GuestFailure, type PlanContext } from '../context.js';
import { ALLOCATED } from '../predict.js';
import { StepRecorder } from '../recorder.js';
import { planMounts } from './mounts.js';
import { createOnlyLxcOptions, desiredLxcOptions, ostemplateOf } from './options.js';
import { desiredRawLxc, rawLxcEqual } from './raw-lines.js';

const T = 'lxc' as const;

/** The options `pct create` will store, as `pct config` would print them. */
function predictedCreateOptions(g: LxcGuest, ctx: PlanContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of [...desiredLxcOptions(g, ctx.config.host), ...createOnlyLxcOptions(g, ctx.config.host)]) out[d.key] = d.value;
  for (const [k, v] of Object.entries(planMounts(g, {}).set)) out[k] = String(v).replace(/^([^:,]+):(\d+(?:\.\d+)?)(?=,|$)/, `$1:${ALLOCATED},size=$2G`);
  if (g.storage && g.rootfsSizeGb) out.rootfs = `${g.storage}:${ALLOCATED},size=${g.rootfsSizeGb}G`;
  return out;
}

async function define(g: LxcGuest, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  if (g.cloneFrom !== undefined) {
    const src = ctx.config.guests.get(g.cloneFrom);
    // The source as this run leaves it (created, or converged, earlier in the run's order).
    const srcStatus = await ctx.reader.status(T, g.cloneFrom);
    if (!srcStatus) throw new GuestFailure(g.id, `clone source ${g.cloneFrom} does not exist and is not made by this run`);
    const params: PveParams = { hostname: g.name };
    // A normal CT is cloned from a snapshot (Proxmox refuses a running CT without one); a
    // template can be cloned directly (linked by default, full when asked).
    const snap = src?.snapshots.templateSnapshotName;
    if (!srcStatus.template && snap) params.snapname = snap;
    if (g.storage && (!srcStatus.template || g.fullClone)) params.storage = g.storage;
    if (srcStatus.template && g.fullClone) params.full = 1;
    const how = params.snapname ? ` (snapshot ${params.snapname})` : '';
    const foreign = cloneSourceLockNote(ctx.inflight, g.cloneFrom, srcStatus.lock);
    if (foreign) rec.notes.push(foreign);
    rec.step('clone', '+', `clone ${g.cloneFrom} → ${g.id}${how}`, { reason: 'guest does not exist', changes: paramChanges(params) }, { kind: 'clone', type: T, source: g.cloneFrom, vmid: g.id, params, name: g.name });
    return;
  }
  const ostemplate = ostemplateOf(g);
  if (!ostemplate) throw new GuestFailure(g.id, `container ${g.id} does not exist and has neither "template" nor "clone_from_ctid" to create it from`);
  const params: PveParams = { ...asParams(desiredLxcOptions(g, ctx.config.host)), ...asParams(createOnlyLxcOptions(g, ctx.config.host)) };
  if (g.sshPublicKeys?.length) params['ssh-public-keys'] = g.sshPublicKeys.join('\n');
  if (g.storage && g.rootfsSizeGb) params.rootfs = `${g.storage}:${g.rootfsSizeGb}`;
  else if (g.storage) params.storage = g.storage;
  const mounts = planMounts(g, {});
  Object.assign(params, mounts.set);
  rec.step(
    'create',
    '+',
    `create ${g.id} from ${ostemplate}`,
    {
      reason: 'guest does not exist',
      changes: paramChanges(params),
      createConfig: () => ({ options: predictedCreateOptions(g, ctx), rawLxc: [] }),
    },
    { kind: 'create', type: T, vmid: g.id, params, ostemplate, name: g.name },
  );
}

/** Create-time settings that differ on the guest (Proxmox cannot change them after create). */
function recreateReasons(g: LxcGuest, cfg: GuestConfig, ctx: PlanContext): string[] {
  const out: string[] = [];
  // A clone takes these from its source: re-cloning would not change them.
  if (g.cloneFrom === undefined)
    for (const d of createOnlyLxcOptions(g, ctx.config.host)) {
      const have = cfg.options[d.key] ?? (d.key === 'unprivileged' ? '0' : undefined);
      if (have !== undefined && have !== d.value) out.push(`${d.key}: ${have} → ${d.value}`);
    }
  // The root disk's storage (a linked clone of a template lives on its source's storage).
  const vol = cfg.options.rootfs ? /^([^:,]+):/.exec(cfg.options.rootfs)?.[1] : undefined;
  if (g.storage && vol && vol !== g.storage && (g.cloneFrom === undefined || g.fullClone || !ctx.world.get(g.cloneFrom)?.status.template)) {
    out.push(`rootfs storage: ${vol} → ${g.storage}`);
  }
  return out;
}

/** Every attribute a create/clone sets, shown in the plan (keys a person can check). */
export function paramChanges(params: PveParams): Array<{ key: string; after: string; live: boolean }> {
  return Object.entries(params).map(([key, v]) => ({ key, after: key === 'ssh-public-keys' ? `${String(v).split('\n').length} key(s)` : String(v), live: true }));
}

/** Options that differ, mount points, disk growth, raw lines, firewall. Returns whether a restart is needed. */
async function configure(g: LxcGuest, cfg: GuestConfig, running: boolean, rec: StepRecorder, ctx: PlanContext): Promise<boolean> {
  const host = ctx.config.host;
  const diff = diffOptions('pct', desiredLxcOptions(g, host), cfg.options);
  const mounts = planMounts(g, cfg.options);
  if (mounts.errors.length) throw new GuestFailure(g.id, mounts.errors[0], mounts.errors.slice(1));
  for (const u of mounts.unmanaged) rec.notes.push(`mount point ${u} is not in the config (kept)`);
  const params = { ...diff.params, ...mounts.set };
  const changes = [...diff.changes, ...mounts.changes];
  let restart = false;
  if (changes.length) {
    const needRestart = running && changes.some((c) => !c.live);
    restart ||= needRestart;
    rec.step('set', '~', `set ${changes.map((c) => c.key).join(', ')}`, { changes, reason: 'differs from the config' }, { kind: 'set', type: T, vmid: g.id, params, owesRestart: needRestart });
  }

  // Disk growth: rootfs and volumes only grow (shrinking is refused before anything runs).
  if (g.rootfsSizeGb && cfg.options.rootfs) {
    const have = mountPointSizeBytes(parseLxcRootfs(cfg.options.rootfs));
    const want = g.rootfsSizeGb * GiB;
    if (have !== undefined && want < have) {
      throw new GuestFailure(g.id, `storage_size_gb ${g.rootfsSizeGb} is smaller than the existing root disk (${have / GiB}G); disks only grow`);
    }
    if (have !== undefined && want > have) {
      const ch = [{ key: 'rootfs size', before: `${have / GiB}G`, after: `${g.rootfsSizeGb}G`, live: true }];
      rec.step('resize', '~', `resize rootfs to ${g.rootfsSizeGb}G`, { changes: ch }, { kind: 'resize', type: T, vmid: g.id, disk: 'rootfs', size: `${g.rootfsSizeGb}G` });
    }
  }
  for (const r of mounts.resize) {
    const ch = [{ key: `${r.disk} size`, before: r.from, after: r.size, live: true }];
    rec.step('resize', '~', `resize ${r.disk} to ${r.size}`, { changes: ch }, { kind: 'resize', type: T, vmid: g.id, disk: r.disk, size: r.size });
  }

  const raw = desiredRawLxc(g);
  if (!rawLxcEqual(raw, cfg.rawLxc)) {
    const fmt = (es: Array<[string, string]>) => es.map(([k, v]) => `${k}: ${v}`).join('; ') || '(none)';
    const ch = [{ key: 'lxc.*', before: fmt(cfg.rawLxc), after: fmt(raw), live: false }];
    restart ||= running;
    rec.step('raw-lxc', '~', 'raw lxc.* lines', { changes: ch, reason: 'differ from the config' }, { kind: 'raw-lxc', vmid: g.id, entries: raw, owesRestart: running });
  }

  await planFirewall(g, rec, ctx);
  return restart;
}

/** Plan one container from the world's values. */
export async function planLxc(g: LxcGuest, mode: GuestMode, ctx: PlanContext): Promise<GuestPlan> {
  const rec = new StepRecorder(ctx.world);
  const features = featuresOf(g, ctx); // unknown features fail before anything runs
  const defined = await observeOrDefine(
    T,
    g,
    rec,
    ctx,
    () => define(g, rec, ctx),
    (cfg) => recreateReasons(g, cfg, ctx),
  );
  if (defined.templateOnHost) return finish(g, mode, rec);
  const { existed } = defined;
  // Dependencies of `create` that already exist are not reconfigured: only running and healthy.
  const full = mode === 'converge' || !existed || Boolean(ctx.unconfigured?.has(g.id));
  const configChanged = full ? await configurePhase(T, g, defined, rec, ctx, (cfg, isRunning) => configure(g, cfg, isRunning, rec, ctx)) : false;
  const status = await ctx.reader.status(T, g.id);
  if (status?.status !== 'running') {
    rec.step('start', '+', `start ${g.id}`, { reason: existed ? 'stopped' : 'new guest' }, { kind: 'start', type: T, vmid: g.id });
  }
  if (!full) {
    planChecks(g, checksOf(g, features), rec);
    return finish(g, mode, rec);
  }
  // Proxmox refuses to snapshot a CT with a bind mount (validate warns): its snapshots are skipped.
  const bind = firstBindMount(g);
  if (bind && !g.isTemplate && lxcSnapshotNames(g).length) {
    rec.notes.push(`snapshots ${lxcSnapshotNames(g).join(', ')} not taken: mount_points[${bind.index}] (${bind.mount.hostPath}) is a bind mount, and Proxmox cannot snapshot a container with one`);
  }
  // A template has no snapshots (pct template refuses a CT with snapshots, and a template cannot be
  // snapshotted): an is_template CT's configured snapshots are not taken (validate says so), and one
  // that has snapshots is not converted: deleting them is the user's call.
  const snapshotting = !bind && !g.isTemplate;
  const have = (await ctx.reader.listSnapshots(T, g.id)).map((s) => s.name);
  if (g.isTemplate && have.length) {
    throw new GuestFailure(g.id, `container ${g.id} has snapshots (${have.join(', ')}) and Proxmox cannot make a template of a CT with snapshots; delete them (pct delsnapshot ${g.id} NAME) and run again`);
  }
  const snaps = new Set(have);
  // pre-configured records the guest before its features first ran; retaking it later would
  // capture the features too, so it is only ever taken when missing.
  if (g.snapshots.lifecycle && snapshotting) planSnapshot(T, g.id, 'pre-configured', snaps, false, rec);
  const featuresRun = await planFeatures(g, features, rec, ctx);
  planChecks(g, checksOf(g, features), rec);
  const finals = new Set<string>();
  if (g.snapshots.lifecycle) finals.add('final-form');
  if (g.snapshots.templateSnapshotName) finals.add(g.snapshots.templateSnapshotName);
  for (const name of g.snapshots.named) finals.add(name);
  const stale = existed && (configChanged || featuresRun === true) ? true : existed && featuresRun === 'at-apply' ? 'if-features-ran' : false;
  if (snapshotting) for (const name of finals) planSnapshot(T, g.id, name, snaps, stale, rec);
  if (g.isTemplate) {
    // Proxmox refuses to start a template and to convert a running CT: provision, stop, convert once.
    rec.step('template', '+', `shut down and convert ${g.id} to a template`, { reason: 'is_template' }, { kind: 'template', type: T, vmid: g.id, cloudInitClean: false });
  }
  return finish(g, mode, rec);
}

function finish(g: LxcGuest, mode: GuestMode, rec: StepRecorder): GuestPlan {
  return { id: g.id, kind: 'lxc', name: g.name, mode, symbol: overallSymbol(rec.steps), steps: rec.steps, notes: rec.notes };
}
