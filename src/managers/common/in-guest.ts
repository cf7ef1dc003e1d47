// The in-guest phases shared by containers and VMs: features (listed order, application script
// last), then health checks (configured + each feature's default). A failing feature or check
// fails the guest with the feature/check named, its exit code and the last lines of its log.

import { resolveGuestFeatures, type ResolvedFeature } from '../../features/registry.js';
import { planFeature } from '../../features/runner.js';
import { selectInputs } from '../../features/inputs.js';
import { leasedHost, onDhcp } from '../../features/access.js';
import { featureHealthChecks, hostOfIp, runHealthChecks, type HealthCheck } from '../../health/index.js';
import type { Guest } from '../../model/guest.js';
import type { GuestType } from '../../proxmox/types.js';
import { GuestFailure, type ApplyContext, type PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

export const typeOf = (g: Guest): GuestType => (g.kind === 'vm' ? 'qemu' : 'lxc');

/** Features inherited through the clone chain (a clone carries its source's features and markers). */
function inheritedFeatures(g: Guest, ctx: Pick<PlanContext, 'config'>): string[] {
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

/** The guest's features in run order, or a GuestFailure listing every problem (before anything runs). */
export function featuresOf(g: Guest, ctx: Pick<PlanContext, 'config' | 'registry'>): ResolvedFeature[] {
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
 * Plan each feature from the guest's markers (read at observation, or as an earlier action
 * leaves them). A guest whose markers cannot be read yet (stopped at plan time) gets its
 * features decided at apply: the plan says so. Returns whether any feature runs: true, false,
 * or 'at-apply'.
 */
export async function planFeatures(g: Guest, features: ResolvedFeature[], rec: StepRecorder, ctx: PlanContext): Promise<boolean | 'at-apply'> {
  let ran: boolean | 'at-apply' = false;
  const type = typeOf(g);
  const ref = { type, vmid: g.id };
  const shared = ctx.config.host.lxcRootInputs;
  if (!features.length) return false;
  const area = ctx.world.get(g.id)?.runArea;
  if (area?.known && area.value.length) {
    rec.step('feature', '!', `remove what an interrupted run left in the feature run area (${area.value.join(', ')})`, { reason: 'it may hold feature inputs' }, { kind: 'clean-run-area', type, vmid: g.id });
  } else if (area && !area.known) {
    rec.note('feature', 'check the feature run area', 'known after start', { kind: 'clean-run-area', type, vmid: g.id });
  }
  for (const f of features) {
    const inputs = selectInputs(f, g.inputs, shared);
    const p = await planFeature(ctx.reader, ref, f, { inputs, secrets: ctx.secrets, signal: ctx.signal });
    const digest = { sha256: p.digest.sha256, scriptSha256: p.digest.scriptSha256, inputsSha256: p.digest.inputsSha256 };
    if (p.unreadable !== undefined) {
      if (ran === false) ran = 'at-apply';
      rec.step('feature', '~', `feature ${f.name} (runs if its marker differs)`, { reason: `known after apply: ${p.unreadable}` }, { kind: 'feature', type, vmid: g.id, feature: f.name, digest, atApply: 'if-marker-differs' });
    } else if (p.willRun) {
      ran = true;
      rec.step('feature', '~', `feature ${f.name}`, { reason: p.reason }, { kind: 'feature', type, vmid: g.id, feature: f.name, digest });
    } else rec.note('feature', `feature ${f.name}`, 'unchanged');
  }
  return ran;
}

export function checksOf(g: Guest, features: ResolvedFeature[]): HealthCheck[] {
  return [...g.healthChecks, ...featureHealthChecks(features)];
}

/** The health checks run at apply (each run; they change nothing). */
export function planChecks(g: Guest, checks: HealthCheck[], rec: StepRecorder): void {
  if (!checks.length) return;
  const names = checks.map((c) => c.name);
  rec.note('health', `health checks: ${names.join(', ')}`, undefined, { kind: 'health', type: typeOf(g), vmid: g.id, checks: names });
}

/** Run a guest's health checks (apply); a failing one fails the guest. */
export async function runChecks(g: Guest, checks: HealthCheck[], ctx: Pick<ApplyContext, 'driver' | 'signal' | 'secrets' | 'health' | 'emit'> & { passed?: ReadonlyMap<string, string> }): Promise<string> {
  if (!checks.length) return 'no checks';
  const names = checks.map((c) => c.name).join(', ');
  ctx.emit('health', names);
  const report = await runHealthChecks(ctx.driver, { type: typeOf(g), vmid: g.id }, checks, {
    signal: ctx.signal,
    guestHost: hostOfIp(g.network?.ip) ?? (onDhcp(g) ? () => leasedHost(ctx.driver, g) : undefined),
    scrub: (t) => ctx.secrets.scrubber.scrub(t),
    ...(ctx.passed?.size ? { passed: ctx.passed } : {}),
    ...ctx.health,
  });
  if (!report.healthy) {
    const bad = report.results.filter((r) => !r.ok);
    throw new GuestFailure(g.id, `unhealthy: ${bad.map((r) => `check "${r.name}" failed after ${r.attempts} attempt(s): ${r.detail}`).join('; ')}`);
  }
  return 'healthy';
}
