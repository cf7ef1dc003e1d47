import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withCloneSource } from './clone-source.js';

test('clones of one source run one at a time; other sources and other runs do not wait', async () => {
  const run = {};
  const log: string[] = [];
  const job = (name: string, ms: number) => async () => {
    log.push(`${name} start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name} end`);
  };
  await Promise.all([withCloneSource(run, 900, job('a', 20)), withCloneSource(run, 900, job('b', 5)), withCloneSource(run, 901, job('c', 5)), withCloneSource({}, 900, job('d', 5))]);
  // b waited for a; c (other source) and d (other run) started at once.
  assert.ok(log.indexOf('b start') > log.indexOf('a end'));
  assert.ok(log.indexOf('c start') < log.indexOf('a end'));
  assert.ok(log.indexOf('d start') < log.indexOf('a end'));
});
