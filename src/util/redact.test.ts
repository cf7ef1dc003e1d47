import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretKey, SecretScrubber, secretLiterals } from './redact.js';

test('isSecretKey: passwords, tokens, secrets, credentials and qualified keys; not public keys, paths, names or counts', () => {
  const yes = ['password', 'admin_password', 'cipassword', 'passwd', 'db_pass', 'hf_token', 'token', 'apiKey', 'api_key', 'api_keys', 'hf_key', 'access_key', 'private_key', 'clientSecret', 'secrets', 'credentials', 'AWS_SECRET_ACCESS_KEY'];
  const no = ['ssh_keys', 'ssh_public_keys', 'sshkeys', 'public_key', 'ssh_key', 'key_file', 'private_key_path', 'password_file', 'token_id', 'token_url', 'key', 'keyctl', 'max_tokens', 'tokenizer', 'passthrough', 'bypass', 'trusted_ca_pem', 'bootstrap_ca_fingerprint'];
  for (const k of yes) assert.equal(isSecretKey(k), true, k);
  for (const k of no) assert.equal(isSecretKey(k), false, k);
});

test('secretLiterals: strings below secret-looking keys, with their paths; references and numbers are not literals', () => {
  const doc = { a: { hf_token: 'x1', password: { env: 'P' } }, credentials: { user: 'bob', list: ['s1'] }, max_tokens: 5, api_key: 7 };
  assert.deepEqual(secretLiterals(doc), [
    { path: ['a', 'hf_token'], value: 'x1' },
    { path: ['credentials', 'user'], value: 'bob' },
    { path: ['credentials', 'list', 0], value: 's1' },
  ]);
});

test('the scrubber masks overlapping secrets whole, whatever the order they were registered in', () => {
  for (const order of [
    ['NewKick2025', 'NewKick2025-Secret-Env-Val'],
    ['NewKick2025-Secret-Env-Val', 'NewKick2025'],
  ]) {
    const s = new SecretScrubber();
    for (const v of order) s.add(v);
    assert.equal(s.scrub('a=NewKick2025 b=NewKick2025-Secret-Env-Val'), 'a=*** b=***');
  }
  const s = new SecretScrubber();
  s.add('a.b*c(d)');
  s.add('say "hi"');
  assert.equal(s.scrub('x a.b*c(d) aXb*c(d) say \\"hi\\"'), 'x *** aXb*c(d) ***', 'escaped as regex; JSON spelling too');
});
