// Steps that take a Proxmox lock, journaled while they run. A run killed in the middle of one
// (`kill -9`, a power cut, a task that died: `interrupted by signal`) leaves the entry behind, and
// the guest perhaps half-made or still carrying `lock: create|clone|snapshot|...`. The next run
// reads the entry and knows the leftover is its own, so it can finish or redo that step (see
// recover.ts) instead of failing on the lock forever or guessing at somebody else's lock.
// Entries are files `<stateDir>/in-flight/<vmid>` (JSON), like the pending restarts.

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { privateDir, writePrivate } from '../util/private-fs.js';

export interface InFlightStep {
  /** define: create/clone (+ disk import for a VM); snapshot/delsnapshot: by name; resize: a disk. */
  op: 'define' | 'snapshot' | 'delsnapshot' | 'resize';
  name?: string;
  /** define: the name the guest is made with, checked before a recovery destroys anything. */
  guestName?: string;
  /**
   * define of a CT by `pct clone`: the source, which pve-container marks `lock: disk` for the
   * whole clone; a clone killed with us leaves that lock, and only this entry proves it is ours.
   */
  source?: number;
  pid: number;
  at: string;
}

export interface InFlight {
  get(vmid: number): InFlightStep | undefined;
  begin(vmid: number, op: InFlightStep['op'], name?: string, guestName?: string, source?: number): void;
  end(vmid: number): void;
  /** Every entry, by guest id. */
  entries(): Array<[number, InFlightStep]>;
}

function step(op: InFlightStep['op'], name?: string, guestName?: string, source?: number): InFlightStep {
  return {
    op,
    ...(name !== undefined && { name }),
    ...(guestName !== undefined && { guestName }),
    ...(source !== undefined && { source }),
    pid: process.pid,
    at: new Date().toISOString(),
  };
}

export function fileInFlight(stateDir: string): InFlight {
  const dir = join(stateDir, 'in-flight');
  const path = (id: number) => join(dir, String(id));
  const get = (id: number): InFlightStep | undefined => {
    try {
      return JSON.parse(readFileSync(path(id), 'utf8')) as InFlightStep;
    } catch {
      return undefined;
    }
  };
  return {
    get,
    begin: (id, op, name, guestName, source) => {
      privateDir(dir, stateDir);
      writePrivate(
        path(id),
        `${JSON.stringify(step(op, name, guestName, source))}
`,
      );
    },
    end: (id) => rmSync(path(id), { force: true }),
    entries: () => {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        /* no journal yet */
      }
      return names
        .filter((n) => /^\d+$/.test(n))
        .map((n): [number, InFlightStep | undefined] => [Number(n), get(Number(n))])
        .filter((e): e is [number, InFlightStep] => e[1] !== undefined);
    },
  };
}

export function memoryInFlight(): InFlight {
  const m = new Map<number, InFlightStep>();
  return {
    get: (id) => m.get(id),
    begin: (id, op, name, guestName, source) => void m.set(id, step(op, name, guestName, source)),
    end: (id) => void m.delete(id),
    entries: () => [...m.entries()],
  };
}

/** Runs fn as a journaled step: the entry stays if fn throws or the process dies before it returns. */
export async function journaled<T>(j: InFlight | undefined, vmid: number, op: InFlightStep['op'], name: string | undefined, fn: () => Promise<T>): Promise<T> {
  j?.begin(vmid, op, name);
  const out = await fn();
  j?.end(vmid);
  return out;
}

/**
 * Restamps a define entry right before the create/clone call itself (after any queueing), so the
 * guest's creation time can be checked against it: see recover.ts.
 */
export function stampDefine(j: InFlight | undefined, vmid: number, guestName: string): void {
  const e = j?.get(vmid);
  if (e?.op === 'define') j!.begin(vmid, 'define', undefined, guestName, e.source);
}
