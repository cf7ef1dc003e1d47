import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dag, CycleError } from './dag.js';

const build = (edges: [number, number][], nodes: number[] = []): Dag<number> => {
  const g = new Dag<number>();
  for (const n of nodes) g.addNode(n);
  for (const [f, t] of edges) g.addEdge(f, t);
  return g;
};

test('addEdge adds both nodes; nodes() sorts numerically', () => {
  const g = build([[1002, 900]], [5]);
  assert.deepEqual(g.nodes(), [5, 900, 1002]);
  assert.deepEqual(g.dependenciesOf(1002), [900]);
  assert.deepEqual(g.dependentsOf(900), [1002]);
  assert.deepEqual(g.dependenciesOf(5), []);
});

test('duplicate edges are kept once', () => {
  const g = build([
    [2, 1],
    [2, 1],
  ]);
  assert.deepEqual(g.edges(), [[2, 1]]);
});

test('unknown node is an error, not an empty answer', () => {
  assert.throws(() => new Dag<number>().dependenciesOf(7), /unknown graph node 7/);
});

test('diamond: levels group independent nodes, ancestors/descendants are transitive', () => {
  // 4 needs 2 and 3; both need 1.
  const g = build([
    [4, 2],
    [4, 3],
    [2, 1],
    [3, 1],
  ]);
  assert.deepEqual(g.levels(), [[1], [2, 3], [4]]);
  assert.deepEqual(g.order(), [1, 2, 3, 4]);
  assert.deepEqual(g.ancestors(4), [1, 2, 3]);
  assert.deepEqual(g.descendants(1), [2, 3, 4]);
  assert.deepEqual(g.ancestors(1), []);
  assert.deepEqual(g.findCycles(), []);
});

test('levels place a node one past its deepest dependency', () => {
  // 10 needs 1 (level 0) and 3 (level 2): it must land on level 3.
  const g = build([
    [10, 1],
    [10, 3],
    [3, 2],
    [2, 1],
  ]);
  assert.deepEqual(g.levels(), [[1], [2], [3], [10]]);
});

test('levels and order do not depend on insertion order', () => {
  const edges: [number, number][] = [
    [9000, 900],
    [1001, 9000],
    [1002, 1001],
    [901, 1002],
    [901, 900],
    [103, 900],
    [102, 103],
  ];
  const a = build(edges);
  const b = build([...edges].reverse(), [103, 9000]);
  assert.deepEqual(a.levels(), b.levels());
  assert.equal(a.toString(), b.toString());
  assert.deepEqual(a.levels(), [[900], [103, 9000], [102, 1001], [1002], [901]]);
});

test('string keys sort by code unit', () => {
  const g = new Dag<string>().addEdge('web', 'db').addEdge('api', 'db');
  assert.deepEqual(g.levels(), [['db'], ['api', 'web']]);
});

test('two-node cycle is reported starting at the smallest key, in edge direction', () => {
  const g = build([
    [1002, 901],
    [901, 1002],
    [901, 900],
  ]);
  assert.deepEqual(g.findCycles(), [[901, 1002]]);
});

test('three-node cycle is rotated to the smallest key and keeps direction', () => {
  // 30 → 10 → 20 → 30 (each "depends on" the next)
  const g = build([
    [30, 10],
    [10, 20],
    [20, 30],
  ]);
  assert.deepEqual(g.findCycles(), [[10, 20, 30]]);
});

test('self-loop is its own cycle [k]', () => {
  const g = build([
    [5, 5],
    [6, 5],
  ]);
  assert.deepEqual(g.findCycles(), [[5]]);
});

test('separate cycles are all reported, sorted', () => {
  const g = build([
    [8, 7],
    [7, 8],
    [2, 3],
    [3, 2],
    [4, 4],
    [1, 2],
  ]);
  assert.deepEqual(g.findCycles(), [[2, 3], [4], [7, 8]]);
});

test('a component with several loops gives the shortest cycle through its smallest key', () => {
  // 1 → 2 → 3 → 1 and 1 → 3 → 1: shortest through 1 is [1, 3].
  const g = build([
    [1, 2],
    [2, 3],
    [3, 1],
    [1, 3],
  ]);
  assert.deepEqual(g.findCycles(), [[1, 3]]);
});

test('levels throws CycleError naming the cycle', () => {
  const g = build([
    [901, 1002],
    [1002, 901],
  ]);
  assert.throws(
    () => g.levels(),
    (e: unknown) => {
      assert.ok(e instanceof CycleError);
      assert.deepEqual(e.cycles, [[901, 1002]]);
      assert.match(e.message, /901 → 1002 → 901/);
      return true;
    },
  );
});

test('long chains do not overflow the stack', () => {
  const g = new Dag<number>();
  for (let i = 1; i < 50_000; i++) g.addEdge(i + 1, i);
  assert.deepEqual(g.findCycles(), []);
  assert.equal(g.levels().length, 50_000);
});

test('subgraph keeps only the given nodes and edges among them', () => {
  const g = build([
    [4, 2],
    [4, 3],
    [2, 1],
    [3, 1],
  ]);
  const s = g.subgraph([4, 2, 1, 99]);
  assert.deepEqual(s.nodes(), [1, 2, 4]);
  assert.deepEqual(s.edges(), [
    [2, 1],
    [4, 2],
  ]);
  assert.deepEqual(g.nodes(), [1, 2, 3, 4], 'original untouched');
});

test('toString is one line per node with its dependencies', () => {
  const g = build([
    [4, 2],
    [4, 3],
    [2, 1],
  ]);
  assert.equal(g.toString(), '1\n2 -> 1\n3\n4 -> 2, 3');
});
