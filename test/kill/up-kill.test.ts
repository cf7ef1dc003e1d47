// `up` killed with SIGKILL at many moments, then run again to completion: the host ends exactly
// as after an uninterrupted run (same guests, configs modulo generated MACs/uuids, snapshots,
// volumes; nothing duplicated, no lock left). The built binary runs as a child process against
// a simulator state directory; the moment is chosen by call count (the simulator's call log
// grows by one line per finished pct/qm call) plus a short delay, so kills land both between
// calls and inside one (during its modelled latency or its work).
//
// PHOENIX_KILL_POINTS sets how many moments (default 6 for CI; the 20+ is
// `PHOENIX_KILL_POINTS=24 node scripts/test.mjs test/kill`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGenConfig } from '../helpers/gen-config.js';
import { lockedGuests, stateDigest, stateProblems } from '../helpers/sim-state.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const POINTS = Number(process.env.PHOENIX_KILL_POINTS ?? 6);
// A tenth of the real-host model: long enough that a kill often lands inside a call.
const LATENCY = 'create=400,clone=600,start=150,exec=30,default=15';

function setup(label: string) {
  const root = mkdtempSync(join(tmpdir(), `phoenix-kill-${label}-`));
  const config = join(root, 'config');
  const roles = writeGenConfig(config, { guests: 8, seed: 5 });
  const ids = [...roles.bases, ...roles.mids, ...roles.services, ...roles.leaves, roles.vmTemplate, ...roles.vms];
  const state = join(root, 'sim');
  const log = join(root, 'calls.jsonl');
  const env = (latency?: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    PHOENIX_AUTO_APPROVE: '1',
    HOME: process.env.HOME,
    NO_COLOR: '1',
    PHOENIX_SIM_STATE: state,
    PHOENIX_SIM_LOG: log,
    ...(latency ? { PHOENIX_SIM_LATENCY: latency } : {}),
  });
  const start = (latency?: string) => spawn(process.execPath, [CLI, 'up', '--config', config, '--driver', 'sim'], { cwd: root, env: env(latency), stdio: ['ignore', 'pipe', 'pipe'] });
  const finish = (child: ReturnType<typeof start>) =>
    new Promise<{ code: number | null; signal: string | null; out: string }>((res) => {
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (out += d));
      child.on('close', (code, signal) => res({ code, signal, out }));
    });
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
  return { root, state, log, ids, start, finish, calls, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`up killed (SIGKILL) at ${POINTS} moments, then run again, ends as an uninterrupted run`, { skip: !existsSync(CLI) && 'needs dist/cli.js (npm run build)' }, async (t) => {
  const ref = setup('ref');
  t.after(ref.cleanup);
  const r0 = await ref.finish(ref.start(LATENCY));
  assert.equal(r0.code, 0, `uninterrupted run failed:\n${r0.out}`);
  const want = stateDigest(ref.state);
  const total = ref.calls();
  assert.ok(total > 20, `the reference run made only ${total} calls`);

  const killedAt: string[] = [];
  const one = async (i: number) => {
    // Spread the kill points over the whole run, each with its own short delay after the call.
    const after = Math.max(1, Math.round(((i + 0.5) / POINTS) * total * 0.95));
    const delay = (i * 37) % 120;
    const w = setup(`p${i}`);
    try {
      const child = w.start(LATENCY);
      const done = w.finish(child);
      let ended = false;
      void done.then(() => (ended = true));
      while (!ended && w.calls() < after) await sleep(10);
      await sleep(delay);
      const where = `kill point ${i} (after call ${after} + ${delay} ms)`;
      if (!ended) child.kill('SIGKILL');
      const r1 = await done;
      killedAt.push(`${after}+${delay}ms${r1.signal === 'SIGKILL' ? '' : ' (run had ended)'}`);
      assert.deepEqual(
        stateProblems(w.state, w.ids).filter((p) => !/does not use/.test(p)),
        [],
        `${where}: right after the kill`,
      );

      const r2 = await w.finish(w.start());
      assert.equal(r2.code, 0, `${where}: the re-run did not converge:\n${r2.out}`);
      assert.deepEqual(lockedGuests(w.state), [], `${where}: locks left`);
      assert.deepEqual(stateProblems(w.state, w.ids), [], `${where}: after the re-run`);
      assert.deepEqual(stateDigest(w.state), want, `${where}: the host differs from an uninterrupted run`);
      // The re-run left nothing in flight.
      assert.ok(!existsSync(join(w.root, 'config', '.phoenix', 'in-flight')) || statSync(join(w.root, 'config', '.phoenix', 'in-flight')).isDirectory());
    } finally {
      w.cleanup();
    }
  };
  const queue = Array.from({ length: POINTS }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await one(i);
    }),
  );
  console.log(`# kill tests: ${POINTS} kill points (PHOENIX_KILL_POINTS) over a ${total}-call run: ${killedAt.join(', ')}`);
});
