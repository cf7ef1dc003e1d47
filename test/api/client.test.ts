// The API client's connection behaviour against the simulator's HTTPS server: keep-alive (one TLS
// connection for sequential requests), at most 3 requests in flight however many are asked at once
// (pveproxy has 3 workers), and a pinned certificate checked before the request is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiClient, normaliseFingerprint } from '../../src/proxmox/api/client.js';
import { parseApiToken } from '../../src/proxmox/api/token.js';
import { simApi, type SimApiFixture } from './sim-api.js';

let f: SimApiFixture;
before(async () => {
  f = await simApi();
});
after(() => f?.close());

const client = (fingerprint = f.api.fingerprint) => new ApiClient({ url: f.api.url, token: parseApiToken(f.api.token, 'test'), tls: { mode: 'pin', fingerprint }, retryDelaysMs: [] });

test('sequential requests share one kept-alive connection; 12 at once are served at most 3 at a time', async () => {
  const c = client();
  const start = f.api.connections();
  for (let i = 0; i < 5; i++) await c.call('GET', '/version');
  assert.equal(f.api.connections() - start, 1, 'one TLS connection for five requests');
  await Promise.all(Array.from({ length: 12 }, () => c.call('GET', '/nodes/pve/lxc')));
  assert.ok(f.api.maxInFlight() <= 3, `max in flight ${f.api.maxInFlight()}`);
  assert.ok(f.api.connections() - start <= 3, `connections ${f.api.connections() - start}`);
  c.close();
});

test('a pin that does not match: refused on the handshake, nothing sent', async () => {
  const before = f.requests.length;
  const c = client('00'.repeat(32));
  await assert.rejects(c.call('GET', '/version'), (e: Error & { code?: string }) => e.code === 'EPINMISMATCH' && /does not match the pinned fingerprint 00:00/.test(e.message));
  assert.equal(f.requests.length, before);
  c.close();
});

test('fingerprints are accepted with or without colons, any case; anything else is refused', () => {
  const hex = 'ab'.repeat(32);
  assert.equal(normaliseFingerprint(hex), 'AB:'.repeat(31) + 'AB');
  assert.equal(normaliseFingerprint(`sha256:${'AB:'.repeat(31)}ab`), 'AB:'.repeat(31) + 'AB');
  assert.throws(() => normaliseFingerprint('abc'), /SHA-256 fingerprint/);
});

test('tokens: only USER@REALM!TOKENID=SECRET; the message never shows the text', () => {
  assert.equal(parseApiToken('PVEAPIToken=root@pam!ci=1234-abcd', 'x').id, 'root@pam!ci');
  assert.equal(parseApiToken('ops@pve!phoenix=1234-abcd\n', 'x').header, 'PVEAPIToken=ops@pve!phoenix=1234-abcd');
  for (const bad of ['root@pam=secret', 'secret-only', 'root@pam!id', 'root@pam!id=']) {
    assert.throws(
      () => parseApiToken(bad, '$PHOENIX_API_TOKEN'),
      (e: Error) => /\$PHOENIX_API_TOKEN does not hold an API token/.test(e.message) && !e.message.includes(bad),
    );
  }
});
