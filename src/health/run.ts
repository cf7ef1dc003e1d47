// Runs a guest's health checks with their retries, interval and per-attempt timeout. "Not healthy
// yet" is an answer, not an exception: the result says which check failed, after how many
// attempts, and the last thing it saw. Only cancellation (the signal) throws.
// The pause between attempts goes through an injected sleep so tests run without waiting.

import { setTimeout as delay } from 'node:timers/promises';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { GuestType } from '../proxmox/types.js';
import type { HealthCheck } from './checks.js';
import { type ConnectFn, defaultConnect, defaultHttpGet, type HttpGetFn, probeCommand, probeHttp, probeTcp, type ProbeOutcome } from './probes.js';

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface HealthRunOptions {
  signal?: AbortSignal;
  sleep?: SleepFn;
  connect?: ConnectFn;
  httpGet?: HttpGetFn;
  /**
   * Default host of tcp checks: the guest's IP address, or, for a guest on DHCP, how to ask the
   * guest for its lease (asked at each attempt: a lease may come after the first).
   */
  guestHost?: string | (() => Promise<string | undefined>);
  /** Cleans details (e.g. a URL holding a token) before they are returned. */
  scrub?: (text: string) => string;
  /**
   * Checks already attempted once in this run, with nothing changed in the guest since, that
   * passed (name → detail): not run again. A check that failed then is not here: it runs, retries and all.
   */
  passed?: ReadonlyMap<string, string>;
}

export interface HealthCheckResult {
  name: string;
  kind: HealthCheck['kind'];
  ok: boolean;
  attempts: number;
  /** The last attempt's outcome, for a person. */
  detail: string;
}

export interface HealthReport {
  healthy: boolean;
  results: HealthCheckResult[];
}

const defaultSleep: SleepFn = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

export async function runHealthChecks(reader: ProxmoxReader, guest: { type: GuestType; vmid: number }, checks: readonly HealthCheck[], opts: HealthRunOptions = {}): Promise<HealthReport> {
  const results = await Promise.all(checks.map((c) => runOne(reader, guest, c, opts)));
  return { healthy: results.every((r) => r.ok), results };
}

async function runOne(reader: ProxmoxReader, guest: { type: GuestType; vmid: number }, check: HealthCheck, opts: HealthRunOptions): Promise<HealthCheckResult> {
  const sleep = opts.sleep ?? defaultSleep;
  const scrub = opts.scrub ?? ((t: string) => t);
  const passed = opts.passed?.get(check.name);
  if (passed !== undefined) return { name: check.name, kind: check.kind, ok: true, attempts: 1, detail: scrub(passed) };
  const maxAttempts = Math.max(1, Math.floor(check.retries));
  const timeoutMs = Math.max(1, Math.round(check.timeoutSec * 1000));
  const attempt = probeFor(reader, guest, check, opts, timeoutMs);
  if (typeof attempt === 'string') {
    // A check that cannot be attempted at all (no address) is not retried.
    return { name: check.name, kind: check.kind, ok: false, attempts: 0, detail: attempt };
  }
  let last: ProbeOutcome = { ok: false, detail: 'not run' };
  let n = 0;
  while (n < maxAttempts) {
    opts.signal?.throwIfAborted();
    if (n > 0 && check.intervalSec > 0) await sleep(check.intervalSec * 1000, opts.signal);
    n++;
    last = await attempt();
    if (last.ok) break;
  }
  opts.signal?.throwIfAborted();
  return { name: check.name, kind: check.kind, ok: last.ok, attempts: n, detail: scrub(last.detail) };
}

/** The attempt function for a check, or why it cannot be attempted. */
function probeFor(reader: ProxmoxReader, guest: { type: GuestType; vmid: number }, check: HealthCheck, opts: HealthRunOptions, timeoutMs: number): (() => Promise<ProbeOutcome>) | string {
  switch (check.kind) {
    case 'command':
      return () => probeCommand(reader, guest, check.command, timeoutMs, opts.signal);
    case 'tcp': {
      const host = check.host ?? opts.guestHost;
      if (!host) return `port ${check.port}: no host given and the guest's IP address is not known`;
      return async () => {
        const at = typeof host === 'string' ? host : await host();
        if (!at) return { ok: false, detail: `port ${check.port}: the guest is on DHCP and reports no address yet` };
        return probeTcp(opts.connect ?? defaultConnect, at, check.port, timeoutMs, opts.signal);
      };
    }
    case 'http':
      return () => probeHttp(opts.httpGet ?? defaultHttpGet, check.url, check.expectStatus, timeoutMs, opts.signal);
  }
}
