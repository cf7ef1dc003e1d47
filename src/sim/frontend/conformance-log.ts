// Test infrastructure: the conformance log ($PHOENIX_CONFORMANCE_DIR) that the suite's last step
// (test/conformance-final.test.ts) hands to Proxmox's own code. Only calls the simulator accepted
// (exit 0) are logged, each with the environment it was made in, and every state directory keeps a
// copy of its latest guest configs, since the tests delete their state directories.
//
//   calls/<env>/host.json, calls/<env>/etc/pve/storage.cfg, calls/<env>/etc/pve/nodes/<node>/
//        the environment (storage.cfg, node, bridges) shared by every call logged under it
//   calls/<env>/<pid>.jsonl      {"argv":["pct",...],"test":"test/x.test.ts"} per accepted call
//   states/<state>/origin.json   {"stateDir":..., "test":...}
//   states/<state>/host.json, states/<state>/etc/pve/{storage.cfg,nodes/<node>/{lxc,qemu-server}/*.conf}
//        the state directory's latest storage.cfg and guest configs, refreshed after each accepted
//        call that may change them
//
// Logging never fails a call. It costs one append per call plus, after a mutating call, a copy of
// the node's (few) guest configs.

import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimPaths } from '../state/paths.js';
import type { HostState } from '../state/types.js';

/** The test file that made the call: set per test process by scripts/conformance-tag.mjs. */
const testFile = (): string | undefined => process.env.PHOENIX_CONFORMANCE_TEST;

const hash = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 16);

function writeAtomic(file: string, text: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Writes host.json (bridges, for the oracle's bridge check) and etc/pve/storage.cfg into `dir`. */
function writeEnvironment(dir: string, paths: SimPaths, host: HostState): void {
  mkdirSync(join(dir, 'etc', 'pve', 'nodes', host.node, 'lxc'), { recursive: true });
  mkdirSync(join(dir, 'etc', 'pve', 'nodes', host.node, 'qemu-server'), { recursive: true });
  writeAtomic(join(dir, 'host.json'), `${JSON.stringify({ node: host.node, bridges: host.bridges })}\n`);
  writeAtomic(join(dir, 'etc', 'pve', 'storage.cfg'), readFileSync(join(paths.etcPve, 'storage.cfg')));
}

const envsMade = new Set<string>();

/** Appends an accepted call under the environment (storage.cfg, node, bridges) it was made in. */
export function logAcceptedCall(conformanceDir: string, argv: string[], paths: SimPaths, host: HostState): void {
  try {
    const key = hash(JSON.stringify([host.node, host.bridges, host.storages]));
    const dir = join(conformanceDir, 'calls', key);
    if (!envsMade.has(dir)) {
      if (!existsSync(join(dir, 'host.json'))) writeEnvironment(dir, paths, host);
      envsMade.add(dir);
    }
    appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ argv, test: testFile() })}\n`);
  } catch {
    /* logging must never fail a call */
  }
}

const statesMade = new Set<string>();

/** Mirrors the state directory's storage.cfg and the local node's guest configs into its bucket. */
export function snapshotState(conformanceDir: string, paths: SimPaths, host: HostState): void {
  try {
    const dir = join(conformanceDir, 'states', hash(paths.root));
    if (!statesMade.has(dir)) {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(join(dir, 'origin.json'))) writeAtomic(join(dir, 'origin.json'), `${JSON.stringify({ stateDir: paths.root, test: testFile() })}\n`);
      statesMade.add(dir);
    }
    writeEnvironment(dir, paths, host);
    for (const sub of ['lxc', 'qemu-server']) {
      const from = join(paths.etcPve, 'nodes', host.node, sub);
      const to = join(dir, 'etc', 'pve', 'nodes', host.node, sub);
      const confs = existsSync(from) ? readdirSync(from).filter((f) => /^\d+\.conf$/.test(f)) : [];
      for (const f of confs) {
        const tmp = join(to, `${f}.tmp-${process.pid}`);
        copyFileSync(join(from, f), tmp);
        renameSync(tmp, join(to, f));
      }
      for (const f of readdirSync(to)) if (/^\d+\.conf$/.test(f) && !confs.includes(f)) rmSync(join(to, f), { force: true });
    }
  } catch {
    /* logging must never fail a call */
  }
}

export interface LoggedCall {
  argv: string[];
  test?: string;
}

/** Every environment bucket of a conformance dir with its logged calls (for the conformance step). */
export function readCallBuckets(conformanceDir: string): Array<{ dir: string; calls: LoggedCall[] }> {
  const root = join(conformanceDir, 'calls');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((key) => {
      const dir = join(root, key);
      const calls = readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .flatMap((f) =>
          readFileSync(join(dir, f), 'utf8')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as LoggedCall),
        );
      return { dir, calls };
    });
}
