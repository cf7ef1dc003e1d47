// Runs the built CLI (`node dist/cli.js ...`) as a child process against a simulator state of its
// own, as a user would: exit code, stdout, stderr. For the adversarial tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
export const NO_CLI = !existsSync(CLI) && 'needs dist/cli.js (npm run build)';

export interface BuiltRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout + stderr */
  out: string;
}

export function runBuilt(argv: string[], o: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number; stdin?: string }): Promise<BuiltRun> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1' };
  for (const [k, v] of Object.entries(o.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...argv], { cwd: o.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(o.stdin ?? '');
    const timer = setTimeout(() => {
      stderr += `\n[test: killed after ${o.timeoutMs} ms]\n`;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, out: stdout + stderr });
    });
  });
}

/** Lines that show a crash instead of a diagnostic. */
export const crashLines = (text: string) => text.split('\n').filter((l) => /\bat .*\.(ts|js):\d+|TypeError|ReferenceError|internal error|Unhandled|^\s+at /i.test(l));

export interface Workspace {
  root: string;
  config: string;
  state: string;
  env: Record<string, string | undefined>;
  /** Writes <config>/<name> (objects as JSON). */
  write: (name: string, content: object | string) => string;
  run: (argv: string[], o?: { env?: Record<string, string | undefined>; timeoutMs?: number }) => Promise<BuiltRun>;
  cleanup: () => void;
}

/** A temporary config directory, simulator state and lock directory. */
export function workspace(label: string, files: Record<string, object | string> = {}): Workspace {
  const root = mkdtempSync(join(tmpdir(), `phoenix-adv-${label}-`));
  const config = join(root, 'config');
  mkdirSync(config);
  const state = join(root, 'sim');
  const env = { PHOENIX_SIM_STATE: state, PHOENIX_LOCK_DIR: join(root, 'locks') };
  const write = (name: string, content: object | string) => {
    const p = join(config, name);
    writeFileSync(p, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    return p;
  };
  for (const [n, c] of Object.entries(files)) write(n, c);
  return {
    root,
    config,
    state,
    env,
    write,
    run: (argv, o = {}) => runBuilt([...argv, '--config', config, '--driver', 'sim'], { cwd: root, env: { ...env, ...o.env }, timeoutMs: o.timeoutMs }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export const DEBIAN_TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

/** A container config passing validation; override fields per test. */
export const ctConfig = (over: Record<string, unknown> = {}) => ({
  name: 'ct',
  template: DEBIAN_TEMPLATE,
  memory_mb: 256,
  cores: 1,
  storage_pool: 'local-lvm',
  storage_size_gb: 4,
  network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.50/24', gw: '192.168.10.1' },
  unprivileged: true,
  ...over,
});

/** The argv of every call a PHOENIX_SIM_LOG file recorded (none when the file is absent). */
export function callLog(log: string): string[][] {
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).argv as string[])
    : [];
}
