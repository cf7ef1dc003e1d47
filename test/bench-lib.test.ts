// The benchmark's arithmetic: which guest a logged call belongs to, the critical path, and the
// latency a call is modelled at (it must match what the simulator sleeps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attribute, criticalPath, modelMs, type LoggedCall, type Phase } from '../bench/lib.js';
import { allocStorageOf, callClass, lockChains, modelMs as hostMs, resourceBound } from '../bench/model.js';

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
  const needs = new Map([
    [210, [200]],
    [220, [200]],
    [9100, [9000, 210]],
  ]);
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
  const { byGuest, unattributed } = attribute(
    calls,
    phase,
    new Map([
      [210, [200]],
      [220, [200]],
    ]),
  );
  assert.deepEqual(
    byGuest.get(200)?.map((x) => x.start),
    [1],
  );
  // The two reads of the source are spread over its two running clones; the clone goes to 210.
  assert.deepEqual(
    byGuest.get(210)?.map((x) => x.start),
    [40, 42],
  );
  assert.deepEqual(
    byGuest.get(220)?.map((x) => x.start),
    [41],
  );
  assert.equal(unattributed.length, 0, 'calls outside the phase are not counted at all');
});

test('modelMs: the front-end start-up (cli), pvesh requests and /etc/pve file requests', () => {
  const host = { ...model, cli: 500, pvesh: 800, file: 10 };
  assert.equal(hostMs(['pct', 'create', '200', 'x'], host), 4500);
  assert.equal(hostMs(['pct', 'status', '200'], host), 650);
  assert.equal(hostMs(['pvesh', 'get', '/cluster/resources'], host), 800);
  assert.equal(hostMs(['pveversion'], host), 650);
  assert.equal(hostMs(['hostfile', 'readDir', 'nodes/pve/lxc'], host), 10);
  assert.deepEqual([callClass(['hostfile', 'readDir', 'x']), callClass(['hostfile', 'write', 'x']), callClass(['pvesh', 'get', '/x']), callClass(['pct', 'exec', '1'])], ['read', 'mutating', 'read', 'exec']);
});

test("lockChains: clones of one source CT queue; allocations per storage cost the model's alloc", () => {
  const c = (argv: string[]): LoggedCall => ({ argv, start: 0, end: 1, exit: 0 });
  const calls = [
    c(['pct', 'clone', '200', '210', '--snapname', 'base']),
    c(['pct', 'clone', '200', '211', '--snapname', 'base']),
    c(['pct', 'clone', '201', '212']),
    c(['qm', 'clone', '9000', '9100']),
    c(['pct', 'create', '200', 'local:vztmpl/x.tar.zst', '--rootfs', 'local-lvm:4']),
    c(['qm', 'clone', '9000', '9101', '--full', '1', '--storage', 'local-lvm']),
  ];
  assert.deepEqual(
    lockChains(calls, { clone: 6000, alloc: 100 }).map((x) => [x.what, x.ms, x.calls]),
    [
      ['clones of CT 200', 12000, 2],
      ['clones of CT 201', 6000, 1],
      ['allocations on local-lvm', 200, 2],
    ],
  );
  assert.equal(allocStorageOf(['qm', 'disk', 'import', '9000', '/x.qcow2', 'local-lvm']), 'local-lvm');
  assert.equal(allocStorageOf(['pct', 'set', '200', '--mp0', 'data:8,mp=/srv']), 'data');
  assert.equal(allocStorageOf(['pct', 'set', '200', '--mp0', 'data:vm-200-disk-1,mp=/srv']), undefined);
});

test('resourceBound: the largest of the critical path, work / concurrency and the longest lock chain', () => {
  const chain = { what: 'clones of CT 200', ms: 30, calls: 5 };
  assert.deepEqual(resourceBound(10, 40, 8, [chain]), { ms: 30, criticalPathMs: 10, workMs: 40, workPerSlotMs: 5, longestChain: chain, binding: 'lock chain' });
  assert.equal(resourceBound(10, 320, 8, [chain]).binding, 'work / concurrency');
  assert.equal(resourceBound(10, 320, 8, [chain]).ms, 40);
  assert.equal(resourceBound(50, 160, 8, []).binding, 'critical path');
  assert.equal(resourceBound(10, 400, 8, []).ms, 50);
});
