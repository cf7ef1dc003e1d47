import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GuestGraph } from '../guests.js';
import { guestMap, lxc, originalShape, vm } from '../../../test/helpers/fake-guests.js';
import { formatReasons } from './reasons.js';
import { renderText } from './text.js';
import { renderMermaid } from './mermaid.js';
import { renderDot } from './dot.js';
import { graphJson, renderJson } from './json.js';

// base 100 (lxc) ← web 110 (lxc clone) ; template 200 (vm) ← app 210 (vm clone, needs 110)
const small = () => new GuestGraph(guestMap(lxc(100, { name: 'base' }), lxc(110, { name: 'web', cloneFrom: 100 }), vm(200, { name: 'tmpl' }), vm(210, { name: 'app', cloneFrom: 200, dependencies: [110] }))).closure([210]);

test('reasons read as grouped phrases', () => {
  assert.equal(formatReasons([]), '');
  assert.equal(formatReasons([{ kind: 'target' }, { kind: 'clone-source', of: 102 }, { kind: 'dependency', of: 101 }, { kind: 'clone-source', of: 103 }]), 'target; clone source of 102, 103; dependency of 101');
});

test('text lists guests level by level with kind, name and reason', () => {
  assert.equal(renderText(small()), ['level 0', '  100  lxc  base  clone source of 110', '  200  vm   tmpl  clone source of 210', 'level 1', '  110  lxc  web   dependency of 210', 'level 2', '  210  vm   app   target', '4 guests in 3 levels; each guest comes after everything it needs.', ''].join('\n'));
});

test('mermaid draws guests and both kinds of edge, from a guest to what it needs', () => {
  assert.equal(renderMermaid(small()), ['flowchart BT', '  g100["100 base (lxc)"]', '  g110["110 web (lxc)"]', '  g200("200 tmpl (vm)")', '  g210("210 app (vm)")', '  g110 -->|clone of| g100', '  g210 -.->|depends on| g110', '  g210 -->|clone of| g200', ''].join('\n'));
});

test('mermaid and dot escape quotes in names', () => {
  const c = new GuestGraph(guestMap(lxc(100, { name: 'say "hi"\\' }))).closure([100]);
  assert.match(renderMermaid(c), /g100\["100 say #quot;hi#quot;\\ \(lxc\)"\]/);
  assert.match(renderDot(c), /"100" \[label="100 say \\"hi\\"\\\\\\nlxc"\];/);
});

test('dot is a digraph with one rank per multi-guest level', () => {
  assert.equal(
    renderDot(small()),
    [
      'digraph phoenix {',
      '  rankdir=BT;',
      '  node [shape=box];',
      '  "100" [label="100 base\\nlxc"];',
      '  "110" [label="110 web\\nlxc"];',
      '  "200" [label="200 tmpl\\nvm", style=rounded];',
      '  "210" [label="210 app\\nvm", style=rounded];',
      '  { rank=same; "100"; "200"; }  // level 0',
      '  "110" -> "100" [label="clone of"];',
      '  "210" -> "110" [label="depends on", style=dashed];',
      '  "210" -> "200" [label="clone of"];',
      '}',
      '',
    ].join('\n'),
  );
});

test('json has exactly nodes/edges/order with numeric ids and [from, to] = from needs to', () => {
  const j = JSON.parse(renderJson(small()));
  assert.deepEqual(Object.keys(j), ['nodes', 'edges', 'order']);
  assert.deepEqual(j, {
    nodes: [
      { id: 100, kind: 'lxc', level: 0 },
      { id: 110, kind: 'lxc', level: 1 },
      { id: 200, kind: 'vm', level: 0 },
      { id: 210, kind: 'vm', level: 2 },
    ],
    edges: [
      [110, 100],
      [210, 110],
      [210, 200],
    ],
    order: [100, 200, 110, 210],
  });
});

test('json: a pair linked by clone and dependency is one edge', () => {
  const c = new GuestGraph(guestMap(lxc(100), lxc(101, { cloneFrom: 100, dependencies: [100] }))).closure([101]);
  assert.deepEqual(graphJson(c).edges, [[101, 100]]);
});

test('every renderer mentions every guest of a larger mixed chain exactly once as a node', () => {
  const c = new GuestGraph(originalShape()).closure([801]);
  const ids = c.nodes.map((n) => n.id);
  assert.equal(
    renderMermaid(c)
      .split('\n')
      .filter((l) => /^  g\d+[[(]/.test(l)).length,
    ids.length,
  );
  assert.equal(
    renderDot(c)
      .split('\n')
      .filter((l) => /^  "\d+" \[label=/.test(l)).length,
    ids.length,
  );
  assert.equal(
    renderText(c)
      .split('\n')
      .filter((l) => /^  \d+ /.test(l)).length,
    ids.length,
  );
});
