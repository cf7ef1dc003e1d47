// The engine driving the plain view, on virtual time: what a user sees in a CI log for a run with
// a lock conflict, a clone-source limit and a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDag } from '../../src/engine/index.js';
import { PlainView } from '../../src/cli/views/index.js';
import { ManualClock } from '../../src/util/manual-clock.js';
import { policy, retryWhen } from '../../src/util/retry.js';

test('runDag + PlainView: the log of a small stack, step by step', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 1, 0, 0)).autoAdvance();
  let out = '';
  const view = new PlainView({ stdout: (s) => void (out += s), stderr: () => {} }, { color: false });
  const locked = new Set([902]);
  // 900 is the template; 901 and 902 are cloned from it (one clone of a source at a time);
  // 903 needs 902; 904 asks for a storage that does not exist.
  const deps: Record<number, number[]> = { 900: [], 901: [900], 902: [900], 903: [902], 904: [] };
  const results = await runDag<number>({
    nodes: [900, 901, 902, 903, 904],
    deps: (k) => deps[k],
    concurrency: 4,
    clock,
    resources: (k) => (deps[k].length && k !== 903 ? [`clone-source:${deps[k][0]}`] : []),
    resourceLimits: (key) => (key.startsWith('clone-source:') ? 1 : Infinity),
    retry: policy(
      { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 2000, maxElapsedMs: 60_000 },
      retryWhen((e) => /is locked/.test(String(e))),
      () => 0.5,
    ),
    onEvent: (e) => view.onEvent(e),
    run: async (k, ctx) => {
      if (k === 904) throw new Error("storage 'nvme' does not exist");
      const step = k === 900 ? 'create' : k === 903 ? 'start' : 'clone';
      ctx.emit({ kind: 'step', step });
      await clock.sleep(k === 900 ? 4000 : 6000);
      if (locked.delete(k)) throw new Error(`CT ${k} is locked (clone)`);
      ctx.emit({ kind: 'step', step, status: 'done' });
    },
  });
  view.close();
  assert.equal(results.get(902)?.status, 'ok');
  assert.equal(
    out,
    `2026-11-26T01:00:00Z run started: 5 guests
2026-11-26T01:00:00Z 900 started
2026-11-26T01:00:00Z 904 started
2026-11-26T01:00:00Z 900 create started
2026-11-26T01:00:00Z 904 failed (0ms): storage 'nvme' does not exist
2026-11-26T01:00:04Z 900 create done
2026-11-26T01:00:04Z 900 ok (4.0s)
2026-11-26T01:00:04Z 901 started
2026-11-26T01:00:04Z 902 queued: waiting for clone-source:900
2026-11-26T01:00:04Z 901 clone started
2026-11-26T01:00:10Z 901 clone done
2026-11-26T01:00:10Z 901 ok (6.0s)
2026-11-26T01:00:10Z 902 started
2026-11-26T01:00:10Z 902 clone started
2026-11-26T01:00:16Z 902 retry 2/3 in 1.0s: CT 902 is locked (clone)
2026-11-26T01:00:17Z 902 started (attempt 2)
2026-11-26T01:00:17Z 902 clone started
2026-11-26T01:00:23Z 902 clone done
2026-11-26T01:00:23Z 902 ok (13.0s)
2026-11-26T01:00:23Z 903 started
2026-11-26T01:00:23Z 903 start started
2026-11-26T01:00:29Z 903 start done
2026-11-26T01:00:29Z 903 ok (6.0s)
2026-11-26T01:00:29Z run finished in 29.0s: 4 ok, 1 failed, 0 skipped, 0 cancelled

GUEST  OUTCOME  STEPS   ELAPSED  REASON
900    ok       create  4.0s
901    ok       clone   6.0s
902    ok       clone   13.0s
903    ok       start   6.0s
904    failed   -       0ms      storage 'nvme' does not exist
`,
  );
});
