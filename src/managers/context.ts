// What a guest workflow gets: the driver (read-only in plan mode), the config, the feature
// registry, secrets, where logs go, and how to report progress. Built once per run by the CLI.

import type { FeatureRegistry } from '../features/registry.js';
import type { HealthRunOptions } from '../health/index.js';
import type { PhoenixConfig } from '../model/guest.js';
import type { ProxmoxDriver } from '../proxmox/driver.js';
import type { SecretContext } from '../util/secrets.js';
import type { PendingRestarts } from './pending.js';
import type { InFlight } from './inflight.js';

export interface WorkflowContext {
  /** Every side effect goes through this; in plan mode it is readOnlyDriver(...) */
  driver: ProxmoxDriver;
  /** false: plan only (observe and record what would happen); true: act. */
  apply: boolean;
  config: PhoenixConfig;
  registry: FeatureRegistry;
  secrets: SecretContext;
  /** Directory for this run's per-guest logs. */
  logDir: string;
  pending: PendingRestarts;
  /** Journal of lock-taking steps, so a run killed in one can be finished by the next (absent: none). */
  inflight?: InFlight;
  signal: AbortSignal;
  /** Progress: the step a guest is on (the engine stamps guest and time). */
  emit: (step: string, detail?: string) => void;
  /** Injected sleep/connect for health checks and waits (tests); real ones by default. */
  health?: Pick<HealthRunOptions, 'sleep' | 'connect' | 'httpGet'>;
  /** Polling interval while waiting for a VM's agent / cloud-init (ms). */
  pollMs?: number;
  /**
   * Guests created or cloned whose configuration was never applied (a `set` after the clone
   * failed): marked before the define, cleared once configured. `start` refuses them.
   */
  unconfigured?: PendingRestarts;
  /** Guests created in this run (so `ensure` converges them fully). */
  createdThisRun: Set<number>;
}

/** A guest failed for a reason a person must fix (not retried by the engine). */
export class GuestFailure extends Error {
  constructor(readonly guest: number, message: string, readonly detail: string[] = []) {
    super(message);
    this.name = 'GuestFailure';
  }
}
