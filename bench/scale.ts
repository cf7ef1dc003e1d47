// The scale part of `npm run bench`: generated configs of 50, 500 and 5000 guests
// (test/helpers/gen-config.ts), each: `validate`; `plan` on an empty host; then, once the host has
// every guest (`up` with no latency, setup only, not measured), `plan` and a no-op `converge`.
// Measured from outside: wall time and peak RSS of the child (/usr/bin/time -f %M when present),
// the simulator's call log (pct/qm, pvesh, /etc/pve requests). Under the host cost model the
// no-op converge is also timed (sizes ≤ --scale-model-max, default 500) against the same run's
// `validate`. Nothing here is a timed assertion: figures are recorded, targets judged in README.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGenConfig } from '../test/helpers/gen-config.js';
import { CLI, latencyEnv, readCallLog, type Latency } from './lib.js';
import { countCalls, HOST_MODEL } from './model.js';

const TIME = '/usr/bin/time';

interface Run {
  code: number | null;
  wallMs: number;
  /** Peak resident set of the child in MB (null without /usr/bin/time). */
  peakMb: number | null;
  stdout: string;
  stderr: string;
}

/** `phoenix <args>` as a child process, its peak RSS measured by /usr/bin/time when present. */
function phoenix(args: string[], env: Record<string, string | undefined>, cwd: string): Promise<Run> {
  const e: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) e[k] = v;
  const timed = existsSync(TIME);
  const rssFile = join(cwd, `.rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const [cmd, argv] = timed ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      let peakMb: number | null = null;
      if (timed) {
        try {
          peakMb = Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024);
          rmSync(rssFile, { force: true });
        } catch {
          /* not measured */
        }
      }
      resolve({ code, wallMs, peakMb, stdout, stderr });
    });
  });
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export interface ScaleOptions {
  sizes: number[];
  /** Largest size whose no-op converge is also timed under the host cost model. */
  modelMax: number;
  /** Largest size for which the host is filled (up) to measure plan/converge on existing guests. */
  existingMax: number;
  concurrency?: string;
  log: (line: string) => void;
}

export async function runScale(o: ScaleOptions): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const n of o.sizes) {
    const root = mkdtempSync(join(tmpdir(), `phoenix-bench-scale-${n}-`));
    try {
      const config = join(root, 'config');
      mkdirSync(config, { recursive: true });
      writeGenConfig(config, { guests: n, seed: 1 });
      const state = join(root, 'sim');
      const simEnv = (label: string, latency?: Latency) => ({
        PHOENIX_SIM_STATE: state,
        PHOENIX_SIM_LOG: join(root, `calls-${label}.jsonl`),
        PHOENIX_SIM_LOG_HOSTFILES: '1',
        PHOENIX_SIM_LATENCY: latency ? `${latencyEnv(latency)},total=1` : undefined,
      });
      const conc = o.concurrency ? ['--concurrency', o.concurrency] : [];
      const r: Record<string, unknown> = { guests: n };
      const measure = async (label: string, args: string[], latency?: Latency) => {
        const run = await phoenix([...args, '--config', config, '--driver', 'sim'], simEnv(label, latency), root);
        const calls = countCalls(readCallLog(join(root, `calls-${label}.jsonl`)));
        const row = { exit: run.code, wallMs: Math.round(run.wallMs), peakMb: run.peakMb, calls, callsPerGuest: round(calls.total / n) };
        o.log(`bench: scale ${n}: ${label}: exit ${run.code}, ${(run.wallMs / 1000).toFixed(2)} s, ${run.peakMb ?? '?'} MB, ${calls.total} calls (${calls.read} read / ${calls.exec} exec / ${calls.mutating} mutating)`);
        if (run.code !== 0) r[`${label}Error`] = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 400);
        return row;
      };
      r.validate = await measure('validate', ['validate']);
      r.planEmpty = await measure('plan-empty', ['plan']);
      if (n <= o.existingMax) {
        const t0 = Date.now();
        const up = await phoenix(['up', '--yes', ...conc, '--config', config, '--driver', 'sim'], simEnv('setup'), root);
        r.setup = { what: '`up` with no latency (fills the host; not a measurement)', exit: up.code, seconds: Math.round((Date.now() - t0) / 1000) };
        o.log(`bench: scale ${n}: setup up: exit ${up.code} in ${Math.round((Date.now() - t0) / 1000)} s`);
        r.planExisting = await measure('plan-existing', ['plan']);
        r.noopConverge = await measure('noop-converge', ['converge', '--yes', ...conc]);
        if (n <= o.modelMax) {
          const v = await measure('validate-model', ['validate'], HOST_MODEL);
          const c = await measure('noop-converge-model', ['converge', '--yes', ...conc], HOST_MODEL);
          r.underModel = { validateMs: v.wallMs, noopConvergeMs: c.wallMs, ratioToValidate: round(c.wallMs / Math.max(1, v.wallMs)), calls: c.calls };
        }
      }
      out.push(r);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  // Growth from the smallest-but-one to the largest size (500 → 5000 by default): per guest.
  const by = new Map(out.map((r) => [r.guests as number, r]));
  const sizes = [...by.keys()].sort((a, b) => a - b);
  if (sizes.length >= 2) {
    const a = by.get(sizes.at(-2)!)!;
    const b = by.get(sizes.at(-1)!)!;
    const slope = (k: string, f: 'wallMs' | 'peakMb') => {
      const x = (a[k] as Record<string, number> | undefined)?.[f];
      const y = (b[k] as Record<string, number> | undefined)?.[f];
      if (x == null || y == null) return null;
      return { from: x, to: y, perGuest: round((y - x) / (sizes.at(-1)! - sizes.at(-2)!), 3), ratio: round(y / Math.max(1, x)), sizeRatio: sizes.at(-1)! / sizes.at(-2)! };
    };
    out.push({
      growth: `${sizes.at(-2)} → ${sizes.at(-1)} guests`,
      validateMs: slope('validate', 'wallMs'),
      validateMb: slope('validate', 'peakMb'),
      planEmptyMs: slope('planEmpty', 'wallMs'),
      planEmptyMb: slope('planEmpty', 'peakMb'),
    });
  }
  return out;
}
