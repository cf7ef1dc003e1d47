import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGuestDriver } from '../features/fake-guest-driver.js';
import { featureHealthChecks, hostOfIp, type HealthCheck } from './checks.js';
import { runHealthChecks } from './run.js';

const CT = { type: 'lxc' as const, vmid: 103 };
const timing = { retries: 5, intervalSec: 10, timeoutSec: 2 };

/** Records requested pauses instead of waiting. */
function recordingSleep() {
  const pauses: number[] = [];
  return { pauses, sleep: async (ms: number) => void pauses.push(ms) };
}

test('command check: healthy after retries; attempts and pauses counted; argv vs shell string', async () => {
  let n = 0;
  const fake = new FakeGuestDriver(() => (++n < 3 ? { exitCode: 1, stdout: '', stderr: 'step-ca not ready\n' } : { exitCode: 0, stdout: 'ok\n', stderr: '' }));
  const { pauses, sleep } = recordingSleep();
  const checks: HealthCheck[] = [{ kind: 'command', name: 'step-ca', command: 'systemctl is-active step-ca', ...timing }];
  const r = await runHealthChecks(fake.asDriver(), CT, checks, { sleep });
  assert.deepEqual(r, { healthy: true, results: [{ name: 'step-ca', kind: 'command', ok: true, attempts: 3, detail: 'exit 0: ok' }] });
  assert.deepEqual(pauses, [10_000, 10_000]);
  assert.deepEqual(fake.execs()[0], ['/bin/sh', '-c', '--', 'systemctl is-active step-ca']);
  const call = fake.calls[0]!;
  assert.equal(call.op === 'exec' && call.opts?.timeoutMs, 2000);

  fake.clearCalls();
  await runHealthChecks(fake.asDriver(), CT, [{ kind: 'command', name: 'argv', command: ['systemctl', 'is-active', 'docker'], ...timing }], { sleep });
  assert.deepEqual(fake.execs()[0], ['systemctl', 'is-active', 'docker']);
});

test('command check: unhealthy after all retries, with the last output; never throws', async () => {
  const fake = new FakeGuestDriver(() => ({ exitCode: 3, stdout: '', stderr: 'inactive\n' }));
  const { pauses, sleep } = recordingSleep();
  const r = await runHealthChecks(fake.asDriver(), CT, [{ kind: 'command', name: 'svc', command: 'false', ...timing }], { sleep });
  assert.deepEqual(r.results, [{ name: 'svc', kind: 'command', ok: false, attempts: 5, detail: 'exit 3: inactive' }]);
  assert.equal(r.healthy, false);
  assert.equal(pauses.length, 4);

  const throwing = new FakeGuestDriver(() => {
    throw new Error('CT 103 not running');
  });
  const t = await runHealthChecks(throwing.asDriver(), CT, [{ kind: 'command', name: 'x', command: 'true', retries: 2, intervalSec: 0, timeoutSec: 1 }], { sleep });
  assert.deepEqual(t.results[0], { name: 'x', kind: 'command', ok: false, attempts: 2, detail: 'CT 103 not running' });
});

function listen<T extends NetServer | HttpServer>(server: T): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

test('tcp check against a real loopback server: open port healthy, closed port unhealthy', async () => {
  const server = createNetServer((s) => s.end());
  const port = await listen(server);
  try {
    const { sleep } = recordingSleep();
    const ok = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 'api', port, ...timing }], { sleep, guestHost: '127.0.0.1' });
    assert.deepEqual(ok.results[0], { name: 'api', kind: 'tcp', ok: true, attempts: 1, detail: `connected to 127.0.0.1:${port}` });
  } finally {
    await new Promise((r) => server.close(r));
  }
  const { pauses, sleep } = recordingSleep();
  const closed = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 'api', host: '127.0.0.1', port, retries: 2, intervalSec: 1, timeoutSec: 2 }], { sleep });
  assert.equal(closed.healthy, false);
  assert.equal(closed.results[0]!.attempts, 2);
  assert.match(closed.results[0]!.detail, /ECONNREFUSED/);
  assert.deepEqual(pauses, [1000]);
});

test('tcp check without host and without a known guest IP fails at once, not retried', async () => {
  const connect = async () => assert.fail('must not connect');
  const r = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 'p', port: 80, ...timing }], { connect });
  assert.deepEqual(r.results[0], { name: 'p', kind: 'tcp', ok: false, attempts: 0, detail: "port 80: no host given and the guest's IP address is not known" });
});

test('http check against a loopback server: expected status healthy, other status unhealthy', async () => {
  const server = createHttpServer((req, res) => {
    res.statusCode = req.url === '/health' ? 200 : 503;
    res.end('x');
  });
  const port = await listen(server);
  try {
    const { sleep } = recordingSleep();
    const checks: HealthCheck[] = [
      { kind: 'http', name: 'good', url: `http://127.0.0.1:${port}/health`, expectStatus: 200, ...timing },
      { kind: 'http', name: 'bad', url: `http://127.0.0.1:${port}/other`, expectStatus: 200, retries: 3, intervalSec: 1, timeoutSec: 2 },
    ];
    const r = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, checks, { sleep });
    assert.equal(r.healthy, false);
    assert.deepEqual(r.results, [
      { name: 'good', kind: 'http', ok: true, attempts: 1, detail: 'HTTP 200' },
      { name: 'bad', kind: 'http', ok: false, attempts: 3, detail: 'HTTP 503 (expected 200)' },
    ]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('an injected connect sees the guest host and the timeout; details are scrubbed', async () => {
  const seen: unknown[] = [];
  const r = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 't', port: 9000, retries: 1, intervalSec: 0, timeoutSec: 3 }], {
    guestHost: '10.0.0.10',
    connect: async (host, port, timeoutMs) => {
      seen.push([host, port, timeoutMs]);
      throw new Error('refused by hunter2');
    },
    scrub: (t) => t.replaceAll('hunter2', '***'),
  });
  assert.deepEqual(seen, [['10.0.0.10', 9000, 3000]]);
  assert.equal(r.results[0]!.detail, '10.0.0.10:9000: refused by ***');
});

test('a guest on DHCP: the tcp check asks for its lease at each attempt, and connects once one is reported', async () => {
  const leases: Array<string | undefined> = [undefined, '10.250.3.42'];
  const seen: string[] = [];
  const r = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 't', port: 22, retries: 3, intervalSec: 1, timeoutSec: 3 }], {
    sleep: async () => {},
    guestHost: async () => leases.shift(),
    connect: async (host, port) => void seen.push(`${host}:${port}`),
  });
  assert.deepEqual(seen, ['10.250.3.42:22']);
  assert.deepEqual([r.results[0]!.ok, r.results[0]!.attempts], [true, 2]);
  const none = await runHealthChecks(new FakeGuestDriver().asDriver(), CT, [{ kind: 'tcp', name: 't', port: 22, retries: 2, intervalSec: 1, timeoutSec: 3 }], { sleep: async () => {}, guestHost: async () => undefined, connect: async () => assert.fail('no host to connect to') });
  assert.deepEqual(none.results[0], { name: 't', kind: 'tcp', ok: false, attempts: 2, detail: 'port 22: the guest is on DHCP and reports no address yet' });
});

test('cancellation throws instead of reporting', async () => {
  const ac = new AbortController();
  const fake = new FakeGuestDriver(() => (ac.abort(), { exitCode: 1, stdout: '', stderr: '' }));
  await assert.rejects(runHealthChecks(fake.asDriver(), CT, [{ kind: 'command', name: 'c', command: 'x', ...timing }], { signal: ac.signal, sleep: async () => {} }), { name: 'AbortError' });
});

test('feature default checks come from manifests; hostOfIp strips the prefix length', () => {
  const checks = featureHealthChecks([
    { name: 'base_setup', manifest: {} },
    { name: 'docker', manifest: { healthCheck: { command: ['systemctl', 'is-active', '--quiet', 'docker'], retries: 5, intervalSec: 3, timeoutSec: 15 } } },
  ]);
  assert.deepEqual(checks, [{ kind: 'command', name: 'feature docker', command: ['systemctl', 'is-active', '--quiet', 'docker'], retries: 5, intervalSec: 3, timeoutSec: 15 }]);
  assert.equal(hostOfIp('10.0.0.10/24'), '10.0.0.10');
  assert.equal(hostOfIp('dhcp'), undefined);
  assert.equal(hostOfIp(undefined), undefined);
});
