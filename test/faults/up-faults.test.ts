// `up` under injected Proxmox faults (PHOENIX_SIM_FAULTS: busy locks, lock timeouts, tasks that
// end with warnings, tasks killed half-way leaving `lock: <op>`), one seed per run: every run
// either converges or fails cleanly (exit 1, each failed guest named with a reason, no stack
// trace); `up` again without faults always converges, to the same host a fault-free run builds:
// same guests, configs, snapshots and volumes, nothing destroyed or duplicated, no lock left.
//
// PHOENIX_FAULT_SEEDS sets how many seeds run (default 12 for CI; the 50+ is
// `PHOENIX_FAULT_SEEDS=60 node scripts/test.mjs test/faults`). Rates go from 10 % to 20 %.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { writeGenConfig } from '../helpers/gen-config.js';
import { lockedGuests, stateDigest, stateProblems } from '../helpers/sim-state.js';

const SEEDS = Number(process.env.PHOENIX_FAULT_SEEDS ?? 12);
const FIRST = Number(process.env.PHOENIX_FAULT_FIRST_SEED ?? 1);

function setup(label: string) {
  const root = mkdtempSync(join(tmpdir(), `phoenix-faults-${label}-`));
  const config = join(root, 'config');
  const roles = writeGenConfig(config, { guests: 8, seed: 3 });
  const ids = [...roles.bases, ...roles.mids, ...roles.services, ...roles.leaves, roles.vmTemplate, ...roles.vms];
  const state = join(root, 'sim');
  const env = (faults?: string) => ({
    PHOENIX_CONFIG: undefined,
    PHOENIX_SIM_STATE: state,
    PHOENIX_SIM_LOG: join(root, 'calls.jsonl'),
    PHOENIX_SIM_LATENCY: undefined,
    PHOENIX_SIM_FAULTS: faults,
    PHOENIX_LOCK_DIR: join(root, 'locks'),
  });
  const up = (faults?: string) => runCliCaptured(['up', '--config', config, '--driver', 'sim'], { env: env(faults), cwd: root });
  return { root, state, ids, up, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const crash = (text: string) => text.split('\n').filter((l) => /\bat .*\.(ts|js):\d+|TypeError|ReferenceError|internal error|Unhandled/i.test(l));

test(`up under 10–20 % injected faults, ${SEEDS} seeds: converges or fails cleanly; a re-run converges to the fault-free state`, async (t) => {
  const ref = setup('ref');
  t.after(ref.cleanup);
  const r0 = await ref.up();
  assert.equal(r0.code, 0, `fault-free reference run failed:\n${r0.stderr}`);
  const want = stateDigest(ref.state);
  let failedClean = 0;
  let converged = 0;
  let faultsSeen = 0;
  // Seeds run a few at a time: most of a faulty run is retry backoff, time spent waiting.
  const one = async (seed: number) => {
    const rate = (10 + ((seed * 7) % 11)) / 100;
    const w = setup(`s${seed}`);
    try {
      const r1 = await w.up(`rate=${rate},seed=${seed}`);
      const where = `seed ${seed} (rate ${rate})`;
      assert.deepEqual(crash(r1.stdout + r1.stderr), [], `${where}: a crash instead of a diagnostic:\n${r1.stderr}`);
      assert.ok(r1.code === 0 || r1.code === 1, `${where}: exit ${r1.code}\n${r1.stderr}`);
      if (r1.code === 1) {
        failedClean++;
        const named = r1.stderr.split('\n').filter((l) => /^phoenix: guest \d+: \S/.test(l));
        assert.ok(named.length > 0, `${where}: exit 1 without naming a guest and a reason:\n${r1.stderr}`);
      } else converged++;
      faultsSeen += Number(readFileSync(join(w.state, 'faults.seq'), 'utf8').trim() || 0) > 0 ? 1 : 0;
      // Whatever the faults did, nothing is duplicated and nothing foreign appeared.
      assert.deepEqual(stateProblems(w.state, w.ids), [], `${where}: after the faulty run`);

      const r2 = await w.up();
      assert.equal(r2.code, 0, `${where}: up without faults did not converge:\n${r2.stderr}`);
      assert.deepEqual(lockedGuests(w.state), [], `${where}: locks left after the clean run`);
      assert.deepEqual(stateProblems(w.state, w.ids), [], `${where}: after the clean run`);
      assert.deepEqual(stateDigest(w.state), want, `${where}: the host differs from a fault-free run`);
    } finally {
      w.cleanup();
    }
  };
  const seeds = Array.from({ length: SEEDS }, (_, i) => FIRST + i);
  const PARALLEL = Number(process.env.PHOENIX_FAULT_PARALLEL ?? 4);
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let s = seeds.shift(); s !== undefined; s = seeds.shift()) await one(s);
    }),
  );
  t.diagnostic(`fault seeds run: ${SEEDS} (first ${FIRST}); converged under faults: ${converged}, failed cleanly: ${failedClean}`);
  console.log(`# fault injection: ${SEEDS} seeds run (PHOENIX_FAULT_SEEDS); ${converged} converged under faults, ${failedClean} failed cleanly; every re-run converged`);
  assert.equal(faultsSeen, SEEDS);
});
