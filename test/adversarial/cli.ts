// The adversarial suite drives the built CLI (`node dist/cli.js …`) as a child process against
// the simulator, the way a user (or an attacker racing a user) would: real exit codes, real
// stdout/stderr, real files on disk.

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const SIM_CLI = join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js');
export const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'homelab');
export const skip = !existsSync(CLI) && 'needs dist/cli.js (npm run build)';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  root: string;
  config: string;
  state: string;
  /** Starts the CLI with `args` (plus --config and --driver sim); resolves when it exits. */
  start: (args: string[], env?: Record<string, string>) => { child: ChildProcess; done: Promise<Run> };
  run: (args: string[], env?: Record<string, string>) => Promise<Run>;
  cleanup: () => void;
}

/** A temporary workspace; `config` is a copy of examples/homelab unless `fromExample` is false. */
export function workspace(label: string, opts: { fromExample?: boolean; umask?: number } = {}): Workspace {
  const root = mkdtempSync(join(tmpdir(), `phoenix-adv-${label}-`));
  const config = join(root, 'config');
  // Without the state a `phoenix up --config examples/homelab` (README, .ci/run) leaves there.
  if (opts.fromExample !== false) cpSync(EXAMPLE, config, { recursive: true, filter: (src) => !src.includes(`${'/'}.phoenix`) });
  const state = join(root, 'sim');
  const start = (args: string[], env: Record<string, string> = {}) => {
    const argv = [CLI, ...args, '--config', config, '--driver', 'sim'];
    // With a umask: through sh, which sets it and then execs node.
    const [cmd, cmdArgs] = opts.umask === undefined ? [process.execPath, argv] : ['/bin/sh', ['-c', `umask ${opts.umask.toString(8).padStart(3, '0')} && exec "$0" "$@"`, process.execPath, ...argv]];
    const child = spawn(cmd, cmdArgs, {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1', PHOENIX_SIM_STATE: state, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<Run>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
    return { child, done };
  };
  return { root, config, state, start, run: (args, env) => start(args, env).done, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs the simulator's own `pct`/`qm` on the workspace's host (what a person at the host would do). */
export function simTool(w: Workspace, argv: string[], stdin?: string): Promise<Run> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [SIM_CLI, ...argv], { env: { PATH: process.env.PATH, PHOENIX_SIM_STATE: w.state }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * Adds a user feature `probe` to container 200 of the example: it reads `inputs` (default
 * hf_token, from $PHX_HF_TOKEN) and runs `script` (sh, with the inputs file as $1).
 */
export function withProbeFeature(w: Workspace, opts: { script?: string; inputs?: Record<string, unknown> } = {}): void {
  const inputs = opts.inputs ?? { hf_token: { env: 'PHX_HF_TOKEN' } };
  const dir = join(w.config, 'features', 'probe');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'probe', description: 'reads its inputs', kinds: ['lxc', 'vm'], requires: [], inputs: Object.keys(inputs), timeoutSec: 60 }));
  writeFileSync(join(dir, 'install.sh'), `#!/bin/sh\nset -eu\n. "$(dirname "$0")/phoenix-lib.sh"\n${opts.script ?? 'phx_log "inputs received"'}\n`);
  editConfig(w, 'phoenix_lxc_configs.json', (lxc) => {
    const g = lxc.lxc_configs['200'];
    g.features = ['base_setup', 'probe'];
    Object.assign(g, inputs);
  });
}

/** Rewrites one config file of the workspace through `edit`. */
export function editConfig(w: Workspace, file: string, edit: (doc: any) => void): void {
  const path = join(w.config, file);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  edit(doc);
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Every file under `dir` (recursively) whose content includes `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readFileSync(p, 'utf8').includes(needle)) out.push(p);
    }
  };
  walk(dir);
  return out;
}
