// What a guest's diff gets (plan) and what its apply gets (execute). Diff reads only the planning
// world (plain values); apply gets the driver. Built once per run by the application layer.

import type { FeatureRegistry } from '../features/registry.js';
import type { HealthRunOptions } from '../health/index.js';
import type { PhoenixConfig } from '../model/guest.js';
import type { ProxmoxDriver, ProxmoxReader } from '../proxmox/driver.js';
import type { SecretContext } from '../util/secrets.js';
import type { PendingRestarts } from './pending.js';
import type { InFlight } from './inflight.js';
import type { World } from './world.js';

export interface PlanContext {
  /** The planning world's reader: observed values, then what planned actions leave. */
  reader: ProxmoxReader;
  world: World;
  config: PhoenixConfig;
  registry: FeatureRegistry;
  secrets: SecretContext;
  /** Restarts owed from earlier runs (local markers); read only while planning. */
  pending: Pick<PendingRestarts, 'has'>;
  /** Guests defined but never configured (a clone whose `set` did not happen). */
  unconfigured?: Pick<PendingRestarts, 'has'>;
  /** The in-flight journal of an interrupted run (read only while planning). */
  inflight?: Pick<InFlight, 'get' | 'entries'>;
  /** --no-reboot: changes that need a restart are applied and left pending, not restarted. */
  noReboot?: boolean;
  /** Guests taken over in this run (`phoenix adopt`, `--adopt`: every one): planned though not tagged. */
  adopt?: ReadonlySet<number> | 'all';
  /** Planning one guest again after a failed attempt (its dependencies are not planned with it). */
  replanning?: boolean;
  /** --replace ID: guests whose create-time settings differ are destroyed and made again. */
  replace?: ReadonlySet<number>;
  /**
   * On a cluster: where a created VM's downloaded image lands (its node, and whether that import
   * storage is shared); absent on one node.
   */
  imageAt?: (vmid: number) => { node: string; shared: boolean } | undefined;
  signal: AbortSignal;
}

export interface ApplyContext {
  driver: ProxmoxDriver;
  config: PhoenixConfig;
  registry: FeatureRegistry;
  secrets: SecretContext;
  /** Directory for this run's per-guest logs. */
  logDir: string;
  pending: PendingRestarts;
  inflight?: InFlight;
  unconfigured?: PendingRestarts;
  signal: AbortSignal;
  /** Progress: the step a guest is on (the engine stamps guest and time). */
  emit: (step: string, detail?: string) => void;
  /** Injected sleep/connect for health checks and waits (tests); real ones by default. */
  health?: Pick<HealthRunOptions, 'sleep' | 'connect' | 'httpGet'>;
  /** Polling interval while waiting for a VM's agent / cloud-init (ms). */
  pollMs?: number;
  /** Image downloads of this run, by volume id: a create waits for the one its image comes from. */
  downloads: Map<string, Promise<void>>;
  /** Features that ran for each guest in this apply (an at-apply snapshot retake asks). */
  featuresRan: Set<number>;
  /**
   * The command checks attempted when this guest was observed (world.ts `checks`): used by its
   * health step only when no step before it changed anything.
   */
  observedChecks?: ReadonlyMap<string, { ok: boolean; detail: string }>;
}

/** A guest failed for a reason a person must fix (not retried by the engine). */
export class GuestFailure extends Error {
  constructor(
    readonly guest: number,
    message: string,
    readonly detail: string[] = [],
  ) {
    super(message);
    this.name = 'GuestFailure';
  }
}
