// The benchmark's arithmetic: which guest a logged call belongs to, the critical path, and the
// latency a call is modelled at (it must match what the simulator sleeps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, criticalPath, modelMs, type LoggedCall, type Phase } from '../bench/lib.js';

const model = { create: 4000, clone: 6000, start: 1500, exec: 300, default: 150 };

test('modelMs: verbs map to the simulator latency keys', () => {
  assert.equal(modelMs(['pct', 'create', '200', 'x'], model), 4000);
  assert.equal(modelMs(['qm', 'clone', '9000', '9100'], model), 6000);
  assert.equal(modelMs(['pct', 'exec', '200', '--', 'true'], model), 300);
  assert.equal(modelMs(['qm', 'guest', 'exec', '9100', '--', 'true'], model), 300);
  assert.equal(modelMs(['pct', 'push', '200', 'a', 'b'], model), 300);
  assert.equal(modelMs(['qm', 'guest', 'exec-status', '9100', '7'], model), 150);
  assert.equal(modelMs(['pct', 'snapshot', '200', 's'], model), 150);
  assert.equal(modelMs(['qm', 'disk', 'import', '9000', 'a', 'b'], { ...model, import: 900 }), 900);
});

test('criticalPath: longest path through what each guest needs', () => {
  const needs = new Map([[210, [200]], [220, [200]], [9100, [9000, 210]]]);
  const cost = (n: number) => ({ 200: 5, 9000: 20, 210: 7, 220: 9, 9100: 3 })[n] ?? 0;
  assert.deepEqual(criticalPath([200, 9000, 210, 220, 9100], needs, cost), { length: 23, path: [9000, 9100] });
  const cost2 = (n: number) => ({ 200: 5, 9000: 1, 210: 7, 220: 9, 9100: 3 })[n] ?? 0;
  assert.deepEqual(criticalPath([200, 9000, 210, 220, 9100], needs, cost2), { length: 15, path: [200, 210, 9100] });
});

test('attribute: a call belongs to the running guest it names, else to a running guest that needs it', () => {
  const phase: Phase = {
    start: 0,
    end: 100,
    windows: new Map([
      [200, { start: 0, end: 30, status: 'ok' }],
      [210, { start: 31, end: 90, status: 'ok' }],
      [220, { start: 31, end: 80, status: 'ok' }],
    ]),
  };
  const c = (argv: string[], start: number): LoggedCall => ({ argv, start, end: start + 1, exit: 0 });
  const calls = [c(['pct', 'create', '200', 't'], 1), c(['pct', 'status', '200'], 40), c(['pct', 'status', '200'], 41), c(['pct', 'clone', '200', '210'], 42), c(['pct', 'list'], 200)];
  const { byGuest, unattributed } = attribute(calls, phase, new Map([[210, [200]], [220, [200]]]));
  assert.deepEqual(byGuest.get(200)?.map((x) => x.start), [1]);
  // The two reads of the source are spread over its two running clones; the clone goes to 210.
  assert.deepEqual(byGuest.get(210)?.map((x) => x.start), [40, 42]);
  assert.deepEqual(byGuest.get(220)?.map((x) => x.start), [41]);
  assert.equal(unattributed.length, 0, 'calls outside the phase are not counted at all');
});
