// Steps that take a Proxmox lock, journaled while they run. A run killed in the middle of one
// (`kill -9`, a power cut, a task that died: `interrupted by signal`) leaves the entry behind, and
// the guest perhaps half-made or still carrying `lock: create|clone|snapshot|...`. The next run
// reads the entry and knows the leftover is its own, so it can finish or redo that step (see
// recover.ts) instead of failing on the lock forever or guessing at somebody else's lock.
// Entries are files `<stateDir>/in-flight/<vmid>` (JSON), like the pending restarts.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { privateDir, writePrivate } from '../util/private-fs.js';

export interface InFlightStep {
  /** define: create/clone (+ disk import for a VM); snapshot/delsnapshot: by name; resize: a disk. */
  op: 'define' | 'snapshot' | 'delsnapshot' | 'resize';
  name?: string;
  /** define: the name the guest is made with, checked before a recovery destroys anything. */
  guestName?: string;
  pid: number;
  at: string;
}

export interface InFlight {
  get(vmid: number): InFlightStep | undefined;
  begin(vmid: number, op: InFlightStep['op'], name?: string, guestName?: string): void;
  end(vmid: number): void;
}

export function fileInFlight(stateDir: string): InFlight {
  const dir = join(stateDir, 'in-flight');
  const path = (id: number) => join(dir, String(id));
  return {
    get: (id) => {
      try {
        return JSON.parse(readFileSync(path(id), 'utf8')) as InFlightStep;
      } catch {
        return undefined;
      }
    },
    begin: (id, op, name, guestName) => {
      privateDir(dir, stateDir);
      const step: InFlightStep = { op, ...(name !== undefined && { name }), ...(guestName !== undefined && { guestName }), pid: process.pid, at: new Date().toISOString() };
      writePrivate(path(id), `${JSON.stringify(step)}
`);
    },
    end: (id) => rmSync(path(id), { force: true }),
  };
}

export function memoryInFlight(): InFlight {
  const m = new Map<number, InFlightStep>();
  return {
    get: (id) => m.get(id),
    begin: (id, op, name, guestName) => void m.set(id, { op, ...(name !== undefined && { name }), ...(guestName !== undefined && { guestName }), pid: process.pid, at: new Date().toISOString() }),
    end: (id) => void m.delete(id),
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
  if (j?.get(vmid)?.op === 'define') j.begin(vmid, 'define', undefined, guestName);
}
