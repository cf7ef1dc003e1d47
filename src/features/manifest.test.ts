import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from './manifest.js';
import { builtinFeaturesDir } from './registry.js';

const BUILTINS = ['base_setup', 'docker', 'nvidia', 'ollama', 'vllm', 'python_api_service', 'step_cli', 'trusted_ca'];

test('every shipped feature has a valid manifest matching its directory, and an executable install.sh', () => {
  const dir = builtinFeaturesDir();
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith('_') && statSync(join(dir, n)).isDirectory())
    .sort();
  assert.deepEqual(names, [...BUILTINS].sort());
  for (const name of names) {
    const r = parseManifest(JSON.parse(readFileSync(join(dir, name, 'manifest.json'), 'utf8')), name);
    assert.ok(r.ok, `${name}: ${r.ok ? '' : r.problems.join('; ')}`);
    const script = join(dir, name, 'install.sh');
    assert.ok(existsSync(script), `${name}/install.sh`);
    assert.ok(statSync(script).mode & 0o100, `${name}/install.sh is executable`);
    const text = readFileSync(script, 'utf8');
    assert.match(text, /^#!\/bin\/(ba)?sh\n/, `${name}: shebang`);
    assert.match(text, /^set -eu$/m, `${name}: set -eu`);
    assert.doesNotMatch(text, /set -x|\beval\b/, `${name}: no tracing or eval (secrets, config strings)`);
  }
});

test('every requirement of a shipped feature is itself shipped; vllm requires nvidia', () => {
  const dir = builtinFeaturesDir();
  const all = new Map(BUILTINS.map((n) => [n, JSON.parse(readFileSync(join(dir, n, 'manifest.json'), 'utf8'))]));
  for (const [name, m] of all) for (const req of m.requires) assert.ok(all.has(req), `${name} requires unknown ${req}`);
  assert.deepEqual(all.get('vllm').requires, ['nvidia']);
});

test('parseManifest reports every problem with its field', () => {
  const r = parseManifest({ name: 'Bad Name', kinds: ['container'], timeoutSec: -1, extra: 1 }, 'bad');
  assert.equal(r.ok, false);
  const text = (r as { problems: string[] }).problems.join('\n');
  for (const field of ['name', 'description', 'kinds.0', 'timeoutSec', 'extra']) assert.match(text, new RegExp(field.replace('.', '\\.')));
});

test('parseManifest: name must match the directory; self-requirement and reserved names refused', () => {
  const base = { description: 'd', kinds: ['lxc'], timeoutSec: 10 };
  assert.match((parseManifest({ ...base, name: 'a' }, 'b') as { problems: string[] }).problems[0]!, /does not match its directory "b"/);
  assert.match((parseManifest({ ...base, name: 'a', requires: ['a'] }, 'a') as { problems: string[] }).problems[0]!, /require itself/);
  assert.match((parseManifest({ ...base, name: 'application_script' }, 'application_script') as { problems: string[] }).problems[0]!, /reserved/);
  const ok = parseManifest({ ...base, name: 'a' }, 'a');
  assert.ok(ok.ok);
  assert.deepEqual(ok.ok && [ok.manifest.requires, ok.manifest.inputs], [[], []]);
});

test('a health check gets default retries, interval and timeout', () => {
  const r = parseManifest({ name: 'a', description: 'd', kinds: ['vm'], timeoutSec: 10, healthCheck: { command: ['true'] } }, 'a');
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.manifest.healthCheck, { command: ['true'], retries: 3, intervalSec: 5, timeoutSec: 10 });
});
