// pve-container puts `lock: disk` on a container's config for the whole of `pct clone`, so a
// second clone of the same source at the same time fails with `CT is locked (disk)`. Clones of
// one source therefore queue here, in this process, instead of failing and retrying. (qemu-server
// clones a template under a shared lock: VM clones of a template need no queue.)

import { Semaphore } from '../../util/semaphore.js';

const queues = new WeakMap<object, Map<number, Semaphore>>();

/** Runs `fn` while holding the clone queue of `source` (one per run context `owner`). */
export function withCloneSource<T>(owner: object, source: number, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  let byId = queues.get(owner);
  if (!byId) queues.set(owner, (byId = new Map()));
  let q = byId.get(source);
  if (!q) byId.set(source, (q = new Semaphore(1)));
  return q.with(fn, signal);
}
