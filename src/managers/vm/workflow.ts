// The VM workflow: ensure defined (clone, or create from a cloud image: one qm create with
// scsi0 import-from=, boot and the cloud-init drive) → options as a diff (+ `qm cloudinit update` only when a
// cloud-init option changed) → disk growth → firewall → start → wait for the guest agent and
// cloud-init → features (guest agent exec) → health → snapshots; `is_template` VMs are then shut
// down and turned into templates once, and later runs only verify them.

import type { VmGuest } from '../../model/guest.js';
import { imageProblem, imageSource } from '../../model/vm-image.js';
import { diskBus, GiB, parseQemuDisk, parseSize } from '../../proxmox/codecs/index.js';
import type { GuestConfig, PveParams } from '../../proxmox/types.js';
import { overallSymbol, type GuestMode, type GuestPlan } from '../../plan/types.js';
import { configurePhase, observeOrDefine } from '../common/define.js';
import { ensureFirewall } from '../common/firewall.js';
import { checksOf, featuresOf, runChecks, runFeatures } from '../common/in-guest.js';
import { asParams, diffOptions } from '../common/options.js';
import { ensureSnapshot } from '../common/snapshots.js';
import { journaled, stampDefine } from '../inflight.js';
import { GuestFailure, type WorkflowContext } from '../context.js';
import { StepRecorder } from '../recorder.js';
import { bootDiskFrom, CLOUD_INIT_KEYS, desiredVmOptions, imageVolume, vmCreateHardware } from './options.js';
import { ensureNfsVolumes } from './volumes.js';
import { waitForAgent, waitForCloudInit } from './wait.js';

const T = 'qemu' as const;

/** Image downloads under way, per run (its driver): one download per image however many VMs use it. */
const downloads = new WeakMap<object, Map<string, Promise<void>>>();

async function define(g: VmGuest, rec: StepRecorder, ctx: WorkflowContext): Promise<void> {
  const { driver } = ctx;
  if (g.cloneFrom !== undefined) {
    const params: PveParams = { name: g.name };
    if (g.fullClone) params.full = 1;
    if (g.fullClone && g.storage) params.storage = g.storage;
    await rec.step('clone', '+', `clone ${g.cloneFrom} → ${g.id}${g.fullClone ? ' (full)' : ' (linked)'}`, { reason: 'guest does not exist' }, async () => {
      if (!(await driver.status(T, g.cloneFrom!))) throw new GuestFailure(g.id, `clone source ${g.cloneFrom} does not exist`);
      stampDefine(ctx.inflight, g.id, g.name);
      await driver.clone(T, g.cloneFrom!, g.id, params);
    });
    return;
  }
  const image = imageVolume(g);
  if (!image) throw new GuestFailure(g.id, `VM ${g.id} does not exist and has neither "template_image" nor "clone_from_vmid" to create it from`);
  const src = imageSource(g.image!, g.imageFile);
  const problem = imageProblem(src);
  if (problem) throw new GuestFailure(g.id, `template_image: ${problem}`);
  if (src.kind === 'url') {
    // Downloaded once by Proxmox itself into import storage; a file already there is used as is.
    // VMs of one run sharing an image wait for one download (keyed by the run's driver).
    const runs = downloads.get(driver) ?? new Map<string, Promise<void>>();
    downloads.set(driver, runs);
    const pending = runs.get(src.volid);
    if (pending) await pending;
    else {
      let done!: () => void;
      runs.set(src.volid, new Promise<void>((r) => (done = r)));
      try {
        const have = await driver.storageContent(src.storage, 'import');
        if (!have.includes(src.volid)) {
          const req = { storage: src.storage, url: src.url, filename: src.filename, content: 'import' as const, checksum: g.imageChecksum };
          const how = g.imageChecksum ? ` (${g.imageChecksum.algorithm} checked)` : '';
          await rec.step('download', '+', `download ${src.url} to ${src.volid}${how}`, { reason: 'image not on the storage' }, () => driver.downloadUrl(req));
        }
      } catch (e) {
        runs.delete(src.volid);
        throw e;
      } finally {
        done();
      }
    }
  }
  const storage = g.storage ?? 'local-lvm';
  // One call: the boot disk is copied from the image by qm create itself (`import-from`), so a
  // failed create leaves nothing behind, and no host path is needed (qm disk import takes only one).
  const params: PveParams = { ...asParams(desiredVmOptions(g, ctx.config.host)), ...vmCreateHardware(g), ...bootDiskFrom(image, storage) };
  await rec.step('create', '+', `create ${g.id} with scsi0 imported from ${image} to ${storage}`, { reason: 'guest does not exist' }, () => (stampDefine(ctx.inflight, g.id, g.name), driver.create(T, g.id, params)));
}

async function configure(g: VmGuest, cfg: GuestConfig, running: boolean, rec: StepRecorder, ctx: WorkflowContext): Promise<boolean> {
  const { driver } = ctx;
  const diff = diffOptions('qm', desiredVmOptions(g, ctx.config.host), cfg.options);
  let restart = false;
  if (diff.changes.length) {
    const needRestart = running && diff.changes.some((c) => !c.live);
    restart ||= needRestart;
    await rec.step('set', '~', `set ${diff.changes.map((c) => c.key).join(', ')}`, { changes: diff.changes, reason: 'differs from the config' }, async () => {
      if (needRestart) ctx.pending.add(g.id, 'options applied at next boot');
      await driver.set(T, g.id, diff.params);
    });
    if (diff.changes.some((c) => CLOUD_INIT_KEYS.has(c.key))) {
      await rec.step('cloudinit', '~', 'regenerate the cloud-init drive', { reason: 'cloud-init options changed' }, () => driver.cloudinitUpdate(g.id));
    }
  }
  if (g.diskSizeGb) {
    const boot = Object.entries(cfg.options).find(([k]) => k === 'scsi0') ?? Object.entries(cfg.options).find(([k]) => diskBus(k) && !/^ide2$/.test(k));
    if (boot) {
      const bus = diskBus(boot[0])!;
      const disk = parseQemuDisk(bus, boot[1]);
      const have = disk.size ? parseSize(disk.size) : undefined;
      const want = g.diskSizeGb * GiB;
      if (have !== undefined && want < have) throw new GuestFailure(g.id, `disk_size_gb ${g.diskSizeGb} is smaller than ${boot[0]} (${have / GiB}G); disks only grow`);
      if (have === undefined || want > have) {
        const ch = [{ key: `${boot[0]} size`, before: have === undefined ? undefined : `${have / GiB}G`, after: `${g.diskSizeGb}G`, live: true }];
        await rec.step('resize', '~', `resize ${boot[0]} to ${g.diskSizeGb}G`, { changes: ch }, () =>
          journaled(ctx.inflight, g.id, 'resize', boot[0], () => driver.resize(T, g.id, boot[0], `${g.diskSizeGb}G`)),
        );
      }
    } else if (!ctx.apply) {
      rec.steps.push({ kind: 'resize', symbol: '~', summary: `resize scsi0 to ${g.diskSizeGb}G`, reason: g.cloneFrom === undefined ? 'after import' : 'after clone' });
    }
  }
  await ensureFirewall(g, rec, ctx);
  return restart;
}

export async function convergeVm(g: VmGuest, mode: GuestMode, ctx: WorkflowContext): Promise<GuestPlan> {
  const rec = new StepRecorder(ctx);
  const { driver } = ctx;
  const features = featuresOf(g, ctx);
  const defined = await observeOrDefine(T, g, rec, ctx, () => define(g, rec, ctx));
  if (defined.templateOnHost) return finish(g, mode, rec);
  const { status, existed } = defined;
  const full = mode === 'converge' || !existed || ctx.createdThisRun.has(g.id) || Boolean(ctx.unconfigured?.has(g.id));
  let running = status?.status === 'running';
  const configChanged = full
    ? await configurePhase(T, g, defined, rec, ctx, {
        configure: (cfg, isRunning) => configure(g, cfg, isRunning, rec, ctx),
        cloneBase: (src) => ({ options: { ...src.options, name: g.name }, rawLxc: [] }),
      })
    : false;
  let booted = rec.steps.some((st) => st.kind === 'restart');
  if (!running) {
    booted = true;
    await rec.step('start', '+', `start ${g.id}`, { reason: status ? 'stopped' : 'new guest' }, () => driver.start(T, g.id));
    running = true;
  }
  if (booted) {
    // Only a VM this run (re)started needs waiting for; a running one was waited for before.
    await rec.step('wait-agent', '=', 'wait for the guest agent and cloud-init', {}, async () => {
      await waitForAgent(g, ctx);
      await waitForCloudInit(g, ctx);
    });
  }
  if (!full) {
    await runChecks(g, checksOf(g, features), rec, ctx);
    return finish(g, mode, rec);
  }
  const exists = status !== null;
  const have = exists ? (await driver.listSnapshots(T, g.id)).map((s) => s.name).filter((n) => n !== 'current') : [];
  const snaps = new Set(have);
  // A template has no snapshots: Proxmox refuses `qm template` on a VM with snapshots and any
  // snapshot of a template, and the template itself is the state its clones start from. So an
  // is_template VM's configured snapshots are not taken (validate says so), and one that has
  // snapshots (taken by hand, or by an older Phoenix) is not converted: deleting them is the user's call.
  if (g.isTemplate && have.length) {
    throw new GuestFailure(g.id, `VM ${g.id} has snapshots (${have.join(', ')}) and Proxmox cannot make a template of a VM with snapshots; delete them (qm delsnapshot ${g.id} NAME) and run again`);
  }
  const pre = g.isTemplate ? [] : g.snapshots.named.filter((n) => n === 'pre-features');
  // Like a container's pre-configured: it holds the VM before its features first ran, never retaken.
  for (const name of pre) await ensureSnapshot(T, g.id, name, snaps, false, rec, ctx);
  await ensureNfsVolumes(g, rec, ctx, exists);
  const featuresRan = await runFeatures(g, features, rec, ctx, exists);
  await runChecks(g, checksOf(g, features), rec, ctx);
  if (g.isTemplate) {
    await rec.step('template', '+', `shut down and convert ${g.id} to a template`, { reason: 'is_template' }, async () => {
      // Clean per-instance state so clones get their own identity from cloud-init.
      await driver.exec(T, g.id, ['cloud-init', 'clean', '--logs'], { timeoutMs: 120_000, signal: ctx.signal });
      await driver.shutdown(T, g.id, 120);
      await driver.template(T, g.id);
    });
    return finish(g, mode, rec);
  }
  const finals = new Set<string>(g.snapshots.named.filter((n) => n !== 'pre-features'));
  if (g.snapshots.templateSnapshotName) finals.add(g.snapshots.templateSnapshotName);
  for (const name of finals) await ensureSnapshot(T, g.id, name, snaps, existed && (configChanged || featuresRan), rec, ctx);
  return finish(g, mode, rec);
}

function finish(g: VmGuest, mode: GuestMode, rec: StepRecorder): GuestPlan {
  return { id: g.id, kind: 'vm', name: g.name, mode, symbol: overallSymbol(rec.steps), steps: rec.steps, notes: rec.notes };
}
