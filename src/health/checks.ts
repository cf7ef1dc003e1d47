// The health checks Phoenix runs for a guest: its configured `health_checks` (and the original's
// single `health_check`, which config/ turns into a command check) plus each applied feature's
// default check from its manifest.

import type { HealthCheckSpec } from '../model/guest.js';

interface Timing {
  /** How many attempts at most (at least one). */
  retries: number;
  /** Pause between attempts. */
  intervalSec: number;
  /** Limit of one attempt. */
  timeoutSec: number;
}

/** A model HealthCheckSpec, widened: a command may also be an argv (feature manifests). */
export type HealthCheck = (Timing & { kind: 'command'; name: string; command: string | readonly string[] }) | (Timing & { kind: 'tcp'; name: string; host?: string; port: number }) | (Timing & { kind: 'http'; name: string; url: string; expectStatus: number });

// Compile-time proof that every model spec is a HealthCheck the runner accepts.
const _modelFits: (s: HealthCheckSpec) => HealthCheck = (s) => s;
void _modelFits;

interface FeatureWithCheck {
  name: string;
  manifest: { healthCheck?: { command: string[]; retries: number; intervalSec: number; timeoutSec: number } };
}

/** Each feature's default check, named `feature <name>`, in feature order. */
export function featureHealthChecks(features: readonly FeatureWithCheck[]): HealthCheck[] {
  const out: HealthCheck[] = [];
  for (const f of features) {
    const hc = f.manifest.healthCheck;
    if (!hc) continue;
    out.push({ kind: 'command', name: `feature ${f.name}`, command: hc.command, retries: hc.retries, intervalSec: hc.intervalSec, timeoutSec: hc.timeoutSec });
  }
  return out;
}

/** The address part of a configured IP (`10.0.0.5/24` → `10.0.0.5`); undefined for dhcp/manual. */
export function hostOfIp(ip: string | undefined): string | undefined {
  if (!ip || ip === 'dhcp' || ip === 'manual') return undefined;
  return ip.split('/')[0] || undefined;
}
