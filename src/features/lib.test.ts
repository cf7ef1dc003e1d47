// The contract between Phoenix's inputs file (renderInputsFile, TypeScript) and the in-guest helper
// library that reads it with grep and awk (features/_shared/phoenix-lib.sh), run for real with the
// host's /bin/sh: what Phoenix writes, a feature script reads back unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderInputsFile } from './inputs.js';
import { builtinFeaturesDir } from './registry.js';

const haveSh = existsSync('/bin/sh') && spawnSync('awk', ['BEGIN{}']).status === 0;

/** Runs `body` as a feature script named demo with the given inputs; returns its output. */
function runScript(inputs: Record<string, unknown>, body: string): { code: number; out: string; err: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-lib-'));
  const dir = join(root, 'demo');
  mkdirSync(dir);
  copyFileSync(join(builtinFeaturesDir(), '_shared/phoenix-lib.sh'), join(dir, 'phoenix-lib.sh'));
  writeFileSync(join(dir, 'install.sh'), `#!/bin/sh\nset -eu\n. "$(dirname "$0")/phoenix-lib.sh"\n${body}\n`, { mode: 0o700 });
  writeFileSync(join(dir, 'inputs.json'), renderInputsFile(inputs));
  const r = spawnSync('/bin/sh', [join(dir, 'install.sh'), join(dir, 'inputs.json')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr, dir: root };
}

const skip = !haveSh && 'needs /bin/sh and awk';

test('the inputs file is valid JSON, one key per line', () => {
  const text = renderInputsFile({ b: { y: 1, x: [1, 'a'] }, a: 'v\nw' });
  assert.equal(text, '{\n"a": "v\\nw",\n"b": {"x":[1,"a"],"y":1}\n}\n');
  assert.deepEqual(JSON.parse(text), { a: 'v\nw', b: { x: [1, 'a'], y: 1 } });
  assert.equal(renderInputsFile({}), '{\n}\n');
});

test('phx_input reads back strings exactly: quotes, backslashes, newlines, unicode, a PEM', { skip }, () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB+zCCAaGgAwIBAgIQ\n-----END CERTIFICATE-----';
  const tricky = 'say "hi" \\ back\ttab é € 😀 $HOME `id` $(id) \'q\'';
  const r = runScript(
    { pem, tricky, n: 42, flag: true, nothing: null },
    [
      'printf "%s" "$(phx_input pem)" > "$(dirname "$0")/pem.out"',
      'printf "%s" "$(phx_input tricky)" > "$(dirname "$0")/tricky.out"',
      'echo "n=$(phx_input n) flag=$(phx_input flag) nothing=[$(phx_input nothing dflt)] missing=[$(phx_input missing)]"',
      'phx_bool flag && echo "flag is true"',
      'phx_has_input nothing || echo "nothing is absent"',
    ].join('\n'),
  );
  try {
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(join(r.dir, 'demo/pem.out'), 'utf8'), pem);
    assert.equal(readFileSync(join(r.dir, 'demo/tricky.out'), 'utf8'), tricky);
    assert.equal(r.out, 'n=42 flag=true nothing=[dflt] missing=[]\nflag is true\nnothing is absent\n');
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('phx_input_list yields list elements; objects come back as compact JSON', { skip }, () => {
  const r = runScript({ ports: ['8000:8000', '11434:11434'], one: 'solo', cfg: { a: [1, 2], b: 'c' } }, ['ports=$(phx_input_list ports)', 'for p in $ports; do echo "port $p"; done', 'echo "one: $(phx_input_list one)"', 'echo "cfg: $(phx_input cfg)"'].join('\n'));
  try {
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'port 8000:8000\nport 11434:11434\none: solo\ncfg: {"a":[1,2],"b":"c"}\n');
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('a list of objects is refused with the key named; the script stops (set -e)', { skip }, () => {
  const r = runScript({ ports: [{ a: 1 }] }, 'x=$(phx_input_list ports)\necho "not reached"');
  try {
    assert.notEqual(r.code, 0);
    assert.equal(r.out, '');
    assert.match(r.err, /\[demo\] error: input ports: expected a list of strings/);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('phx_write_file writes only on change and reports it', { skip }, () => {
  const r = runScript(
    {},
    ['f="$(dirname "$0")/sub/conf"', 'phx_write_file "$f" 0640 one; echo "first $PHX_CHANGED"', 'phx_write_file "$f" 0640 one; echo "second $PHX_CHANGED"', 'phx_write_file "$f" 0640 <<EOF\ntwo\nEOF\necho "third $PHX_CHANGED"', 'phx_write_file "$f" 0640 <<EOF\ntwo\nEOF\necho "fourth $PHX_CHANGED"'].join('\n'),
  );
  try {
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /first 1\n/);
    assert.match(r.out, /second 0\n/);
    assert.match(r.out, /third 1\n/);
    assert.match(r.out, /fourth 0\n/);
    assert.equal(readFileSync(join(r.dir, 'demo/sub/conf'), 'utf8'), 'two\n');
    assert.equal(statSync(join(r.dir, 'demo/sub/conf')).mode & 0o777, 0o640);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});
