// The VM plan: defined (clone, or create from a cloud image: one qm create with scsi0
// import-from=, boot and the cloud-init drive) → options as a diff (+ `qm cloudinit update` only
// when a cloud-init option changed) → disk growth → firewall → start → wait for the guest agent
// and cloud-init → features (guest agent exec) → health → snapshots; `is_template` VMs are then
// shut down and turned into templates once, and later runs only verify them.

import type { VmGuest } from '../../model/guest.js';
import { downloadKey, imageProblem, imageSource } from '../../model/vm-image.js';
import { diskBus, GiB, parseQemuDisk, parseSize } from '../../proxmox/codecs/index.js';
import type { GuestConfig, PveParams } from '../../proxmox/types.js';
import { overallSymbol, type GuestMode, type GuestPlan } from '../../plan/types.js';
import { configurePhase, observeOrDefine } from '../common/define.js';
import { planFirewall } from '../common/firewall.js';
import { checksOf, featuresOf, planChecks, planFeatures } from '../common/in-guest.js';
import { asParams, diffOptions } from '../common/options.js';
import { planSnapshot } from '../common/snapshots.js';
import { GuestFailure, type PlanContext } from '../context.js';
import { ALLOCATED } from '../predict.js';
import { StepRecorder } from '../recorder.js';
import { paramChanges } from '../lxc/workflow.js';
import { bootDiskFrom, CLOUD_INIT_KEYS, desiredVmOptions, imageVolume, vmCreateHardware } from './options.js';
import { planNfsVolumes } from './volumes.js';

const T = 'qemu' as const;

async function define(g: VmGuest, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  if (g.cloneFrom !== undefined) {
    const params: PveParams = { name: g.name };
    if (g.fullClone) params.full = 1;
    if (g.fullClone && g.storage) params.storage = g.storage;
    if (!(await ctx.reader.status(T, g.cloneFrom))) throw new GuestFailure(g.id, `clone source ${g.cloneFrom} does not exist and is not made by this run`);
    rec.step('clone', '+', `clone ${g.cloneFrom} → ${g.id}${g.fullClone ? ' (full)' : ' (linked)'}`, { reason: 'guest does not exist', changes: paramChanges(params) }, { kind: 'clone', type: T, source: g.cloneFrom, vmid: g.id, params, name: g.name });
    return;
  }
  const image = imageVolume(g);
  if (!image) throw new GuestFailure(g.id, `VM ${g.id} does not exist and has neither "template_image" nor "clone_from_vmid" to create it from`);
  const src = imageSource(g.image!, g.imageFile);
  const problem = imageProblem(src);
  if (problem) throw new GuestFailure(g.id, `template_image: ${problem}`);
  if (src.kind === 'url') {
    // Downloaded once by Proxmox itself into import storage; a file already there is used as is.
    // VMs of one run sharing an image: the first in the run's order downloads, the others wait.
    // On a cluster, into (and read from) the import storage of the VM's own node.
    const at = ctx.imageAt?.(g.id);
    const key = downloadKey(src.volid, at);
    const have = await ctx.reader.storageContent(src.storage, 'import', at?.node);
    const by = ctx.world.downloads.get(key);
    if (by !== undefined && by !== g.id) rec.notes.push(`image ${src.volid}${at && !at.shared ? ` on ${at.node}` : ''} is downloaded by ${by}'s plan; this create waits for it`);
    else if (!have.includes(src.volid)) {
      const request = { storage: src.storage, url: src.url, filename: src.filename, content: 'import' as const, ...(g.imageChecksum ? { checksum: g.imageChecksum } : {}), ...(at ? { node: at.node } : {}) };
      const how = g.imageChecksum ? ` (${g.imageChecksum.algorithm} checked)` : '';
      ctx.world.downloads.set(key, g.id);
      rec.step('download', '+', `download ${src.url} to ${src.volid}${at ? ` on ${at.node}` : ''}${how}`, { reason: 'image not on the storage' }, { kind: 'download', request, volid: src.volid, ...(key !== src.volid ? { key } : {}) });
    }
  }
  const storage = g.storage ?? 'local-lvm';
  // One call: the boot disk is copied from the image by qm create itself (`import-from`), so a
  // failed create leaves nothing behind, and no host path is needed (qm disk import takes only one).
  const params: PveParams = { ...asParams(desiredVmOptions(g, ctx.config.host)), ...vmCreateHardware(g), ...bootDiskFrom(image, storage) };
  const predicted = (): GuestConfig => {
    const options: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) options[k] = String(v);
    // The imported disk's name and size are Proxmox's (the image's virtual size): known after apply.
    options.scsi0 = `${storage}:${ALLOCATED}`;
    options.ide2 = `${storage}:${ALLOCATED},media=cdrom`;
    return { options, rawLxc: [] };
  };
  rec.step(
    'create',
    '+',
    `create ${g.id} with scsi0 imported from ${image} to ${storage}`,
    { reason: 'guest does not exist', changes: paramChanges(params), createConfig: predicted },
    {
      kind: 'create',
      type: T,
      vmid: g.id,
      params,
      name: g.name,
      ...(src.kind === 'url' ? { image: downloadKey(src.volid, ctx.imageAt?.(g.id)) } : {}),
    },
  );
}

async function configure(g: VmGuest, cfg: GuestConfig, running: boolean, rec: StepRecorder, ctx: PlanContext): Promise<boolean> {
  const diff = diffOptions('qm', desiredVmOptions(g, ctx.config.host), cfg.options);
  let restart = false;
  if (diff.changes.length) {
    const needRestart = running && diff.changes.some((c) => !c.live);
    restart ||= needRestart;
    rec.step('set', '~', `set ${diff.changes.map((c) => c.key).join(', ')}`, { changes: diff.changes, reason: 'differs from the config' }, { kind: 'set', type: T, vmid: g.id, params: diff.params, owesRestart: needRestart });
    if (diff.changes.some((c) => CLOUD_INIT_KEYS.has(c.key))) {
      rec.step('cloudinit', '~', 'regenerate the cloud-init drive', { reason: 'cloud-init options changed' }, { kind: 'cloudinit', vmid: g.id });
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
      if (have === undefined) {
        // An imported image's size is its own: grown to the configured size if smaller, at apply.
        rec.step(
          'resize',
          '~',
          `resize ${boot[0]} to ${g.diskSizeGb}G (if smaller)`,
          { reason: "known after apply: the imported image's size", changes: [{ key: `${boot[0]} size`, after: `${g.diskSizeGb}G`, live: true }] },
          {
            kind: 'resize',
            type: T,
            vmid: g.id,
            disk: boot[0],
            size: `${g.diskSizeGb}G`,
            atApply: 'grow-only',
          },
        );
      } else if (want > have) {
        const ch = [{ key: `${boot[0]} size`, before: `${have / GiB}G`, after: `${g.diskSizeGb}G`, live: true }];
        rec.step('resize', '~', `resize ${boot[0]} to ${g.diskSizeGb}G`, { changes: ch }, { kind: 'resize', type: T, vmid: g.id, disk: boot[0], size: `${g.diskSizeGb}G` });
      }
    }
  }
  await planFirewall(g, rec, ctx);
  return restart;
}

/** Plan one VM from the world's values. */
export async function planVm(g: VmGuest, mode: GuestMode, ctx: PlanContext): Promise<GuestPlan> {
  const rec = new StepRecorder(ctx.world);
  const features = featuresOf(g, ctx);
  const defined = await observeOrDefine(T, g, rec, ctx, () => define(g, rec, ctx));
  if (defined.templateOnHost) return finish(g, mode, rec);
  const { existed } = defined;
  const full = mode === 'converge' || !existed || Boolean(ctx.unconfigured?.has(g.id));
  const configChanged = full ? await configurePhase(T, g, defined, rec, ctx, (cfg, isRunning) => configure(g, cfg, isRunning, rec, ctx)) : false;
  let booted = rec.steps.some((st) => st.kind === 'restart');
  const status = await ctx.reader.status(T, g.id);
  if (status?.status !== 'running') {
    booted = true;
    rec.step('start', '+', `start ${g.id}`, { reason: existed ? 'stopped' : 'new guest' }, { kind: 'start', type: T, vmid: g.id });
  }
  // Only a VM this run (re)starts needs waiting for; a running one was waited for before.
  if (booted) rec.note('wait-agent', 'wait for the guest agent and cloud-init', undefined, { kind: 'wait-agent', vmid: g.id });
  if (!full) {
    planChecks(g, checksOf(g, features), rec);
    return finish(g, mode, rec);
  }
  const have = (await ctx.reader.listSnapshots(T, g.id)).map((s) => s.name).filter((n) => n !== 'current');
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
  for (const name of pre) planSnapshot(T, g.id, name, snaps, false, rec);
  await planNfsVolumes(g, rec, ctx);
  const featuresRun = await planFeatures(g, features, rec, ctx);
  planChecks(g, checksOf(g, features), rec);
  if (g.isTemplate) {
    rec.step('template', '+', `shut down and convert ${g.id} to a template`, { reason: 'is_template' }, { kind: 'template', type: T, vmid: g.id, cloudInitClean: true });
    return finish(g, mode, rec);
  }
  const finals = new Set<string>(g.snapshots.named.filter((n) => n !== 'pre-features'));
  if (g.snapshots.templateSnapshotName) finals.add(g.snapshots.templateSnapshotName);
  const stale = existed && (configChanged || featuresRun === true) ? true : existed && featuresRun === 'at-apply' ? 'if-features-ran' : false;
  for (const name of finals) planSnapshot(T, g.id, name, snaps, stale, rec);
  return finish(g, mode, rec);
}

function finish(g: VmGuest, mode: GuestMode, rec: StepRecorder): GuestPlan {
  return { id: g.id, kind: 'vm', name: g.name, mode, symbol: overallSymbol(rec.steps), steps: rec.steps, notes: rec.notes };
}
