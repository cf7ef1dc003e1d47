// End-to-end harness: a temporary copy of a config directory, its own simulator state and
// PHOENIX_SIM_LOG, the CLI run in-process with `--driver sim` (or, for the shim tests, a real
// `pct`/`qm` on PATH with `--driver pve-cli`), and readers for what the simulated host ended
// up with (.conf files, .fw files, the call log), so assertions are about what Proxmox received.

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured, type CliRun } from '../helpers/cli.js';
import { treeHash } from '../helpers/sim.js';
import { runSim } from '../../src/sim/frontend/run.js';
import { addStorage, addTemplate } from '../../src/sim/index.js';

export const REF = join(import.meta.dirname, '..', '..', '..', 'shared', 'reference');
export const ORIGINAL = join(REF, 'original-config');
export const GOLDEN = join(REF, 'golden');

/**
 * PHOENIX_TEST_DRIVER=api: a workspace's runs go through `--driver api` to the simulator's REST
 * front-end (src/sim/api) serving the workspace's own state, one server per workspace started on
 * its first run; anything else: `--driver sim` in-process. The state, the call log and every
 * reader stay the same, so a test's assertions hold for both.
 */
export const TEST_DRIVER: 'api' | 'sim' = process.env.PHOENIX_TEST_DRIVER === 'api' ? 'api' : 'sim';

/** The process's environment under the workspace's, read at each access (tests change w.env). */
function layeredEnv(top: Record<string, string | undefined>): Record<string, string | undefined> {
  const keys = () => [...new Set([...Object.keys(process.env), ...Object.keys(top)])].filter((k) => (k in top ? top[k] : process.env[k]) !== undefined);
  return new Proxy({} as Record<string, string | undefined>, {
    get: (_, k) => (typeof k !== 'string' ? undefined : k in top ? top[k] : process.env[k]),
    has: (_, k) => typeof k === 'string' && keys().includes(k),
    ownKeys: () => keys(),
    getOwnPropertyDescriptor: (_, k) => (typeof k === 'string' && keys().includes(k) ? { value: k in top ? top[k] : process.env[k], enumerable: true, configurable: true, writable: true } : undefined),
  });
}

export interface SimCall {
  argv: string[];
  exit: number;
}

/** The verb of a pct/qm call as the issue names it: `create`, `disk import`, `guest exec`, `cloudinit update`. */
export function verbOf(argv: readonly string[]): string {
  const [, a, b] = argv;
  if (a === 'guest' || a === 'disk' || a === 'cloudinit') return `${a} ${b}`;
  return a ?? '';
}

const READS = new Set(['status', 'config', 'list', 'listsnapshot', 'pending', 'agent', 'guest exec-status', 'guest cmd']);
/** The calls that execute something inside a guest (allowed on a no-change run only to read markers or run checks). */
const EXECS = new Set(['exec', 'guest exec']);

/** `pveversion` (read once per run) and `pvesh get` are reads too. */
export const isReadCall = (c: SimCall) => c.argv[0] === 'pveversion' || (c.argv[0] === 'pvesh' && c.argv[1] === 'get') || READS.has(verbOf(c.argv));
export const isExecCall = (c: SimCall) => EXECS.has(verbOf(c.argv));
/** Everything else changes the host: create, clone, set, resize, start, stop, reboot, destroy, snapshot, push, template, ... */
export const isMutatingCall = (c: SimCall) => !isReadCall(c) && !isExecCall(c);

/** The command run in the guest by an exec call (after `--`). */
export function execCommand(c: SimCall): string[] {
  const i = c.argv.indexOf('--');
  return i < 0 ? [] : c.argv.slice(i + 1);
}

/**
 * An exec that only reads feature markers: one `cat` of a marker, or the one-exec read of every
 * marker (and the run area's listing) — a fixed script whose only arguments are a tag and names.
 */
export const isMarkerRead = (c: SimCall) => {
  const cmd = execCommand(c);
  if (cmd.length === 2 && cmd[0] === 'cat' && /^\/var\/lib\/phoenix\/features\/[\w-]+\.json$/.test(cmd[1])) return true;
  // The state read: a fixed script that only reads (its only redirections go to /dev/null or join
  // stderr to stdout), a tag, the count of feature names, the run-area flag, the names, then the
  // guest's command health checks (read-only by contract) as `<seconds> <argc> <argv…>`.
  const script = cmd[2] ?? '';
  const writes = /[>]|rm |mv /.test(script.replace(/2>\/dev\/null|>\/dev\/null|2>&1/g, ''));
  const nn = Number(cmd[5]);
  return cmd[0] === 'sh' && cmd[1] === '-c' && script.includes('f=/var/lib/phoenix/features/$n.json') && !writes && cmd[3] === 'sh' && /^phoenix-(marker|state)-[0-9a-f]{16}$/.test(cmd[4] ?? '') && /^\d+$/.test(cmd[5] ?? '') && /^[01]$/.test(cmd[6] ?? '') && cmd.slice(7, 7 + nn).every((n) => /^[\w-]+$/.test(n));
};

export const vmidOf = (c: SimCall): number => Number(verbOf(c.argv) === 'clone' ? c.argv[3] : c.argv[verbOf(c.argv).includes(' ') ? 3 : 2]);

export interface ParsedConf {
  options: Record<string, string>;
  /** Raw lxc.* lines as [key, value], in file order (duplicates kept, so tests can count them). */
  raw: Array<[string, string]>;
  snapshots: string[];
}

/** The current section of a Proxmox guest .conf (the part before the first [snapshot]). */
export function parseConf(text: string): ParsedConf {
  const options: Record<string, string> = {};
  const raw: Array<[string, string]> = [];
  const snapshots: string[] = [];
  let current = true;
  for (const line of text.split('\n')) {
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      current = false;
      snapshots.push(sec[1]);
      continue;
    }
    if (!current || line.startsWith('#') || !line.trim()) continue;
    const m = /^([a-z0-9_.\-]+):\s?(.*)$/i.exec(line);
    if (!m) continue;
    if (m[1].startsWith('lxc.')) raw.push([m[1], m[2]]);
    else options[m[1]] = m[2];
  }
  return { options, raw, snapshots: snapshots.filter((s) => s !== 'PENDING') };
}

/** `a=1,b=2,virtio=MAC` → { a: '1', b: '2', virtio: 'MAC' }; a bare first value (`virtio`) maps to ''. */
export function propMap(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? '').split(',')) {
    if (!part) continue;
    const i = part.indexOf('=');
    if (i < 0) out[part] = '';
    else out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

export interface Workspace {
  root: string;
  config: string;
  state: string;
  log: string;
  env: Record<string, string | undefined>;
  /** Runs the CLI in-process: `phoenix <argv> --config <config> --driver sim`. */
  run: (...argv: string[]) => Promise<CliRun>;
  /** Every pct/qm call the simulator received so far (from PHOENIX_SIM_LOG). */
  calls: () => SimCall[];
  /** Calls since the last mark(); mark() returns nothing. */
  mark: () => void;
  since: () => SimCall[];
  conf: (kind: 'lxc' | 'vm', vmid: number) => ParsedConf | null;
  confText: (kind: 'lxc' | 'vm', vmid: number) => string | null;
  firewall: (vmid: number) => string | null;
  /** A pct/qm call straight to the simulator (not logged): reading a file in a guest, etc. */
  sim: (...argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stateHash: () => string;
  /** Read-modify-write of a config file (by file name) as JSON. */
  edit: (file: string, fn: (doc: any) => void) => void;
  write: (rel: string, content: string, mode?: number) => void;
  /** Every file Phoenix or the simulator wrote that a person might read: run logs and the call log. */
  logTexts: () => Array<{ path: string; text: string }>;
  cleanup: () => void;
}

export interface WorkspaceOptions {
  /** A config directory to copy, or files (name → content) to write. */
  from?: string;
  files?: Record<string, string | object>;
  /** Extra environment for the runs. */
  env?: Record<string, string | undefined>;
}

export function workspace(o: WorkspaceOptions): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-e2e-'));
  const config = join(root, 'config');
  const state = join(root, 'sim');
  const log = join(root, 'sim.log');
  if (o.from) cpSync(o.from, config, { recursive: true, filter: (src) => !src.includes(`${'/'}.phoenix`) });
  else mkdirSync(config, { recursive: true });
  for (const [name, content] of Object.entries(o.files ?? {})) {
    mkdirSync(join(config, name, '..'), { recursive: true });
    writeFileSync(join(config, name), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  const env: Record<string, string | undefined> = {
    PHOENIX_CONFIG: undefined,
    PHOENIX_SIM_STATE: state,
    PHOENIX_SIM_LOG: log,
    PHOENIX_SIM_LATENCY: undefined,
    PHOENIX_SIM_FAULTS: undefined,
    PHOENIX_LOCK_DIR: join(root, 'locks'),
    ...o.env,
  };
  let marked = 0;
  let api: Promise<import('../api/sim-api.js').SimApiFixture> | undefined;
  const calls = (): SimCall[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => {
            const j = JSON.parse(l) as { argv: string[]; exit: number };
            return { argv: j.argv, exit: j.exit };
          })
      : [];
  const node = () => {
    try {
      return (JSON.parse(readFileSync(join(state, 'host.json'), 'utf8')) as { node: string }).node;
    } catch {
      return 'pve';
    }
  };
  const confText = (kind: 'lxc' | 'vm', vmid: number) => {
    const p = join(state, 'etc', 'pve', 'nodes', node(), kind === 'lxc' ? 'lxc' : 'qemu-server', `${vmid}.conf`);
    return existsSync(p) ? readFileSync(p, 'utf8') : null;
  };
  const w: Workspace = {
    root,
    config,
    state,
    log,
    env,
    run: async (...argv) => {
      if (TEST_DRIVER === 'sim') return runCliCaptured([...argv, '--config', config, '--driver', 'sim'], { env, cwd: root });
      api ??= import('../api/sim-api.js').then((m) => m.simApi({ state, liveEnv: layeredEnv(env) }));
      const f = await api;
      return runCliCaptured([...argv, '--config', config, '--driver', 'api'], { env: { ...env, ...f.env }, cwd: root });
    },
    calls,
    mark: () => {
      marked = calls().length;
    },
    since: () => calls().slice(marked),
    confText,
    conf: (kind, vmid) => {
      const t = confText(kind, vmid);
      return t === null ? null : parseConf(t);
    },
    firewall: (vmid) => {
      const p = join(state, 'etc', 'pve', 'firewall', `${vmid}.fw`);
      return existsSync(p) ? readFileSync(p, 'utf8') : null;
    },
    sim: (...argv) => runSim(argv, { stateDir: state, env: {} }),
    stateHash: () => treeHash(state),
    edit: (file, fn) => {
      const p = join(config, file);
      const doc = JSON.parse(readFileSync(p, 'utf8'));
      fn(doc);
      writeFileSync(p, `${JSON.stringify(doc, null, 2)}\n`);
    },
    write: (rel, content, mode) => {
      const p = join(config, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, content, mode === undefined ? undefined : { mode });
    },
    logTexts: () => {
      const out: Array<{ path: string; text: string }> = [];
      const walk = (d: string) => {
        if (!existsSync(d)) return;
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          if (statSync(p).isDirectory()) walk(p);
          else out.push({ path: p, text: readFileSync(p, 'utf8') });
        }
      };
      walk(join(config, '.phoenix'));
      if (existsSync(log)) out.push({ path: log, text: readFileSync(log, 'utf8') });
      return out;
    },
    cleanup: () => {
      void api?.then((f) => f.close());
      rmSync(root, { recursive: true, force: true });
    },
  };
  return w;
}

/** The storages and templates the original config and its golden subsets name, added as an admin would. */
export async function addOriginalStorages(state: string): Promise<void> {
  await addStorage(state, 'quickOS-lxc-disks', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'quickOS-vm-disks', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'fastData-shared-bulk-data', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'fastData-shared-iso', { type: 'dir', content: ['iso', 'vztmpl', 'import'], path: '/fastData/shared-iso' });
  await addTemplate(state, 'fastData-shared-iso:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst');
}

/** Lines of `text` (stdout+stderr) that look like a crash rather than a diagnostic. */
export function crashLines(text: string): string[] {
  return text.split('\n').filter((l) => /\bat .*\.(ts|js):\d+|TypeError|ReferenceError|internal error|Unhandled/i.test(l));
}

/** A user feature beside the config: features/<name>/{manifest.json,install.sh}. */
export function userFeature(w: Workspace, name: string, script: string, manifest: Record<string, unknown> = {}): void {
  w.write(`features/${name}/manifest.json`, `${JSON.stringify({ name, description: `e2e test feature ${name}`, kinds: ['lxc', 'vm'], requires: [], inputs: [], timeoutSec: 60, ...manifest }, null, 2)}\n`);
  w.write(`features/${name}/install.sh`, script, 0o755);
}
