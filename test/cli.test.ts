import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliCaptured } from './helpers/cli.js';

test('--version prints the package version and exits 0', async () => {
  const r = await runCliCaptured(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('an unknown verb is a one-line error with a hint, exit 2', async () => {
  const r = await runCliCaptured(['bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'bogus'/);
  assert.match(r.stderr, /hint: run 'phoenix --help'/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/); // no stack trace
});

test('--help lists every verb, including the LetsGo alias', async () => {
  const r = await runCliCaptured(['--help']);
  assert.equal(r.code, 0);
  for (const v of ['create', 'converge', 'plan', 'delete', 'start', 'stop', 'restart', 'status', 'list', 'up|LetsGo', 'health-check', 'validate', 'graph', 'sim']) {
    assert.ok(r.stdout.includes(v), `help mentions ${v}`);
  }
});

test('a bad --concurrency is a usage error (exit 2)', async () => {
  const r = await runCliCaptured(['--concurrency', 'zero', 'list']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--concurrency expects an integer/);
});
