// The key check against what `ssh-keygen -l` (OpenSSH 9.2 on this machine, read alongside) says of
// the same lines: real keys of each type pass, truncated, mislabelled and non-base64 ones fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sshKeyProblem, sshKeysProblem } from './ssh-key.js';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g';
// ssh-keygen -t ecdsa (nistp256) and -t rsa -b 1024 public halves.
const EC = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDMgiGenpfkaxgIn68X5tqYZ0IX08hE5GvSVtZXq+nhzJA5ygK/zS9fpJsPdsCqkQuu/C9QSo/7jadIKNbQAseM=';

test('keys ssh-keygen -l reads pass: ed25519, ecdsa, with a comment or an authorized_keys options prefix', () => {
  for (const k of [ED, `${ED} me@host`, EC, `no-pty,command="echo hi" ${ED} x`]) assert.equal(sshKeyProblem(k), undefined, k);
  assert.equal(sshKeysProblem(`${ED} a\n\n${EC} b\n`), undefined);
});

test('lines ssh-keygen -l refuses fail with a reason', () => {
  assert.equal(sshKeyProblem('ssh-rsa AAAA k'), 'truncated key blob');
  assert.equal(sshKeyProblem('ssh-ed25519 AAAAC3Nz me@host'), 'truncated key blob');
  assert.equal(sshKeyProblem(`ssh-rsa ${ED.split(' ')[1]} x`), "the key data is of type 'ssh-ed25519', not 'ssh-rsa'");
  assert.equal(sshKeyProblem(`${ED}x`), 'the key data is not base64');
  assert.match(sshKeyProblem('# a comment') ?? '', /no known key type/);
  assert.match(sshKeyProblem('ssh-dss AAAAB3NzaC1kc3M= x') ?? '', /DSA/);
  assert.deepEqual(sshKeysProblem(`${ED} a\nssh-ed25519 AAAA b`), { line: 2, problem: 'truncated key blob' });
});
