// Normalisation pieces shared by containers and VMs: firewall, health checks, nameservers, MACs,
// feature inputs. Pure functions from the typed file shapes to the model.
import type { z } from 'zod';
import type { FirewallSpec, HealthCheckSpec } from '../../model/guest.js';
import type { Severity } from '../../diag/diagnostic.js';
import type { JsonPath } from '../json.js';
import { isFeatureInput } from '../schema/common.js';
import type { FirewallSchema, HealthChecksSchema, LegacyHealthCheckSchema } from '../schema/network.js';

/** Drops keys whose value is undefined, so models compare cleanly and print without noise. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** "10.0.0.13 8.8.8.8" / "10.0.0.13,8.8.8.8" / ["10.0.0.13"] → ["10.0.0.13", "8.8.8.8"] */
export function splitNameservers(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/[\s,]+/)).filter(Boolean);
}

/** Proxmox writes MACs upper-case with colons; compare and store them that way. */
export const normalizeMac = (mac: string | undefined): string | undefined => mac?.replace(/-/g, ':').toUpperCase();

export function firewallSpec(fw: z.output<typeof FirewallSchema> | undefined): FirewallSpec | undefined {
  if (!fw) return undefined;
  return defined({
    enabled: fw.enabled ?? true,
    rules: (fw.rules ?? []).map((r) =>
      defined({
        type: r.type,
        action: r.action,
        proto: r.proto,
        source: r.source,
        dest: r.dest,
        dport: r.dport !== undefined ? String(r.dport) : r.port !== undefined ? String(r.port) : undefined,
        sport: r.sport !== undefined ? String(r.sport) : undefined,
        iface: r.iface,
        comment: r.comment,
        enable: r.enable ?? true,
      }),
    ),
    policyIn: fw.policy_in,
    policyOut: fw.policy_out,
  });
}

const DEFAULTS = { retries: 3, intervalSec: 5, timeoutSec: 10 };

export function healthChecks(legacy: z.output<typeof LegacyHealthCheckSchema> | undefined, list: z.output<typeof HealthChecksSchema> | undefined): HealthCheckSpec[] {
  const out: HealthCheckSpec[] = [];
  const timing = (c: { retries?: number; interval?: number; timeout?: number }) => ({
    retries: c.retries ?? DEFAULTS.retries,
    intervalSec: c.interval ?? DEFAULTS.intervalSec,
    timeoutSec: c.timeout ?? DEFAULTS.timeoutSec,
  });
  if (legacy) out.push({ kind: 'command', name: legacy.name ?? 'health_check', command: legacy.command, ...timing(legacy) });
  (list ?? []).forEach((c, i) => {
    const name = c.name ?? `${c.type}-${i + 1}`;
    if (c.type === 'command') out.push({ kind: 'command', name, command: c.command, ...timing(c) });
    else if (c.type === 'tcp') out.push(defined({ kind: 'tcp' as const, name, host: c.host, port: c.port, ...timing(c) }));
    else out.push({ kind: 'http', name, url: c.url, expectStatus: c.expect_status ?? 200, ...timing(c) });
  });
  return out;
}

/** Values of the keys features read (per the schema's marks, or matching `pattern`), as written. */
export function featureInputs(shape: Record<string, unknown>, raw: unknown, pattern?: RegExp): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  if (!raw || typeof raw !== 'object') return inputs;
  for (const [k, v] of Object.entries(raw)) if (v !== undefined && (isFeatureInput(shape[k]) || pattern?.test(k))) inputs[k] = v;
  return inputs;
}

/** How normalisation reports a problem at a path of the file being normalised. */
export type Report = (severity: Severity, path: JsonPath, message: string) => void;
