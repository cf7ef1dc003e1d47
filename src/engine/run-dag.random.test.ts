// Random graphs, random durations, failures and retries, on virtual time: the walker's
// invariants hold for every seed (a fixed list, so a failure is reproducible).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDag } from './run-dag.js';
import type { EngineEvent } from './events.js';
import { ManualClock } from '../util/manual-clock.js';
import { policy, retryWhen } from '../util/retry.js';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Transient extends Error {}

async function randomRun(seed: number, abortAt?: number) {
  const rnd = mulberry32(seed);
  const n = 4 + Math.floor(rnd() * 14);
  const nodes = Array.from({ length: n }, (_, i) => 100 + i);
  // Edges only to earlier nodes: acyclic by construction.
  const deps = new Map(nodes.map((k, i) => [k, nodes.slice(0, i).filter(() => rnd() < 0.25)]));
  const fate = new Map(nodes.map((k) => [k, rnd() < 0.12 ? 'fail' : rnd() < 0.2 ? 'flaky' : 'ok']));
  const keyOf = new Map(nodes.map((k) => [k, rnd() < 0.5 ? [`storage:s${Math.floor(rnd() * 2)}`] : []]));
  const concurrency = 1 + Math.floor(rnd() * 4);
  const clock = new ManualClock(0).autoAdvance();
  const events: EngineEvent<number>[] = [];
  const live = new Set<number>();
  const liveKeys = new Map<string, number>();
  const violations: string[] = [];
  const ended = new Map<number, string>();
  let peak = 0;
  const ac = new AbortController();
  if (abortAt !== undefined) void clock.sleep(abortAt).then(() => (events.push({ kind: 'log', ts: clock.now(), node: -1, level: 'info', message: 'ABORT' }), ac.abort()));
  const results = await runDag<number>({
    nodes,
    deps: (k) => deps.get(k)!,
    concurrency,
    resources: (k) => keyOf.get(k)!,
    resourceLimits: { 'storage:s0': 1, 'storage:s1': 2 },
    retry: policy(
      { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200, maxElapsedMs: 10_000 },
      retryWhen((e) => e instanceof Transient),
      rnd,
    ),
    clock,
    signal: ac.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.kind === 'node-end') ended.set(e.node, e.status);
    },
    run: async (k, ctx) => {
      for (const d of deps.get(k)!) if (ended.get(d) !== 'ok') violations.push(`${k} started before dep ${d} succeeded`);
      live.add(k);
      peak = Math.max(peak, live.size);
      for (const key of keyOf.get(k)!) liveKeys.set(key, (liveKeys.get(key) ?? 0) + 1);
      if ((liveKeys.get('storage:s0') ?? 0) > 1) violations.push('storage:s0 held twice');
      if ((liveKeys.get('storage:s1') ?? 0) > 2) violations.push('storage:s1 held thrice');
      try {
        await clock.sleep(10 + Math.floor(rnd() * 200));
        if (fate.get(k) === 'fail') throw new Error(`${k} failed`);
        if (fate.get(k) === 'flaky' && ctx.attempt < 2) throw new Transient(`${k} locked`);
      } finally {
        live.delete(k);
        for (const key of keyOf.get(k)!) liveKeys.set(key, liveKeys.get(key)! - 1);
      }
    },
  });
  return { nodes, deps, fate, results, events, peak, concurrency, violations };
}

test('random graphs: bounds, order, skip causes and the event stream hold for 150 seeds', async () => {
  for (let seed = 1; seed <= 150; seed++) {
    const r = await randomRun(seed);
    const at = `seed ${seed}`;
    assert.deepEqual(r.violations, [], at);
    assert.ok(r.peak <= r.concurrency, at);
    // Expected outcome per node, from the fates alone.
    const want = new Map<number, { status: string; roots: number[] }>();
    for (const k of r.nodes) {
      const roots = new Set<number>();
      for (const d of r.deps.get(k)!) {
        const w = want.get(d)!;
        if (w.status === 'failed') roots.add(d);
        w.roots.forEach((x) => roots.add(x));
      }
      if (roots.size) want.set(k, { status: 'skipped', roots: [...roots].sort((a, b) => a - b) });
      else want.set(k, { status: r.fate.get(k) === 'fail' ? 'failed' : 'ok', roots: [] });
    }
    for (const k of r.nodes) {
      const got = r.results.get(k)!;
      assert.equal(got.status, want.get(k)!.status, `${at} node ${k}`);
      if (got.status === 'skipped') assert.deepEqual(got.rootCauses, want.get(k)!.roots, `${at} node ${k}`);
      if (got.status === 'ok') assert.equal(got.attempts, r.fate.get(k) === 'flaky' ? 2 : 1, `${at} node ${k}`);
    }
    const ends = r.events.filter((e) => e.kind === 'node-end').map((e) => (e as { node: number }).node);
    assert.deepEqual([...ends].sort(), [...r.nodes].sort(), `${at}: one node-end per node`);
    assert.equal(r.events[0].kind, 'run-start', at);
    assert.equal(r.events.at(-1)!.kind, 'run-end', at);
    assert.equal(r.events.filter((e) => e.kind === 'run-end').length, 1, at);
  }
});

test('random graphs, interrupted at a random moment: nothing starts afterwards, everything settles once', async () => {
  let interrupted = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = await randomRun(seed, 50 + ((seed * 37) % 400));
    const at = `seed ${seed}`;
    assert.deepEqual(r.violations, [], at);
    const cut = r.events.findIndex((e) => e.kind === 'log' && e.message === 'ABORT');
    const after = cut < 0 ? [] : r.events.slice(cut);
    assert.deepEqual(
      after.filter((e) => e.kind === 'node-start'),
      [],
      `${at}: no start after the interrupt`,
    );
    const ends = r.events.filter((e) => e.kind === 'node-end').map((e) => (e as { node: number }).node);
    assert.deepEqual([...ends].sort(), [...r.nodes].sort(), `${at}: one node-end per node`);
    const last = r.events.at(-1)!;
    if (cut >= 0 && last.kind === 'run-end') {
      assert.ok(last.stopped, `${at}: interrupted before the end, so the run says it stopped`);
      interrupted++;
    }
    for (const k of r.nodes) {
      const res = r.results.get(k)!;
      if (res.status === 'cancelled') assert.equal(res.reason, 'aborted', at);
    }
  }
  assert.ok(interrupted >= 30, `most runs are cut mid-way (${interrupted} of 60)`);
});
