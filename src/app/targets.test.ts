// Guests named by id, name or tag; --tag adds, --exclude removes; anything unmatched is a usage
// error naming it with "did you mean".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTargets } from './targets.js';
import { UsageError } from '../diag/errors.js';
import type { Guest } from '../model/guest.js';

const g = (id: number, name: string, tags?: string[]) => [id, { id, name, kind: 'lxc', ...(tags ? { tags } : {}) } as unknown as Guest] as const;
const guests = new Map([g(200, 'base-debian'), g(210, 'docker-host', ['apps']), g(801, 'ollama', ['gpu', 'apps']), g(802, 'vllm', ['gpu']), g(9100, 'apps-vm', ['apps'])]);

test('ids, names (any case) and tags name guests, in the order named, each once', () => {
  assert.deepEqual(resolveTargets(['210'], guests), [210]);
  assert.deepEqual(resolveTargets(['docker-host', 'Base-Debian', '210'], guests), [210, 200]);
  assert.deepEqual(resolveTargets(['gpu'], guests), [801, 802]);
});

test('--tag adds every guest with the tag; --exclude removes by id, name or tag', () => {
  assert.deepEqual(resolveTargets([], guests, { tags: ['gpu'] }), [801, 802]);
  assert.deepEqual(resolveTargets([], guests, { tags: ['apps'], exclude: ['9100'] }), [210, 801]);
  assert.deepEqual(resolveTargets([], guests, { exclude: ['gpu', 'docker-host'], whenEmpty: 'all' }), [200, 9100]);
  assert.deepEqual(resolveTargets([], guests), []);
});

test('what matches nothing is a usage error naming it, with the nearest id, name or tag', () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof UsageError);
      return `${e.message} | ${e.hint}`;
    }
    assert.fail('no error');
  };
  assert.equal(
    err(() => resolveTargets(['dokcer-host'], guests)),
    'no guest with id, name or tag "dokcer-host" in the config | did you mean "docker-host" for "dokcer-host"?',
  );
  assert.equal(
    err(() => resolveTargets(['4242'], guests)),
    'no guest with id 4242 in the config | configured guests: 200 base-debian, 210 docker-host, 801 ollama, 802 vllm, 9100 apps-vm',
  );
  assert.equal(
    err(() => resolveTargets([], guests, { tags: ['gpus'] })),
    '--tag: no guest with tag "gpus" in the config | did you mean "gpu" for "gpus"?',
  );
  assert.equal(
    err(() => resolveTargets([], guests, { exclude: ['9101'], whenEmpty: 'all' })),
    '--exclude: no guest with id 9101 in the config | did you mean "9100" for "9101"?',
  );
});
