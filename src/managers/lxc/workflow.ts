// The LXC workflow, in the order the issue gives: ensure defined → apply configuration as a diff
// → (restart if a change needs it) → start → pre-configured snapshot → features → health checks
// → final snapshots. Each step observes, acts only on a difference, and is safe to re-run: a
// second converge with no config change makes no mutating call.

import { firstBindMount, lxcSnapshotNames, type LxcGuest } from '../../model/guest.js';
import { parseLxcRootfs, mountPointSizeBytes, GiB } from '../../proxmox/codecs/index.js';
import type { GuestConfig, PveParams } from '../../proxmox/types.js';
import type { GuestMode, GuestPlan } from '../../plan/types.js';
import { overallSymbol } from '../../plan/types.js';
import { withCloneSource } from '../common/clone-source.js';
import { configurePhase, observeOrDefine } from '../common/define.js';
import { ensureFirewall } from '../common/firewall.js';
import { checksOf, featuresOf, runChecks, runFeatures } from '../common/in-guest.js';
import { asParams, diffOptions } from '../common/options.js';
import { ensureSnapshot } from '../common/snapshots.js';
import { journaled, stampDefine } from '../inflight.js';
import { cloneSourceLockNote } from '../common/recover.js';
import { isLocked, lockReason, PveCommandError } from '../../proxmox/errors.js';
import { GuestFailure, type WorkflowContext } from '../context.js';
import { StepRecorder } from '../recorder.js';
import { planMounts } from './mounts.js';
import { createOnlyLxcOptions, desiredLxcOptions, ostemplateOf } from './options.js';
import { desiredRawLxc, rawLxcEqual } from './raw-lines.js';

const T = 'lxc' as const;

/** The options `pct create` will store, as `pct config` would print them. */
function predictedCreateOptions(g: LxcGuest, ctx: WorkflowContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of desiredLxcOptions(g, ctx.config.host)) out[d.key] = d.value;
  Object.assign(out, planMounts(g, {}).set);
  if (g.storage && g.rootfsSizeGb) out.rootfs = `${g.storage}:vm-${g.id}-disk-0,size=${g.rootfsSizeGb}G`;
  return out;
}

async function define(g: LxcGuest, rec: StepRecorder, ctx: WorkflowContext): Promise<void> {
  const { driver } = ctx;
  if (g.cloneFrom !== undefined) {
    const src = ctx.config.guests.get(g.cloneFrom);
    // Read in both modes: in a plan, a source created earlier in the same run reads as absent.
    const srcStatus = await driver.status(T, g.cloneFrom);
    const params: PveParams = { hostname: g.name };
    // A normal CT is cloned from a snapshot (Proxmox refuses a running CT without one); a
    // template can be cloned directly (linked by default, full when asked).
    const snap = src?.snapshots.templateSnapshotName;
    if (!srcStatus?.template && snap) params.snapname = snap;
    if (g.storage && (!srcStatus?.template || g.fullClone)) params.storage = g.storage;
    if (srcStatus?.template && g.fullClone) params.full = 1;
    const how = params.snapname ? ` (snapshot ${params.snapname})` : '';
    await rec.step('clone', '+', `clone ${g.cloneFrom} → ${g.id}${how}`, { reason: 'guest does not exist' }, async () => {
      if (ctx.apply && !srcStatus) throw new GuestFailure(g.id, `clone source ${g.cloneFrom} does not exist`);
      // Queued per source: Proxmox locks the source CT (`lock: disk`) while it clones it.
      try {
        await withCloneSource(ctx.config, g.cloneFrom!, () => (stampDefine(ctx.inflight, g.id, g.name), driver.clone(T, g.cloneFrom!, g.id, params)), ctx.signal);
      } catch (e) {
        // Still says `CT is locked (...)`: retried like any busy lock, then reported as not ours.
        const note = isLocked(e) ? cloneSourceLockNote(ctx, g.cloneFrom!, lockReason(e), g.id) : undefined;
        throw note ? new GuestFailure(g.id, `${note}: ${e instanceof PveCommandError ? e.shortMessage : String(e)}`) : e;
      }
    });
    const foreign = ctx.apply ? undefined : cloneSourceLockNote(ctx, g.cloneFrom, srcStatus?.lock);
    if (foreign) rec.notes.push(foreign);
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
  await rec.step('create', '+', `create ${g.id} from ${ostemplate}`, { reason: 'guest does not exist' }, () => (stampDefine(ctx.inflight, g.id, g.name), driver.create(T, g.id, params, ostemplate)));
}

/** Options that differ, mount points, disk growth, raw lines, firewall. Returns whether a restart is needed. */
async function configure(g: LxcGuest, cfg: GuestConfig, running: boolean, rec: StepRecorder, ctx: WorkflowContext): Promise<boolean> {
  const { driver } = ctx;
  const host = ctx.config.host;
  for (const d of createOnlyLxcOptions(g, host)) {
    const have = cfg.options[d.key];
    if (have !== undefined && have !== d.value && !(d.key === 'unprivileged' && have === '0' && d.value === '0')) {
      rec.notes.push(`${d.key} is ${have} on the guest but ${d.value} in the config; Proxmox cannot change it after create (re-create the guest to change it)`);
    }
  }
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
    await rec.step('set', '~', `set ${changes.map((c) => c.key).join(', ')}`, { changes, reason: 'differs from the config' }, async () => {
      if (needRestart) ctx.pending.add(g.id, 'options applied at next start');
      await driver.set(T, g.id, params);
    });
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
      await rec.step('resize', '~', `resize rootfs to ${g.rootfsSizeGb}G`, { changes: ch }, () =>
        journaled(ctx.inflight, g.id, 'resize', 'rootfs', () => driver.resize(T, g.id, 'rootfs', `${g.rootfsSizeGb}G`)),
      );
    }
  }
  for (const r of mounts.resize) {
    const ch = [{ key: `${r.disk} size`, before: r.from, after: r.size, live: true }];
    await rec.step('resize', '~', `resize ${r.disk} to ${r.size}`, { changes: ch }, () => journaled(ctx.inflight, g.id, 'resize', r.disk, () => driver.resize(T, g.id, r.disk, r.size)));
  }

  const raw = desiredRawLxc(g);
  if (!rawLxcEqual(raw, cfg.rawLxc)) {
    const fmt = (es: Array<[string, string]>) => es.map(([k, v]) => `${k}: ${v}`).join('; ') || '(none)';
    const ch = [{ key: 'lxc.*', before: fmt(cfg.rawLxc), after: fmt(raw), live: false }];
    restart ||= running;
    await rec.step('raw-lxc', '~', 'raw lxc.* lines', { changes: ch, reason: 'differ from the config' }, async () => {
      if (running) ctx.pending.add(g.id, 'raw lxc lines');
      await driver.setRawLxc(g.id, raw);
    });
  }

  await ensureFirewall(g, rec, ctx);
  return restart;
}

/** Converge one container. In plan mode (ctx.apply false) nothing is changed and the plan is returned. */
export async function convergeLxc(g: LxcGuest, mode: GuestMode, ctx: WorkflowContext): Promise<GuestPlan> {
  const rec = new StepRecorder(ctx);
  const { driver } = ctx;
  const features = featuresOf(g, ctx); // unknown features fail before anything runs
  const defined = await observeOrDefine(T, g, rec, ctx, () => define(g, rec, ctx));
  if (defined.templateOnHost) return finish(g, mode, rec);
  const { status, existed } = defined;
  const fresh = !existed;
  // Dependencies of `create` that already exist are not reconfigured: only running and healthy.
  const full = mode === 'converge' || fresh || ctx.createdThisRun.has(g.id) || Boolean(ctx.unconfigured?.has(g.id));
  let running = status?.status === 'running';
  const configChanged = full
    ? await configurePhase(T, g, defined, rec, ctx, {
        configure: (cfg, isRunning) => configure(g, cfg, isRunning, rec, ctx),
        cloneBase: (src) => ({ options: { ...src.options, hostname: g.name }, rawLxc: src.rawLxc }),
        // A create sends the options with `pct create`; what follows it (raw lines, firewall)
        // is planned against the config the create will produce.
        createBase: () => ({ options: predictedCreateOptions(g, ctx), rawLxc: [] }),
      })
    : false;

  if (!running) {
    await rec.step('start', '+', `start ${g.id}`, { reason: status ? 'stopped' : 'new guest' }, () => driver.start(T, g.id));
    running = true;
  }
  if (!full) {
    await runChecks(g, checksOf(g, features), rec, ctx);
    return finish(g, mode, rec);
  }

  const exists = status !== null;
  // Proxmox refuses to snapshot a CT with a bind mount (validate warns): its snapshots are skipped.
  const bind = firstBindMount(g);
  if (bind && !g.isTemplate && lxcSnapshotNames(g).length) {
    rec.notes.push(`snapshots ${lxcSnapshotNames(g).join(', ')} not taken: mount_points[${bind.index}] (${bind.mount.hostPath}) is a bind mount, and Proxmox cannot snapshot a container with one`);
  }
  // A template has no snapshots (pct template refuses a CT with snapshots, and a template cannot be
  // snapshotted): an is_template CT's configured snapshots are not taken (validate says so), and one
  // that has snapshots is not converted: deleting them is the user's call.
  const snapshotting = !bind && !g.isTemplate;
  const have = exists && (snapshotting || g.isTemplate) ? (await driver.listSnapshots(T, g.id)).map((s) => s.name) : [];
  if (g.isTemplate && have.length) {
    throw new GuestFailure(g.id, `container ${g.id} has snapshots (${have.join(', ')}) and Proxmox cannot make a template of a CT with snapshots; delete them (pct delsnapshot ${g.id} NAME) and run again`);
  }
  const snaps = new Set(have);
  // pre-configured records the guest before its features first ran; retaking it later would
  // capture the features too, so it is only ever taken when missing.
  if (g.snapshots.lifecycle && snapshotting) await ensureSnapshot(T, g.id, 'pre-configured', snaps, false, rec, ctx);
  const featuresRan = await runFeatures(g, features, rec, ctx, exists);
  await runChecks(g, checksOf(g, features), rec, ctx);
  const finals = new Set<string>();
  if (g.snapshots.lifecycle) finals.add('final-form');
  if (g.snapshots.templateSnapshotName) finals.add(g.snapshots.templateSnapshotName);
  for (const name of g.snapshots.named) finals.add(name);
  if (snapshotting) for (const name of finals) await ensureSnapshot(T, g.id, name, snaps, existed && (configChanged || featuresRan), rec, ctx);
  if (g.isTemplate) {
    // Proxmox refuses to start a template and to convert a running CT: provision, stop, convert once.
    await rec.step('template', '+', `shut down and convert ${g.id} to a template`, { reason: 'is_template' }, async () => {
      await driver.shutdown(T, g.id, 120);
      await driver.template(T, g.id);
    });
  }
  return finish(g, mode, rec);
}

function finish(g: LxcGuest, mode: GuestMode, rec: StepRecorder): GuestPlan {
  return { id: g.id, kind: 'lxc', name: g.name, mode, symbol: overallSymbol(rec.steps), steps: rec.steps, notes: rec.notes };
}
