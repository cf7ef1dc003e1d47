// Drives the simulator in-process for tests: a fresh state directory per test, a recording
// guest-filesystem fake (so engine tests need no bubblewrap), and a tree hash for "nothing changed".

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSim, type SimResult } from '../../src/sim/frontend/run.js';
import type { GuestFsPort } from '../../src/sim/frontend/guestfs-port.js';

export interface FakeGuestFs extends GuestFsPort {
  calls: string[];
  execResult: { exitCode: number; stdout: string; stderr: string; timedOut?: boolean };
}

export function fakeGuestFs(): FakeGuestFs {
  const calls: string[] = [];
  const rec = (s: string) => {
    calls.push(s);
    return Promise.resolve();
  };
  const fake: FakeGuestFs = {
    calls,
    execResult: { exitCode: 0, stdout: '', stderr: '' },
    create: (vmid, o) => rec(`create ${vmid} ${o.kind} ${o.template ?? ''}`.trim()),
    clone: (s, d, o) => rec(`clone ${s} ${d} ${o.snapshot ?? ''}`.trim()),
    snapshot: (v, n) => rec(`snapshot ${v} ${n}`),
    rollback: (v, n) => rec(`rollback ${v} ${n}`),
    deleteSnapshot: (v, n) => rec(`delsnapshot ${v} ${n}`),
    destroy: (v) => rec(`destroy ${v}`),
    onStart: (v, _k, id) => rec(`start ${v} ${id.hostname}${id.sshKeys ? ` keys=${JSON.stringify(id.sshKeys)}` : ''}`),
    onStop: (v) => rec(`stop ${v}`),
    exec: async (v, argv, o) => {
      calls.push(`exec ${v} ${JSON.stringify(argv)}${o.stdin !== undefined ? ` stdin=${JSON.stringify(o.stdin)}` : ''}`);
      return fake.execResult;
    },
    push: (v, f, d) => rec(`push ${v} ${f} ${d}`),
    pull: (v, p, d) => rec(`pull ${v} ${p} ${d}`),
  };
  return fake;
}

export interface SimHarness {
  dir: string;
  fs: FakeGuestFs;
  env: Record<string, string | undefined>;
  run: (...argv: string[]) => Promise<SimResult>;
  /** Runs and asserts exit 0, returning stdout. */
  ok: (...argv: string[]) => Promise<string>;
  cleanup: () => void;
}

export function simHarness(env: Record<string, string | undefined> = {}): SimHarness {
  const dir = mkdtempSync(join(tmpdir(), 'phx-sim-'));
  const fs = fakeGuestFs();
  const h: SimHarness = {
    dir,
    fs,
    env: { PHOENIX_CONFORMANCE_DIR: process.env.PHOENIX_CONFORMANCE_DIR, ...env },
    run: (...argv) => runSim(argv, { stateDir: dir, env: h.env, guestfs: fs }),
    ok: async (...argv) => {
      const r = await h.run(...argv);
      if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
      return r.stdout;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  return h;
}

/** A hash of every path, file content and symlink target under dir. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${rel}/${name}:${st.mode}\n`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p, `${rel}/${name}`);
      else h.update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

export const DEBIAN = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
export const UBUNTU = 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst';
export const NOBLE = 'local:import/noble-server-cloudimg-amd64.qcow2';
