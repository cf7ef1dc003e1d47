// localExec: argv without a shell, stdin, env, and that a timeout or abort ends the whole
// process tree (not just the direct child).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_NOT_STARTED, localExec, runLocal } from './local.js';

test('args are not shell-interpreted', async () => {
  const r = await localExec({ argv: ['printf', '%s|', 'a b', '$(id)', '`id`', ';echo x'] });
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'a b|$(id)|`id`|;echo x|');
  assert.deepEqual(r.argv, ['printf', '%s|', 'a b', '$(id)', '`id`', ';echo x']);
  assert.equal(r.timedOut, false);
  assert.equal(r.isCanceled, false);
  assert.ok(r.durationMs >= 0);
});

test('stdin input reaches the command; exit code and stderr are reported', async () => {
  const r = await localExec({ argv: ['sh', '-c', 'cat; echo oops >&2; exit 3'], input: 'hello\n' });
  assert.equal(r.stdout, 'hello\n');
  assert.equal(r.stderr, 'oops\n');
  assert.equal(r.exitCode, 3);
  const bytes = await localExec({ argv: ['od', '-An', '-tx1'], input: new Uint8Array([0, 255, 10]) });
  assert.match(bytes.stdout, /00 ff 0a/);
});

test('env is added to the environment', async () => {
  const r = await localExec({ argv: ['sh', '-c', 'printf %s "$PHX_TEST_VAR"'], env: { PHX_TEST_VAR: 'v 1' } });
  assert.equal(r.stdout, 'v 1');
});

test('a missing command is exit 127 with a message, not a throw', async () => {
  const r = await localExec({ argv: ['/nonexistent/phoenix-no-such-cmd'] });
  assert.equal(r.exitCode, EXIT_NOT_STARTED);
  assert.match(r.stderr, /command not found/);
});

test('timeout kills the whole process tree', async () => {
  // Both sleeps hold the pipes; killing only `sh` would leave the call open for 30 s.
  const r = await runLocal({ argv: ['sh', '-c', 'sleep 30 & sleep 30'], timeoutMs: 200 }, 200);
  assert.equal(r.timedOut, true);
  assert.notEqual(r.exitCode, 0);
  assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
});

test('a process ignoring SIGTERM is killed after the grace period', async () => {
  const r = await runLocal({ argv: ['sh', '-c', 'trap "" TERM; sleep 30 & wait; sleep 30'], timeoutMs: 100 }, 200);
  assert.equal(r.timedOut, true);
  assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
});

test('abort ends the call and says so', async () => {
  const ac = new AbortController();
  const p = localExec({ argv: ['sh', '-c', 'sleep 30 & sleep 30'], signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  const r = await p;
  assert.equal(r.isCanceled, true);
  assert.equal(r.timedOut, false);
  assert.ok(r.durationMs < 10_000);
});

test('an already-aborted signal does not run to completion', async () => {
  const ac = new AbortController();
  ac.abort();
  const r = await localExec({ argv: ['sleep', '30'], signal: ac.signal });
  assert.equal(r.isCanceled, true);
});
