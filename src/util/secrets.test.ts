import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretScrubber } from './redact.js';
import { containsSecretRef, isSecretRef, resolveSecret, resolveSecretsDeep } from './secrets.js';

test('isSecretRef accepts exactly {env} or {file} with a non-empty string', () => {
  assert.equal(isSecretRef({ env: 'A' }), true);
  assert.equal(isSecretRef({ file: './x' }), true);
  for (const v of [{ env: '' }, { env: 'A', file: 'b' }, { env: 1 }, { other: 'x' }, ['env'], 'env', null]) {
    assert.equal(isSecretRef(v), false, JSON.stringify(v));
  }
});

test('env and file references resolve, register with the scrubber, and are scrubbed from text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-secret-'));
  try {
    writeFileSync(join(dir, 'hf.token'), 'hf_filetoken123\n');
    const scrubber = new SecretScrubber();
    const ctx = { env: { PORTAINER_PASSWORD: 'pa55word!' }, scrubber, baseDir: dir };
    assert.equal(resolveSecret({ env: 'PORTAINER_PASSWORD' }, ctx), 'pa55word!');
    assert.equal(resolveSecret({ file: 'hf.token' }, ctx), 'hf_filetoken123');
    assert.equal(resolveSecret('literal', ctx), 'literal');
    assert.equal(scrubber.scrub('login pa55word! token hf_filetoken123 literal'), 'login *** token *** literal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resolveSecretsDeep replaces references anywhere in a value and leaves the rest alone', () => {
  const scrubber = new SecretScrubber();
  const v = { a: { env: 'X' }, list: [1, { file: '/s' }], plain: { env: 'X', extra: true } };
  assert.equal(containsSecretRef(v), true);
  assert.equal(containsSecretRef({ plain: { env: 'X', extra: true } }), false);
  const out = resolveSecretsDeep(v, { env: { X: 'xsecret' }, scrubber, readFile: () => 'fsecret' });
  assert.deepEqual(out, { a: 'xsecret', list: [1, 'fsecret'], plain: { env: 'X', extra: true } });
});

test('errors name the variable or file, never a value', () => {
  const scrubber = new SecretScrubber();
  assert.throws(() => resolveSecret({ env: 'MISSING' }, { env: {}, scrubber }), {
    name: 'SecretError',
    message: 'secret from environment variable MISSING is not set',
  });
  assert.throws(() => resolveSecret({ file: '/nonexistent/phoenix/secret' }, { env: {}, scrubber }), {
    message: 'secret file /nonexistent/phoenix/secret cannot be read (ENOENT)',
  });
  assert.throws(() => resolveSecret({ file: 'empty' }, { env: {}, scrubber, readFile: () => '\n' }), { message: 'secret file empty is empty' });
});

test('the JSON-escaped spelling of a secret is scrubbed too', () => {
  const scrubber = new SecretScrubber();
  resolveSecret({ env: 'P' }, { env: { P: 'a"b\\c' }, scrubber });
  assert.equal(scrubber.scrub(`raw a"b\\c json ${JSON.stringify('a"b\\c')}`), 'raw *** json "***"');
});
