// Apply: execute a guest's planned actions, in order, and nothing else. Each action is the one
// Proxmox operation (or in-guest phase) the plan shows, with the parameters the plan shows. An
// action marked atApply decides at this point whether its call is needed (the plan says which
// values it waits for) and records which way it went. Lock-taking steps are journaled
// (inflight.ts) so a run killed in one is finished by the next.

import { join } from 'node:path';
import { resolveGuestFeatures } from '../features/registry.js';
import { applyFeature, cleanRunArea } from '../features/runner.js';
import { selectInputs } from '../features/inputs.js';
import type { Guest } from '../model/guest.js';
import { diskBus, GiB, parseLxcRootfs, mountPointSizeBytes, parseQemuDisk, parseSize } from '../proxmox/codecs/index.js';
import { isLocked, lockReason, PveCommandError } from '../proxmox/errors.js';
import type { Action, GuestPlan, PlannedStep } from '../plan/types.js';
import { withCloneSource } from './common/clone-source.js';
import { checksOf, featuresOf, runChecks } from './common/in-guest.js';
import { cloneSourceLockNote } from './common/recover.js';
import { GuestFailure, type ApplyContext } from './context.js';
import { journaled, stampDefine } from './inflight.js';
import { applyNfsVolume } from './vm/volumes.js';
import { waitForAgent, waitForCloudInit } from './vm/wait.js';

/** Execute every step's action of a guest's plan, in order; returns the steps with their outcomes. */
export async function executePlan(plan: GuestPlan, ctx: ApplyContext, onStep?: (s: PlannedStep) => void): Promise<PlannedStep[]> {
  const g = ctx.config.guests.get(plan.id);
  const done: PlannedStep[] = [];
  // Whether a step so far changed (or may have changed) the guest: until one did, what was
  // observed of it still holds, and so do the health checks attempted then.
  let touched = false;
  for (const step of plan.steps) {
    if (!step.action) continue;
    ctx.signal.throwIfAborted();
    // Features and health checks announce themselves (with the feature's or the checks' names).
    const own = step.action.kind === 'feature' || step.action.kind === 'health' || step.action.kind === 'configured';
    if (!own && (step.symbol !== '=' || step.action.kind === 'wait-agent')) ctx.emit(step.kind, step.summary);
    const outcome = await executeAction(step.action, g, touched ? { ...ctx, observedChecks: undefined } : ctx);
    if (step.symbol !== '=') touched = true;
    const s = { ...step, outcome };
    done.push(s);
    onStep?.(s);
  }
  return done;
}

function guestOf(g: Guest | undefined, vmid: number): Guest {
  if (!g) throw new Error(`guest ${vmid} is not in the config`);
  return g;
}

async function currentSizeBytes(ctx: ApplyContext, a: Extract<Action, { kind: 'resize' }>): Promise<number | undefined> {
  const cfg = await ctx.driver.config(a.type, a.vmid);
  const v = cfg?.options[a.disk];
  if (!v) return undefined;
  if (a.type === 'lxc') return mountPointSizeBytes(parseLxcRootfs(v));
  const d = parseQemuDisk(diskBus(a.disk)!, v);
  return d.size ? parseSize(d.size) : undefined;
}

export async function executeAction(a: Action, g: Guest | undefined, ctx: ApplyContext): Promise<string> {
  const { driver } = ctx;
  switch (a.kind) {
    case 'recover': {
      if (a.unlock) await driver.unlock(a.type, a.vmid);
      if (a.stop) await driver.stop(a.type, a.vmid);
      if (a.destroy) await driver.destroy(a.type, a.vmid, { purge: true, unreferenced: true });
      if (a.delsnapshot) await driver.delsnapshot(a.type, a.vmid, a.delsnapshot);
      if (a.endJournal) ctx.inflight?.end(a.vmid);
      return 'done';
    }
    case 'unlock-source':
      return withCloneSource(
        ctx.config,
        a.source,
        async () => {
          // Under the source's clone queue: a clone of ours running now is never unlocked.
          if ((await driver.status('lxc', a.source))?.lock !== 'disk') return 'skipped: no longer locked';
          await driver.unlock('lxc', a.source);
          return 'done';
        },
        ctx.signal,
      );
    case 'download': {
      const p = driver.downloadUrl(a.request);
      ctx.downloads.set(a.key ?? a.volid, p);
      await p;
      return 'done';
    }
    case 'create': {
      if (a.image && ctx.downloads.has(a.image)) await ctx.downloads.get(a.image);
      ctx.unconfigured?.add(a.vmid, 'defined; configuration not applied yet');
      ctx.inflight?.begin(a.vmid, 'define', undefined, a.name);
      await driver.create(a.type, a.vmid, a.params, a.ostemplate);
      ctx.inflight?.end(a.vmid);
      return 'done';
    }
    case 'clone': {
      // Not configured until its `configured` step: a clone carries its source's address.
      ctx.unconfigured?.add(a.vmid, 'defined; configuration not applied yet');
      // A CT clone names its source: the `lock: disk` a killed clone leaves there is then known ours.
      ctx.inflight?.begin(a.vmid, 'define', undefined, a.name, a.type === 'lxc' ? a.source : undefined);
      try {
        if (a.type === 'lxc') {
          // Queued per source: Proxmox locks the source CT (`lock: disk`) while it clones it.
          await withCloneSource(ctx.config, a.source, () => (stampDefine(ctx.inflight, a.vmid, a.name), driver.clone(a.type, a.source, a.vmid, a.params)), ctx.signal);
        } else {
          if (!(await driver.status(a.type, a.source))) throw new GuestFailure(a.vmid, `clone source ${a.source} does not exist`);
          stampDefine(ctx.inflight, a.vmid, a.name);
          await driver.clone(a.type, a.source, a.vmid, a.params);
        }
      } catch (e) {
        // Still says `CT is locked (...)`: retried like any busy lock, then reported as not ours.
        const note = a.type === 'lxc' && isLocked(e) ? cloneSourceLockNote(ctx.inflight, a.source, lockReason(e), a.vmid) : undefined;
        throw note ? new GuestFailure(a.vmid, `${note}: ${e instanceof PveCommandError ? e.shortMessage : String(e)}`) : e;
      }
      ctx.inflight?.end(a.vmid);
      return 'done';
    }
    case 'set':
      if (a.owesRestart) ctx.pending.add(a.vmid, 'options applied at next start');
      await driver.set(a.type, a.vmid, a.params);
      return 'done';
    case 'cloudinit':
      await driver.cloudinitUpdate(a.vmid);
      return 'done';
    case 'resize': {
      if (a.atApply === 'grow-only') {
        const have = await currentSizeBytes(ctx, a);
        const want = parseSize(a.size);
        if (have !== undefined && want !== undefined && have >= want) return `skipped: ${a.disk} is already ${have / GiB}G`;
      }
      await journaled(ctx.inflight, a.vmid, 'resize', a.disk, () => driver.resize(a.type, a.vmid, a.disk, a.size));
      return 'done';
    }
    case 'raw-lxc':
      if (a.owesRestart) ctx.pending.add(a.vmid, 'raw lxc lines');
      await driver.setRawLxc(a.vmid, a.entries);
      return 'done';
    case 'firewall':
      await driver.writeFirewall(a.vmid, a.content);
      return 'done';
    case 'restart':
      await driver.reboot(a.type, a.vmid);
      ctx.pending.clear(a.vmid);
      return 'done';
    case 'start':
      await driver.start(a.type, a.vmid);
      // A stopped guest owes nothing: this start applies every pending change.
      ctx.pending.clear(a.vmid);
      return 'done';
    case 'wait-agent': {
      const vm = guestOf(g, a.vmid);
      if (vm.kind !== 'vm') return 'done';
      await waitForAgent(vm, ctx);
      await waitForCloudInit(vm, ctx);
      return 'done';
    }
    case 'clean-run-area':
      await cleanRunArea(driver, { type: a.type, vmid: a.vmid }, { logFile: join(ctx.logDir, `${a.vmid}.log`), signal: ctx.signal, scrubber: ctx.secrets.scrubber });
      return 'done';
    case 'feature': {
      const guest = guestOf(g, a.vmid);
      const f = featuresOf(guest, ctx).find((x) => x.name === a.feature) ?? resolveGuestFeatures(ctx.registry, { id: guest.id, kind: guest.kind, features: [a.feature] }).features[0];
      if (!f) throw new GuestFailure(a.vmid, `feature "${a.feature}" is no longer known`);
      ctx.emit('feature', f.name);
      const r = await applyFeature(driver, { type: a.type, vmid: a.vmid }, f, {
        inputs: selectInputs(f, guest.inputs, ctx.config.host.lxcRootInputs),
        secrets: ctx.secrets,
        signal: ctx.signal,
        logFile: join(ctx.logDir, `${a.vmid}.log`),
        force: a.atApply === undefined,
      });
      if (r.status === 'failed') throw new GuestFailure(a.vmid, r.message ?? `feature "${a.feature}" failed`, r.logTail ?? []);
      if (r.status === 'skipped') return 'skipped: its marker matches (unchanged)';
      ctx.featuresRan.add(a.vmid);
      return `done (${r.reason})`;
    }
    case 'nfs':
      return applyNfsVolume(a.vmid, a.mountPoint, a.line, ctx);
    case 'health': {
      const guest = guestOf(g, a.vmid);
      const passed = new Map([...(ctx.observedChecks ?? [])].filter(([, r]) => r.ok).map(([name, r]) => [name, r.detail]));
      return runChecks(guest, checksOf(guest, featuresOf(guest, ctx)), { ...ctx, passed });
    }
    case 'snapshot': {
      if (a.atApply === 'if-features-ran' && !ctx.featuresRan.has(a.vmid)) return 'skipped: no feature ran';
      if (a.retake) await journaled(ctx.inflight, a.vmid, 'delsnapshot', a.name, () => driver.delsnapshot(a.type, a.vmid, a.name));
      await journaled(ctx.inflight, a.vmid, 'snapshot', a.name, () => driver.snapshot(a.type, a.vmid, a.name, 'taken by phoenix'));
      return 'done';
    }
    case 'template':
      // Clean per-instance state so clones get their own identity from cloud-init.
      if (a.cloudInitClean) await driver.exec(a.type, a.vmid, ['cloud-init', 'clean', '--logs'], { timeoutMs: 120_000, signal: ctx.signal });
      await driver.shutdown(a.type, a.vmid, 120);
      await driver.template(a.type, a.vmid);
      return 'done';
    case 'destroy':
      // --replace: what Proxmox cannot change in place is made again (confirmed like a delete).
      if (a.stop) await driver.stop(a.type, a.vmid);
      await driver.destroy(a.type, a.vmid, { purge: true });
      ctx.pending.clear(a.vmid);
      return 'done';
    case 'configured':
      ctx.unconfigured?.clear(a.vmid);
      return 'done';
  }
}
