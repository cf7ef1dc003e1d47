import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson } from './json.js';

test('parses values exactly as JSON.parse does', () => {
  const text = '{"a": [1, -2.5e3, true, false, null], "b": {"c": "x\\u00e9\\n"}, "": 0}';
  const r = parseJson(text);
  assert.ok(r.ok);
  assert.deepEqual(r.value, JSON.parse(text));
});

test('locates keys of objects and items of arrays (1-based line and column)', () => {
  const r = parseJson('{\n  "lxc_configs": {\n    "901": { "memory_mb": "2G" }\n  },\n  "vms": [\n    1,\n    {"vmid": 2}\n  ]\n}');
  assert.ok(r.ok);
  assert.deepEqual(r.locate(['lxc_configs', '901', 'memory_mb']), { line: 3, column: 14 });
  assert.deepEqual(r.locate(['vms', 1]), { line: 7, column: 5 });
  assert.deepEqual(r.locate(['vms', 1, 'vmid']), { line: 7, column: 6 });
  // A missing key is located at its nearest enclosing value.
  assert.deepEqual(r.locate(['lxc_configs', '901', 'name']), { line: 3, column: 5 });
});

const syntaxCases: Array<[string, string, RegExp, number, number]> = [
  ['trailing comma in an object', '{\n  "a": 1,\n}', /trailing comma before '}'/, 3, 1],
  ['trailing comma in a list', '[1,\n 2,\n]', /trailing comma before ']'/, 3, 1],
  ['missing comma', '{\n  "a": 1\n  "b": 2\n}', /expected ',' or '}' after the value of "a"/, 3, 3],
  ['unquoted key', '{ a: 1 }', /expected a "quoted" property name, got unquoted text$/, 1, 3],
  ['single quotes', '{ "a": \'x\' }', /double quotes/, 1, 8],
  ['comment', '{\n  // note\n  "a": 1 }', /comments are not allowed/, 2, 3],
  ['unterminated string', '{ "a": "abc\n}', /unterminated string \(line break/, 1, 12],
  ['truncated file', '{ "a": [1, 2', /unexpected end of file/, 1, 13],
  ['empty file', '  \n', /the file is empty/, 2, 1],
  ['bad literal', '{ "a": True }', /unexpected unquoted text \(true, false and null are lower-case in JSON\)/, 1, 8],
  ['content after the value', '{}\n{}', /after the end of the JSON value/, 2, 1],
  ['bad escape', '{ "a": "\\x" }', /invalid escape/, 1, 9],
];
for (const [name, text, message, line, column] of syntaxCases) {
  test(`syntax error: ${name} → message with line and column`, () => {
    const r = parseJson(text);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.message, message);
    assert.deepEqual(r.at, { line, column });
  });
}

test('reports duplicate keys with both places, and keeps the last value like JSON.parse', () => {
  const r = parseJson('{\n  "lxc_configs": {\n    "901": {"name": "a"},\n    "901": {"name": "b"}\n  }\n}');
  assert.ok(r.ok);
  assert.deepEqual(r.duplicates, [{ path: ['lxc_configs', '901'], at: { line: 4, column: 5 }, first: { line: 3, column: 5 } }]);
  assert.deepEqual((r.value as { lxc_configs: Record<string, unknown> }).lxc_configs['901'], { name: 'b' });
});

test('a "__proto__" key is plain data, not a prototype change', () => {
  const r = parseJson('{"__proto__": {"polluted": true}}');
  assert.ok(r.ok);
  const v = r.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a byte-order mark is ignored', () => {
  const r = parseJson('\ufeff{"a": 1}');
  assert.ok(r.ok);
  assert.deepEqual(r.value, { a: 1 });
});

test('absurdly deep nesting is a syntax error, not a crash', () => {
  const r = parseJson(`${'['.repeat(100000)}${']'.repeat(100000)}`);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /nested deeper than 256 levels/);
});
