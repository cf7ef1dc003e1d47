// The task waiter with a scripted API (no network, no real time): the three outcomes, the deadline
// (an operation's, not a request's), status reads that fail are read again, and nothing is ever
// re-dispatched (the waiter only reads).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from './client.js';
import { ApiError } from './client.js';
import { TaskDeadline, TaskFailed, upidNode, waitTask } from './tasks.js';

const UPID = 'UPID:pve2:0000ABCD:00001234:65000000:vzcreate:101:root@pam!phoenix:';

function scripted(statuses: Array<unknown>, log: string[] = []) {
  const calls: string[] = [];
  const client = {
    async call(method: string, path: string) {
      calls.push(`${method} ${path}`);
      if (path.endsWith('/log')) return log.map((t, i) => ({ n: i + 1, t }));
      const next = statuses.length > 1 ? statuses.shift() : statuses[0];
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as ApiClient;
  let t = 0;
  return { client, calls, now: () => t, sleep: async (ms: number) => void (t += ms) };
}

test('the node is read from the UPID; anything else is refused', () => {
  assert.equal(upidNode(UPID), 'pve2');
  assert.throws(() => upidNode('UPID:x'), /not a task id/);
});

test('ok, ok with warnings (the WARN lines), error (exit status and log tail)', async () => {
  const ok = scripted([{ status: 'running' }, { status: 'stopped', exitstatus: 'OK' }]);
  assert.deepEqual(await waitTask(ok.client, UPID, { what: 'create', now: ok.now, sleep: ok.sleep }), { upid: UPID, warnings: [], warningCount: 0 });
  assert.ok(ok.calls.every((c) => c === `GET /nodes/pve2/tasks/${encodeURIComponent(UPID)}/status`));

  const warn = scripted([{ status: 'stopped', exitstatus: 'WARNINGS: 2' }], ['creating', 'WARN: a', 'WARN: b', 'TASK WARNINGS: 2']);
  assert.deepEqual((await waitTask(warn.client, UPID, { what: 'create', now: warn.now, sleep: warn.sleep })).warnings, ['a', 'b']);

  const log = Array.from({ length: 15 }, (_, i) => `step ${i}`).concat(['TASK ERROR: unable to create CT 101 - disk full']);
  const bad = scripted([{ status: 'stopped', exitstatus: 'unable to create CT 101 - disk full' }], log);
  const e = await waitTask(bad.client, UPID, { what: 'POST /nodes/pve2/lxc', now: bad.now, sleep: bad.sleep }).catch((x: unknown) => x);
  assert.ok(e instanceof TaskFailed);
  assert.equal(e.exitstatus, 'unable to create CT 101 - disk full');
  assert.deepEqual(e.logTail, log.slice(5, 15), 'the last 10 lines before TASK ERROR');
  assert.match(e.stderr, /step 14\nunable to create CT 101 - disk full$/);
});

test('a task still running at the operation deadline: TaskDeadline naming the UPID; status errors are re-read', async () => {
  const s = scripted([new ApiError('GET', '/x', 0, 'no answer within 60 s', undefined, 'ETIMEDOUT'), { status: 'running' }]);
  const e = await waitTask(s.client, UPID, { what: 'start', deadlineMs: 30_000, now: s.now, sleep: s.sleep }).catch((x: unknown) => x);
  assert.ok(e instanceof TaskDeadline);
  assert.match(e.message, /still running after 30 s \(task UPID:pve2:/);
  assert.ok(s.calls.length > 5, 'polled with backoff until the deadline');
  assert.ok(
    s.calls.every((c) => c.startsWith('GET ')),
    'only reads: nothing re-dispatched',
  );
});
