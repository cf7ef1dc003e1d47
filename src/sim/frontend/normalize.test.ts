import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeScalar } from './normalize.js';

test('tags are stored as Proxmox stores them: de-duplicated, lower-cased, sorted', () => {
  assert.equal(normalizeScalar('lxc', 'tags', 'Web;app;web'), 'app;web');
  assert.equal(normalizeScalar('qemu', 'tags', 'b,a'), 'a;b');
});

test('booleans are stored as 1/0, other scalars as given', () => {
  assert.equal(normalizeScalar('lxc', 'onboot', 'yes'), '1');
  assert.equal(normalizeScalar('lxc', 'memory', '512'), '512');
});
