// The in-guest phases shared by containers and VMs: features (listed order, application script
// last), then health checks (configured + each feature's default). A failing feature or check
// fails the guest with the feature/check named, its exit code and the last lines of its log.

import { join } from 'node:path';
import { resolveGuestFeatures, type ResolvedFeature } from '../../features/registry.js';
import { applyFeature, cleanRunArea, planFeature } from '../../features/runner.js';
import { selectInputs } from '../../features/inputs.js';
import { featureHealthChecks, hostOfIp, runHealthChecks, type HealthCheck } from '../../health/index.js';
import type { Guest } from '../../model/guest.js';
import type { GuestType } from '../../proxmox/types.js';
import { GuestFailure, type WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

const typeOf = (g: Guest): GuestType => (g.kind === 'vm' ? 'qemu' : 'lxc');

/** Features inherited through the clone chain (a clone carries its source's features and markers). */
function inheritedFeatures(g: Guest, ctx: WorkflowContext): string[] {
  const out: string[] = [];
  let src = g.cloneFrom;
  const seen = new Set<number>();
  while (src !== undefined && !seen.has(src)) {
    seen.add(src);
    const s = ctx.config.guests.get(src);
    if (!s) break;
    out.push(...s.features);
    src = s.cloneFrom;
  }
  return out;
}

/** The running clone source whose feature markers a not-yet-made clone will carry. */
async function cloneSourceRef(g: Guest, ctx: WorkflowContext): Promise<{ type: GuestType; vmid: number } | undefined> {
  if (g.cloneFrom === undefined) return undefined;
  const st = await ctx.driver.status(typeOf(g), g.cloneFrom);
  return st?.status === 'running' ? { type: typeOf(g), vmid: g.cloneFrom } : undefined;
}

/** The guest's features in run order, or a GuestFailure listing every problem (before anything runs). */
export function featuresOf(g: Guest, ctx: WorkflowContext): ResolvedFeature[] {
  const { features, problems } = resolveGuestFeatures(ctx.registry, {
    id: g.id,
    kind: g.kind,
    features: g.features,
    applicationScript: g.applicationScript,
    inherited: inheritedFeatures(g, ctx),
  });
  if (problems.length) throw new GuestFailure(g.id, problems[0], problems.slice(1));
  return features;
}

/**
 * Apply each feature. `exists` false (plan mode, guest not created yet): every feature would run.
 * Returns true when any feature ran (or would run).
 */
export async function runFeatures(g: Guest, features: ResolvedFeature[], rec: StepRecorder, ctx: WorkflowContext, exists: boolean): Promise<boolean> {
  let ran = false;
  const ref = { type: typeOf(g), vmid: g.id };
  const shared = ctx.config.host.lxcRootInputs;
  const logFile = join(ctx.logDir, `${g.id}.log`);
  if (ctx.apply && features.length) await cleanRunArea(ctx.driver, ref, { logFile, signal: ctx.signal, scrubber: ctx.secrets.scrubber });
  for (const f of features) {
    const inputs = selectInputs(f, g.inputs, shared);
    if (!ctx.apply) {
      // A clone not made yet carries its source's markers: ask the source (when it runs).
      const probe = exists ? ref : await cloneSourceRef(g, ctx);
      const p = probe ? await planFeature(ctx.driver, probe, f, { inputs, secrets: ctx.secrets, signal: ctx.signal }) : { willRun: true, reason: 'new' };
      if (p.willRun) {
        ran = true;
        rec.steps.push({ kind: 'feature', symbol: '~', summary: `feature ${f.name}`, reason: p.reason });
      } else rec.note('feature', `feature ${f.name}`, 'unchanged');
      continue;
    }
    ctx.emit('feature', f.name);
    const r = await applyFeature(ctx.driver, ref, f, {
      inputs,
      secrets: ctx.secrets,
      signal: ctx.signal,
      logFile,
    });
    if (r.status === 'failed') {
      rec.steps.push({ kind: 'feature', symbol: '~', summary: `feature ${f.name}`, reason: 'failed' });
      throw new GuestFailure(g.id, r.message ?? `feature "${f.name}" failed`, r.logTail ?? []);
    }
    if (r.status === 'applied') {
      ran = true;
      rec.steps.push({ kind: 'feature', symbol: '~', summary: `feature ${f.name}`, reason: r.reason });
    } else rec.note('feature', `feature ${f.name}`, 'unchanged');
  }
  return ran;
}

export function checksOf(g: Guest, features: ResolvedFeature[]): HealthCheck[] {
  return [...g.healthChecks, ...featureHealthChecks(features)];
}

/** Run the health checks (both modes run nothing in plan mode: they are listed). */
export async function runChecks(g: Guest, checks: HealthCheck[], rec: StepRecorder, ctx: WorkflowContext): Promise<void> {
  if (!checks.length) return;
  const names = checks.map((c) => c.name).join(', ');
  if (!ctx.apply) {
    rec.note('health', `health checks: ${names}`);
    return;
  }
  ctx.emit('health', names);
  const report = await runHealthChecks(ctx.driver, { type: typeOf(g), vmid: g.id }, checks, {
    signal: ctx.signal,
    guestHost: hostOfIp(g.network?.ip),
    scrub: (t) => ctx.secrets.scrubber.scrub(t),
    ...ctx.health,
  });
  rec.note('health', `health checks: ${names}`, report.healthy ? 'healthy' : 'unhealthy');
  if (!report.healthy) {
    const bad = report.results.filter((r) => !r.ok);
    throw new GuestFailure(
      g.id,
      `unhealthy: ${bad.map((r) => `check "${r.name}" failed after ${r.attempts} attempt(s): ${r.detail}`).join('; ')}`,
    );
  }
}
