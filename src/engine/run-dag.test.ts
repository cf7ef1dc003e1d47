import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDag } from './run-dag.js';
import type { EngineEvent } from './events.js';
import type { NodeContext, RunDagOptions, StepOutcome } from './types.js';
import { ManualClock } from '../util/manual-clock.js';
import { policy, retryWhen } from '../util/retry.js';

class Transient extends Error {}
const isTransient = (e: unknown) => e instanceof Transient;

type Work = (ctx: NodeContext, clock: ManualClock) => Promise<StepOutcome | void>;
const takes =
  (ms: number): Work =>
  (_ctx, clock) =>
    clock.sleep(ms);

/** Runs a graph on virtual time, recording events and when each node ran. */
async function walk(edges: Record<string, string[]>, work: Record<string, Work> = {}, opts: Partial<RunDagOptions<string>> = {}) {
  const clock = new ManualClock(0).autoAdvance();
  const events: EngineEvent<string>[] = [];
  const spans: Record<string, { from: number; to: number }> = {};
  let live = 0;
  let peak = 0;
  const results = await runDag<string>({
    nodes: Object.keys(edges),
    deps: (k) => edges[k],
    concurrency: 4,
    clock,
    onEvent: (e) => events.push(e),
    run: async (k, ctx) => {
      live++;
      peak = Math.max(peak, live);
      const from = clock.now();
      try {
        return await (work[k] ?? takes(100))(ctx, clock);
      } finally {
        live--;
        spans[k] = { from: spans[k]?.from ?? from, to: clock.now() };
      }
    },
    ...opts,
  });
  const status = Object.fromEntries([...results].map(([k, r]) => [k, r.status]));
  return { results, events, spans, peak, status, clock };
}

const overlap = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;

test('never runs more nodes at once than the concurrency bound, and fills it', async () => {
  const edges = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`n${i}`, []]));
  const r = await walk(edges, {}, { concurrency: 3 });
  assert.equal(r.peak, 3);
  assert.ok(Object.values(r.status).every((s) => s === 'ok'));
  // 10 nodes of 100 ms, 3 at a time: 4 waves on the virtual clock.
  assert.equal(r.clock.now(), 400);
});

test('a diamond runs the middle in parallel and the bottom only after both middles', async () => {
  const r = await walk({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }, { c: takes(300) });
  assert.ok(r.spans.b.from >= r.spans.a.to && r.spans.c.from >= r.spans.a.to);
  assert.ok(overlap(r.spans.b, r.spans.c));
  assert.equal(r.spans.d.from, Math.max(r.spans.b.to, r.spans.c.to));
  const starts = r.events.filter((e) => e.kind === 'node-start').map((e) => e.node);
  assert.deepEqual(starts, ['a', 'b', 'c', 'd']);
});

test('a resource limit of 1 serialises two nodes sharing the key while others run', async () => {
  const resources: Record<string, string[]> = { x: ['clone-source:900'], y: ['clone-source:900', 'storage:local-lvm'], z: ['storage:local-lvm'] };
  const r = await walk(
    { x: [], y: [], z: [] },
    {},
    {
      resources: (k) => resources[k],
      resourceLimits: (key) => (key.startsWith('clone-source:') ? 1 : 4),
    },
  );
  assert.ok(!overlap(r.spans.x, r.spans.y), 'x and y share clone-source:900');
  assert.ok(overlap(r.spans.x, r.spans.z), 'z shares nothing limited with x');
  assert.deepEqual(
    r.events.filter((e) => e.kind === 'node-blocked'),
    [{ kind: 'node-blocked', ts: 0, node: 'y', resource: 'clone-source:900' }],
  );
  assert.equal(r.status.y, 'ok');
});

test('a retryable error is retried with backoff, then succeeds; each retry is an event', async () => {
  const attempts: number[] = [];
  const r = await walk(
    { a: [], b: ['a'] },
    {
      a: async (ctx, clock) => {
        attempts.push(ctx.attempt);
        await clock.sleep(10);
        if (ctx.attempt < 3) throw new Transient(`CT 901 is locked (attempt ${ctx.attempt})`);
      },
    },
    { retry: policy({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000, maxElapsedMs: 60_000 }, retryWhen(isTransient), () => 0.5) },
  );
  assert.deepEqual(attempts, [1, 2, 3]);
  assert.deepEqual(r.results.get('a'), { status: 'ok', attempts: 3, elapsedMs: 10 + 500 + 10 + 1000 + 10 });
  const retries = r.events.filter((e) => e.kind === 'node-retry');
  assert.deepEqual(
    retries.map((e) => e.kind === 'node-retry' && [e.attempt, e.maxAttempts, e.delayMs, e.error]),
    [
      [2, 5, 500, 'CT 901 is locked (attempt 1)'],
      [3, 5, 1000, 'CT 901 is locked (attempt 2)'],
    ],
  );
  assert.deepEqual(
    r.events.filter((e) => e.kind === 'node-start' && e.node === 'a').map((e) => e.kind === 'node-start' && [e.ts, e.attempt]),
    [
      [0, 1],
      [510, 2],
      [1520, 3],
    ],
  );
  assert.equal(r.status.b, 'ok');
});

test('retries are bounded: a node that stays locked fails with its last error', async () => {
  let n = 0;
  const r = await walk(
    { a: [] },
    {
      a: async () => {
        n++;
        throw new Transient('VM 902 is locked');
      },
    },
    { retry: policy({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10, maxElapsedMs: 60_000 }, retryWhen(isTransient), () => 0) },
  );
  assert.equal(n, 3);
  const a = r.results.get('a')!;
  assert.equal(a.status, 'failed');
  assert.ok(a.status === 'failed' && a.errorClass === 'retryable' && a.attempts === 3);
  assert.match((a as { error: Error }).error.message, /VM 902 is locked/);
});

test('the total-time bound stops retries before the attempt bound', async () => {
  let n = 0;
  const r = await walk(
    { a: [] },
    {
      a: async () => {
        n++;
        throw new Transient('busy');
      },
    },
    { retry: policy({ maxAttempts: 100, baseDelayMs: 1000, maxDelayMs: 1000, maxElapsedMs: 2500 }, retryWhen(isTransient), () => 0.999) },
  );
  assert.equal(n, 3); // waits of 999 ms: a 3rd wait would end past 2.5 s
  assert.equal(r.status.a, 'failed');
});

test('a terminal failure skips its dependents naming the root cause; independent branches complete', async () => {
  let retried = 0;
  const r = await walk(
    { a: [], b: ['a'], c: ['b'], d: [], e: ['d'] },
    {
      a: async (ctx) => {
        if (ctx.attempt > 1) retried++;
        throw new Error('storage "nvme" does not exist');
      },
    },
    { retry: policy({ maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1, maxElapsedMs: 1000 }, retryWhen(isTransient)) },
  );
  assert.equal(retried, 0, 'terminal errors are not retried');
  assert.deepEqual(r.status, { a: 'failed', b: 'skipped', c: 'skipped', d: 'ok', e: 'ok' });
  assert.deepEqual(r.results.get('c'), { status: 'skipped', rootCauses: ['a'] });
  const ends = r.events.filter((e) => e.kind === 'node-end' && e.status === 'skipped');
  assert.deepEqual(
    ends.map((e) => e.kind === 'node-end' && [e.node, e.rootCauses]),
    [
      ['b', ['a']],
      ['c', ['a']],
    ],
  );
});

test('a node below two failed branches names both root causes, after both settled', async () => {
  const boom = async () => {
    throw new Error('boom');
  };
  const r = await walk({ a: [], b: [], m: ['a'], j: ['m', 'b'] }, { a: boom, b: async (_c, clock) => (await clock.sleep(50), boom()) });
  assert.deepEqual(r.results.get('j'), { status: 'skipped', rootCauses: ['a', 'b'] });
  assert.deepEqual(r.results.get('m'), { status: 'skipped', rootCauses: ['a'] });
});

test('failFast: the first terminal failure cancels what has not started; running nodes finish', async () => {
  const r = await walk(
    { a: [], b: [], c: [], d: ['b'] },
    {
      a: async (_c, clock) => {
        await clock.sleep(10);
        throw new Error('permission denied');
      },
    },
    { concurrency: 2, failFast: true },
  );
  assert.deepEqual(r.status, { a: 'failed', b: 'ok', c: 'cancelled', d: 'cancelled' });
  assert.deepEqual(r.results.get('c'), { status: 'cancelled', attempts: 0, elapsedMs: 0, reason: 'fail-fast' });
  const end = r.events.at(-1)!;
  assert.ok(end.kind === 'run-end' && end.stopped);
  assert.deepEqual(end.kind === 'run-end' && end.counts, { ok: 1, failed: 1, skipped: 0, cancelled: 2 });
});

test('abort stops scheduling, running nodes see the signal and finish, the rest are cancelled', async () => {
  const ac = new AbortController();
  const seen: string[] = [];
  const r = await walk(
    { a: [], b: [], c: [], d: ['a'] },
    {
      // a ignores the signal and completes its step; b cooperates and stops at once.
      a: async (ctx, clock) => {
        await clock.sleep(100);
        seen.push(`a saw aborted=${ctx.signal.aborted}`);
      },
      b: async (ctx, clock) => {
        void clock.sleep(50).then(() => ac.abort()); // the user presses Ctrl-C while a and b run
        await clock.sleep(1000, ctx.signal);
      },
    },
    { concurrency: 2, signal: ac.signal },
  );
  assert.deepEqual(seen, ['a saw aborted=true']);
  assert.deepEqual(r.status, { a: 'ok', b: 'cancelled', c: 'cancelled', d: 'cancelled' });
  assert.deepEqual(r.results.get('c'), { status: 'cancelled', attempts: 0, elapsedMs: 0, reason: 'aborted' });
  const b = r.results.get('b')!;
  assert.ok(b.status === 'cancelled' && b.attempts === 1);
  const end = r.events.at(-1)!;
  assert.ok(end.kind === 'run-end' && end.stopped);
});

test('abort during a retry wait cancels that node at once, keeping its last error', async () => {
  const ac = new AbortController();
  const r = await walk(
    { a: [] },
    {
      a: async (_ctx, clock) => {
        void clock.sleep(10).then(() => ac.abort());
        throw new Transient('CT 901 is locked');
      },
    },
    { signal: ac.signal, retry: policy({ maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, maxElapsedMs: 600_000 }, retryWhen(isTransient), () => 0.5) },
  );
  const a = r.results.get('a')!;
  assert.ok(a.status === 'cancelled' && a.attempts === 2 && (a.error as Error).message === 'CT 901 is locked');
  assert.ok(r.clock.now() < 30_000, 'did not sit out the 30 s backoff');
});

test('an already-aborted signal runs nothing', async () => {
  const ac = new AbortController();
  ac.abort();
  let ran = 0;
  const r = await walk({ a: [], b: ['a'] }, { a: async () => void ran++ }, { signal: ac.signal });
  assert.equal(ran, 0);
  assert.deepEqual(r.status, { a: 'cancelled', b: 'cancelled' });
});

test('"not yet" re-runs the node after the interval it asked for, without counting an attempt', async () => {
  let checks = 0;
  const r = await walk(
    { a: [], b: ['a'] },
    {
      a: async () => (++checks < 3 ? { kind: 'not-yet', afterMs: 2000, reason: 'guest booting' } : { kind: 'ok', note: 'healthy' }),
    },
  );
  assert.deepEqual(r.results.get('a'), { status: 'ok', attempts: 1, elapsedMs: 4000, note: 'healthy' });
  assert.deepEqual(
    r.events.filter((e) => e.kind === 'node-wait').map((e) => e.kind === 'node-wait' && [e.ts, e.reason, e.delayMs]),
    [
      [0, 'guest booting', 2000],
      [2000, 'guest booting', 2000],
    ],
  );
  assert.equal(r.spans.b.from, 4000);
});

test('"not yet" for longer than notYetTimeoutMs fails the node with the reason', async () => {
  const r = await walk({ a: [] }, { a: async () => ({ kind: 'not-yet', afterMs: 1000, reason: 'port 53 closed' }) }, { notYetTimeoutMs: 5000 });
  const a = r.results.get('a')!;
  assert.ok(a.status === 'failed' && a.errorClass === 'not-yet');
  assert.match((a as { error: Error }).error.message, /port 53 closed/);
});

test('the event stream: run-start, per-node start/steps/end in order, run-end last', async () => {
  const r = await walk(
    { '900': [], '901': ['900'] },
    {
      '901': async (ctx, clock) => {
        ctx.emit({ kind: 'step', step: 'clone' });
        await clock.sleep(50);
        ctx.emit({ kind: 'step', step: 'clone', status: 'done' });
        ctx.emit({ kind: 'log', level: 'warn', message: 'task ended with warnings' });
        return { kind: 'ok', note: 'created' };
      },
    },
  );
  assert.deepEqual(r.events, [
    { kind: 'run-start', ts: 0, nodes: ['900', '901'] },
    { kind: 'node-start', ts: 0, node: '900', attempt: 1 },
    { kind: 'node-end', ts: 100, node: '900', status: 'ok', attempt: 1, elapsedMs: 100 },
    { kind: 'node-start', ts: 100, node: '901', attempt: 1 },
    { kind: 'step', ts: 100, node: '901', step: 'clone', status: 'started' },
    { kind: 'step', ts: 150, node: '901', step: 'clone', status: 'done' },
    { kind: 'log', ts: 150, node: '901', level: 'warn', message: 'task ended with warnings' },
    { kind: 'node-end', ts: 150, node: '901', status: 'ok', attempt: 1, elapsedMs: 50, note: 'created' },
    { kind: 'run-end', ts: 150, elapsedMs: 150, counts: { ok: 2, failed: 0, skipped: 0, cancelled: 0 }, stopped: false },
  ]);
});

test('a slot is free while a node waits to retry, so others run meanwhile', async () => {
  const r = await walk(
    { a: [], b: [] },
    {
      a: async (ctx) => {
        if (ctx.attempt === 1) throw new Transient('locked');
      },
    },
    { concurrency: 1, retry: policy({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, maxElapsedMs: 10_000 }, retryWhen(isTransient), () => 0.5) },
  );
  assert.deepEqual(r.status, { a: 'ok', b: 'ok' });
  assert.ok(r.spans.b.from < 500, "b ran during a's backoff");
});

test('rejects bad input: cycle, unknown dependency, duplicate node, concurrency 0', () => {
  const run = async () => {};
  assert.throws(() => runDag({ nodes: ['a', 'b'], deps: (k) => (k === 'a' ? ['b'] : ['a']), run, concurrency: 1 }), /cycle among a, b/);
  assert.throws(() => runDag({ nodes: ['a'], deps: () => ['zz'], run, concurrency: 1 }), /a depends on zz/);
  assert.throws(() => runDag({ nodes: ['a', 'a'], deps: () => [], run, concurrency: 1 }), /listed twice/);
  assert.throws(() => runDag({ nodes: ['a'], deps: () => [], run, concurrency: 0 }), /at least 1/);
});
