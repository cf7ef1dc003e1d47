// The simulated host's /etc/pve as HostFiles, with the bench's cost model: every request (a read,
// a directory read, a write, a removal) takes `file=<ms>` from PHOENIX_SIM_LATENCY, as one
// request to pmxcfs (or one round trip over SSH) would; and with PHOENIX_SIM_LOG_HOSTFILES=1 each
// request is appended to the simulator's call log (PHOENIX_SIM_LOG) as argv ['hostfile', op, path],
// so the bench counts file requests beside pct/qm calls.

import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fsHostFiles } from '../../proxmox/hostfiles/fs.js';
import type { HostFiles } from '../../proxmox/hostfiles/types.js';

/** The `file=<ms>` entry of PHOENIX_SIM_LATENCY (0 when absent). */
export function fileLatencyMs(latency: string | undefined): number {
  const m = /(?:^|,)\s*file=(\d+(?:\.\d+)?)\s*(?:,|$)/.exec(latency ?? '');
  return m ? Number(m[1]) : 0;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export function simHostFiles(stateDir: string, env: Record<string, string | undefined>): HostFiles {
  const inner = fsHostFiles(join(stateDir, 'etc', 'pve'));
  const ms = fileLatencyMs(env.PHOENIX_SIM_LATENCY);
  const log = env.PHOENIX_SIM_LOG_HOSTFILES === '1' ? env.PHOENIX_SIM_LOG : undefined;
  if (!ms && !log) return inner;
  const request = async <T>(op: string, path: string, f: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    const [r] = await Promise.all([f(), sleep(ms)]);
    if (log) {
      try {
        appendFileSync(log, `${JSON.stringify({ argv: ['hostfile', op, path], start, end: Date.now(), exit: 0 })}\n`);
      } catch {
        /* logging must never fail a request */
      }
    }
    return r;
  };
  return {
    root: inner.root,
    read: (p) => request('read', p, () => inner.read(p)),
    readDir: (d, suffix) => request('readDir', d, () => inner.readDir(d, suffix)),
    write: (p, c) => request('write', p, () => inner.write(p, c)),
    remove: (p) => request('remove', p, () => inner.remove(p)),
  };
}
