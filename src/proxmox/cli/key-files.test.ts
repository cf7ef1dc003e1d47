import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { withKeyFiles } from './key-files.js';

test('qm sshkeys (URL-encoded, as the API stores them) become a 0600 file of plain keys for the call only', async () => {
  const keys = 'ssh-ed25519 AAAA one@x\nssh-ed25519 BBBB two@y';
  let seen = '';
  await withKeyFiles('qemu', { name: 'vm', sshkeys: encodeURIComponent(keys) }, async (p) => {
    seen = String(p.sshkeys);
    assert.equal(p.name, 'vm');
    assert.equal(readFileSync(seen, 'utf8'), `${keys}\n`);
    assert.equal(statSync(seen).mode & 0o777, 0o600);
  });
  assert.ok(seen.startsWith('/'));
  assert.equal(existsSync(seen), false, 'removed after the call');
});

test('pct ssh-public-keys are written as given; params without keys pass through untouched', async () => {
  await withKeyFiles('lxc', { 'ssh-public-keys': 'ssh-rsa CCCC k' }, async (p) => {
    assert.equal(readFileSync(String(p['ssh-public-keys']), 'utf8'), 'ssh-rsa CCCC k\n');
  });
  const params = { memory: 512 };
  await withKeyFiles('lxc', params, async (p) => assert.equal(p, params));
});
