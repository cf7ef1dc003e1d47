// The simulator as an Exec, in-process: the same argv a host's pct/qm would get, answered by
// the simulator's front-end without spawning. The simulator is imported lazily, so no other path
// (a real host, --version) ever loads it.

import type { Exec, ExecResult } from '../../proxmox/exec/types.js';
import { keepTail } from '../../util/tail-buffer.js';

type SimModule = typeof import('../../sim/frontend/run.js');
let loading: Promise<SimModule> | undefined;
const loadSim = (): Promise<SimModule> => (loading ??= import('../../sim/frontend/run.js'));
type CostModule = typeof import('../../sim/frontend/cost.js');
let loadingCost: Promise<CostModule> | undefined;
const loadCost = (): Promise<CostModule> => (loadingCost ??= import('../../sim/frontend/cost.js'));
const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** The front-end start-up of the call under PHOENIX_SIM_LATENCY (cli=, pvesh=; see sim/frontend/cost.ts), slept before it. */
async function frontEnd(argv: string[], latency: string | undefined): Promise<void> {
  if (!latency) return;
  const [{ parseLatency }, { frontEndMs }] = await Promise.all([loadSim(), loadCost()]);
  await sleep(frontEndMs(argv, parseLatency(latency)));
}

export function simExec(stateDir: string, baseEnv: Record<string, string> = {}): Exec {
  return async (req) => {
    const started = performance.now();
    const done = (r: Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>, why: { timedOut?: boolean; isCanceled?: boolean } = {}): ExecResult => ({
      argv: req.argv,
      exitCode: r.exitCode,
      // The same cap as a spawned pct's output (util/tail-buffer.ts).
      stdout: keepTail(r.stdout),
      stderr: keepTail(r.stderr),
      durationMs: performance.now() - started,
      timedOut: Boolean(why.timedOut),
      isCanceled: Boolean(why.isCanceled),
    });
    if (req.signal?.aborted) return done({ exitCode: 130, stdout: '', stderr: '' }, { isCanceled: true });
    const { runSim } = await loadSim();
    const stdin = req.input === undefined ? undefined : typeof req.input === 'string' ? req.input : new TextDecoder().decode(req.input);
    const env = { ...baseEnv, ...req.env };
    const run = frontEnd(req.argv, env.PHOENIX_SIM_LATENCY)
      .then(() => runSim(req.argv, { stateDir, stdin, env }))
      .then((r) => done(r));

    // An in-process call cannot be killed; on timeout or abort we stop waiting for it, as a
    // killed pct leaves its task running on a host.
    const stops: Array<Promise<ExecResult>> = [run];
    const cleanups: Array<() => void> = [];
    if (req.timeoutMs !== undefined && req.timeoutMs > 0) {
      stops.push(
        new Promise((res) => {
          const t = setTimeout(() => res(done({ exitCode: 124, stdout: '', stderr: '' }, { timedOut: true })), req.timeoutMs);
          cleanups.push(() => clearTimeout(t));
        }),
      );
    }
    if (req.signal) {
      const signal = req.signal;
      stops.push(
        new Promise((res) => {
          const on = (): void => res(done({ exitCode: 130, stdout: '', stderr: '' }, { isCanceled: true }));
          signal.addEventListener('abort', on, { once: true });
          cleanups.push(() => signal.removeEventListener('abort', on));
        }),
      );
    }
    try {
      return await Promise.race(stops);
    } finally {
      for (const c of cleanups) c();
    }
  };
}
