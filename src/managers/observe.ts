// Observe: every read a plan needs, made once before any guest is planned, into plain values
// (the World). Per guest: status; for one that exists its config, pending changes, snapshots and
// firewall file; for one that runs, its feature markers and the feature run area (and a VM's
// /etc/fstab when it has NFS volumes). Reads run with bounded concurrency; nothing here mutates.

import { readGuestState, type CheckToRun } from '../features/marker.js';
import type { Guest } from '../model/guest.js';
import { imageSource } from '../model/vm-image.js';
import type { ProxmoxReader } from '../proxmox/driver.js';
import type { GuestStatus, GuestType, InventoryGuest } from '../proxmox/types.js';
import { checksOf, featuresOf, typeOf } from './common/in-guest.js';
import { commandArgv, commandOutcome, type HealthCheck } from '../health/index.js';
import type { PlanContext } from './context.js';
import { contentKey, World, type Known, type WorldGuest } from './world.js';

const unknown = <T>(why: string): Known<T> => ({ known: false, why });

async function inGuest<T>(running: boolean, read: () => Promise<T>): Promise<Known<T>> {
  if (!running) return unknown('read once the guest runs (known after apply)');
  try {
    return { known: true, value: await read() };
  } catch (e) {
    return unknown(`the guest did not answer: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** One guest's values (null: it does not exist). `g` absent: a guest outside the config (a clone source's journal). */
export async function observeGuest(reader: ProxmoxReader, type: GuestType, vmid: number, g: Guest | undefined, ctx: Pick<PlanContext, 'config' | 'registry' | 'signal'>, opts: { status?: GuestStatus | null; cloned?: boolean; bulk?: InventoryGuest; checks?: boolean } = {}): Promise<WorldGuest | null> {
  const status = opts.status !== undefined ? opts.status : await reader.status(type, vmid);
  if (!status) return null;
  if (status.template && !opts.cloned) {
    // A template is only verified: its details matter only to a clone this run makes of it.
    return {
      type,
      status,
      config: { options: {}, rawLxc: [] },
      pending: [],
      snapshots: [],
      firewall: null,
      markers: { known: true, value: new Map() },
      runArea: { known: true, value: [] },
      fstab: unknown('not read (a template)'),
    };
  }
  // From the bulk read when there is one (the node's config files), else one read each.
  const b = opts.bulk;
  const [config, pending, snapshots, firewall] = await Promise.all([b ? b.config : reader.config(type, vmid), b ? b.pending : reader.pending(type, vmid), b ? b.snapshots : reader.listSnapshots(type, vmid), g?.firewall ? reader.readFirewall(vmid) : Promise.resolve(null)]);
  const running = status.status === 'running';
  let names: string[] = [];
  let checks: Array<Extract<HealthCheck, { kind: 'command' }>> = [];
  try {
    const features = g ? featuresOf(g, ctx) : [];
    names = features.map((f) => f.name);
    if (g && opts.checks && !status.template) checks = checksOf(g, features).filter((c) => c.kind === 'command');
  } catch {
    // Unknown features fail the guest's plan with every problem listed; nothing to read here.
  }
  const exec = (argv: string[]) => reader.exec(type, vmid, argv, { signal: ctx.signal, timeoutMs: 30_000 });
  // One exec: every marker, the feature run area, and (apply runs) one attempt of each command check.
  const toRun: CheckToRun[] = checks.map((c) => ({ argv: commandArgv(c.command), timeoutSec: c.timeoutSec }));
  const state = await inGuest(running && (names.length > 0 || toRun.length > 0), () => readGuestState(reader, { type, vmid }, names, { signal: ctx.signal, checks: toRun }));
  const markers: Known<Map<string, string | null>> = state.known ? { known: true, value: new Map([...state.value.markers].map(([n, m]) => [n, m === null ? null : m === 'unreadable' ? 'unreadable' : JSON.stringify(m)])) } : state;
  const runArea: Known<string[]> = state.known ? { known: true, value: state.value.runArea } : names.length ? state : { known: true, value: [] };
  const fstab =
    g?.kind === 'vm' && g.volumes.length
      ? await inGuest(running, async () => {
          const r = await exec(['cat', '/etc/fstab']);
          return r.exitCode === 0 ? r.stdout : null;
        })
      : unknown<string | null>('not read (no NFS volumes)');
  return {
    type,
    status,
    config: config ?? { options: {}, rawLxc: [] },
    pending,
    snapshots: snapshots.map((s) => s.name).filter((n) => n !== 'current'),
    firewall,
    markers: names.length ? markers : { known: true, value: new Map() },
    runArea,
    fstab,
    ...(state.known && checks.length ? { checks: new Map(checks.map((c, k) => [c.name, commandOutcome(state.value.checks[k]!.exitCode, state.value.checks[k]!.output)])) } : {}),
  };
}

/** The world a run's plans are made against: the guests of the run, and what their plans read besides. */
/** `checks`: also attempt each running guest's command health checks once, in the same exec (apply runs). */
export async function observeWorld(reader: ProxmoxReader, guests: readonly Guest[], ctx: Pick<PlanContext, 'config' | 'registry' | 'signal' | 'inflight' | 'imageAt'>, concurrency = 8, opts: { checks?: boolean } = {}): Promise<World> {
  const world = new World(reader.node);
  // First every status (one read each), then the details of what exists: a template's only when
  // this run clones it.
  const wanted = new Map<number, { type: GuestType; g: Guest | undefined }>();
  for (const g of guests) wanted.set(g.id, { type: typeOf(g), g });
  // A clone that died holding a source outside the config: its status decides the unlock.
  for (const [, j] of ctx.inflight?.entries() ?? []) if (j.source !== undefined && !wanted.has(j.source)) wanted.set(j.source, { type: 'lxc', g: undefined });
  const statuses = new Map<number, GuestStatus | null>();
  // One bulk read of the node when it can be had (pmxcfs files + /cluster/resources), else a status each.
  // A bulk read that fails (pmxcfs down, files unreadable) falls back to the per-guest reads,
  // which then say which guest could not be read.
  const inventory = await reader.inventory().catch(() => null);
  const bulk = new Map((inventory?.guests ?? []).map((x) => [x.vmid, x]));
  if (inventory) for (const [vmid, w] of wanted) statuses.set(vmid, bulk.get(vmid)?.type === w.type ? bulk.get(vmid)!.status : null);
  else {
    await pool(
      [...wanted].map(([vmid, w]) => async () => {
        try {
          statuses.set(vmid, await reader.status(w.type, vmid));
        } catch (e) {
          world.readErrors.set(vmid, e as Error);
        }
      }),
      concurrency,
      ctx.signal,
    );
  }
  // Every clone source's details, not only those of guests missing now: a guest that exists may
  // still be made again from its source this run (a half-made clone an interrupted run left, a
  // `--replace`), and its plan is made against the source's config.
  const cloned = new Set(guests.filter((g) => g.cloneFrom !== undefined).map((g) => g.cloneFrom!));
  const jobs = [...wanted]
    .filter(([vmid]) => !world.readErrors.has(vmid))
    .map(([vmid, w]) => async () => {
      let o;
      try {
        o = await observeGuest(reader, w.type, vmid, w.g, ctx, { status: statuses.get(vmid) ?? null, cloned: cloned.has(vmid), checks: opts.checks, ...(bulk.has(vmid) ? { bulk: bulk.get(vmid)! } : {}) });
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        world.readErrors.set(vmid, e as Error);
        return;
      }
      if (o) world.guests.set(vmid, o);
    });
  await pool(jobs, concurrency, ctx.signal);
  // Import storage is read only for images a VM to be created needs (on a cluster, the storage
  // of the node the VM goes to).
  const stores = new Map<string, { storage: string; node?: string }>();
  for (const g of guests) {
    if (g.kind !== 'vm' || g.cloneFrom !== undefined || !g.image || world.guests.has(g.id)) continue;
    const src = imageSource(g.image, g.imageFile);
    const node = ctx.imageAt?.(g.id)?.node;
    if (src.kind === 'url') stores.set(contentKey(src.storage, 'import', node), { storage: src.storage, ...(node ? { node } : {}) });
  }
  await pool(
    [...stores].map(
      ([k, s]) =>
        async () =>
          void world.content.set(k, new Set(await reader.storageContent(s.storage, 'import', s.node))),
    ),
    concurrency,
    ctx.signal,
  );
  return world;
}

async function pool(jobs: Array<() => Promise<void>>, concurrency: number, signal: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      signal.throwIfAborted();
      await jobs[next++]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
}
