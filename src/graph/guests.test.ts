import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleError } from './dag.js';
import { GuestGraph, UnknownGuestError } from './guests.js';
import { guestMap, lxc, originalShape, vm } from '../../test/helpers/fake-guests.js';

/** Asserts every guest in `order` comes after everything it directly needs. */
const assertValidOrder = (g: GuestGraph, order: number[]) => {
  const pos = new Map(order.map((id, i) => [id, i]));
  for (const id of order) for (const d of g.dag.dependenciesOf(id)) assert.ok(pos.get(d)! < pos.get(id)!, `${d} must come before ${id}`);
};

test('edges come from cloneFrom and dependencies, LXC and VM in one graph', () => {
  const g = new GuestGraph(originalShape());
  assert.deepEqual(g.dag.dependenciesOf(901), [900, 1002]);
  assert.deepEqual(g.dag.dependenciesOf(1001), [102, 9000]);
  assert.deepEqual(g.edgeKinds(901, 900), ['clone']);
  assert.deepEqual(g.edgeKinds(901, 1002), ['dependency']);
  assert.deepEqual(g.edgeKinds(900, 901), []);
});

test("801's closure is its whole mixed LXC/VM chain, in a valid order", () => {
  const g = new GuestGraph(originalShape());
  const c = g.closure([801]);
  assert.deepEqual(
    c.nodes.map((n) => n.id),
    [102, 103, 801, 900, 901, 911, 1001, 1002, 9000],
  );
  assert.deepEqual(c.levels, [[900, 9000], [103], [102], [1001], [1002], [901], [911], [801]]);
  assert.deepEqual(c.order, c.levels.flat());
  assertValidOrder(g, c.order);
  assert.deepEqual(
    c.nodes.filter((n) => n.kind === 'vm').map((n) => n.id),
    [1001, 1002, 9000],
  );
});

test('closure gives each guest every reason it is there', () => {
  const c = new GuestGraph(originalShape()).closure([801]);
  const reasons = (id: number) => c.nodes.find((n) => n.id === id)!.reasons;
  assert.deepEqual(reasons(801), [{ kind: 'target' }]);
  assert.deepEqual(reasons(911), [{ kind: 'clone-source', of: 801 }]);
  assert.deepEqual(reasons(1002), [
    { kind: 'dependency', of: 801 },
    { kind: 'dependency', of: 901 },
  ]);
  assert.deepEqual(reasons(900), [
    { kind: 'clone-source', of: 102 },
    { kind: 'clone-source', of: 103 },
    { kind: 'clone-source', of: 901 },
  ]);
  // Only guests inside the closure count: 101 also needs 103 but is not part of it.
  assert.deepEqual(reasons(103), [{ kind: 'dependency', of: 102 }]);
});

test('a target that others in the closure need keeps both reasons', () => {
  const c = new GuestGraph(originalShape()).closure([103, 101]);
  assert.deepEqual(c.nodes.find((n) => n.id === 103)!.reasons, [{ kind: 'target' }, { kind: 'dependency', of: 101 }]);
  assert.deepEqual(c.order, [900, 103, 101]);
});

test('clone source that is also a declared dependency lists both, clone first', () => {
  const g = new GuestGraph(guestMap(lxc(200, { cloneFrom: 100, dependencies: [100] }), lxc(100)));
  assert.deepEqual(g.edgeKinds(200, 100), ['clone', 'dependency']);
  const c = g.closure([200]);
  assert.deepEqual(c.edges, [{ from: 200, to: 100, kinds: ['clone', 'dependency'] }]);
  assert.deepEqual(c.nodes[0].reasons, [
    { kind: 'clone-source', of: 200 },
    { kind: 'dependency', of: 200 },
  ]);
});

test('diamond of guests: the shared base is listed once, at level 0', () => {
  const g = new GuestGraph(guestMap(lxc(100), lxc(110, { cloneFrom: 100 }), vm(120, { dependencies: [100] }), lxc(130, { cloneFrom: 110, dependencies: [120] })));
  const c = g.closure([130]);
  assert.deepEqual(c.levels, [[100], [110, 120], [130]]);
  assert.deepEqual(
    c.nodes.map((n) => [n.id, n.kind, n.level]),
    [
      [100, 'lxc', 0],
      [110, 'lxc', 1],
      [120, 'vm', 1],
      [130, 'lxc', 2],
    ],
  );
});

test('roots are the guests nothing needs; their closure is the whole graph', () => {
  const g = new GuestGraph(originalShape());
  assert.deepEqual(g.roots(), [101, 801, 802, 910, 912, 914, 917]);
  const all = g.closure(g.roots());
  assert.equal(all.nodes.length, 15);
  assertValidOrder(g, all.order);
});

test('closure is the same whatever order the guests and targets come in', () => {
  const a = originalShape();
  const b = new Map([...a].reverse());
  assert.deepEqual(new GuestGraph(a).closure([801, 101]), new GuestGraph(b).closure([101, 801]));
});

test('unknown target ids are an error naming them', () => {
  const g = new GuestGraph(originalShape());
  assert.throws(
    () => g.closure([801, 7, 5]),
    (e: unknown) => e instanceof UnknownGuestError && e.ids.join() === '5,7',
  );
});

test('references to unconfigured guests are left to validation, not invented as nodes', () => {
  const g = new GuestGraph(guestMap(lxc(300, { cloneFrom: 999, dependencies: [998] })));
  assert.deepEqual(g.dag.nodes(), [300]);
  assert.deepEqual(g.closure([300]).order, [300]);
});

test('a cycle through LXC and VM guests surfaces as CycleError', () => {
  const g = new GuestGraph(guestMap(lxc(901, { dependencies: [1002] }), vm(1002, { cloneFrom: 901 })));
  assert.deepEqual(g.dag.findCycles(), [[901, 1002]]);
  assert.throws(() => g.closure([901]), CycleError);
});
