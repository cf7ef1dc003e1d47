import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOnlyDriver } from '../proxmox/driver.js';
import { SecretScrubber } from '../util/redact.js';
import { FakeGuestDriver } from './fake-guest-driver.js';
import { selectInputs } from './inputs.js';
import { FeatureRegistry, type ResolvedFeature } from './registry.js';
import { applyFeature, planFeature } from './runner.js';

const CT = { type: 'lxc' as const, vmid: 101 };
const MARKER = '/var/lib/phoenix/features/greeter.json';
const RUN = '/var/lib/phoenix/run/greeter';

/** A config dir with one user feature `greeter` declaring inputs `greeting` and `token`. */
function setup(script = '#!/bin/sh\nset -eu\necho hello\n') {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-run-'));
  mkdirSync(join(dir, 'features/greeter'), { recursive: true });
  writeFileSync(
    join(dir, 'features/greeter/manifest.json'),
    JSON.stringify({
      name: 'greeter',
      description: 'test',
      kinds: ['lxc', 'vm'],
      inputs: ['greeting', 'token'],
      timeoutSec: 42,
    }),
  );
  writeFileSync(join(dir, 'features/greeter/install.sh'), script);
  const reg = new FeatureRegistry({ configDir: dir });
  const hit = reg.find('greeter');
  assert.ok(hit.ok);
  return { dir, feature: hit.feature as ResolvedFeature, log: join(dir, '.phoenix/logs/run1/101.log'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What a person reads of a feature plan (the digest and the reason it is unreadable aside). */
const brief = (p: { feature: string; willRun: boolean; reason: string }) => ({ feature: p.feature, willRun: p.willRun, reason: p.reason });

test('first run: inputs pushed 0600 and removed afterwards, script run with them, marker written', async () => {
  const s = setup();
  try {
    let seenAtRun: { inputs?: { content: string; perms: string }; script?: string } = {};
    const fake = new FakeGuestDriver((argv, files) => {
      seenAtRun = { inputs: files.get(`${RUN}/inputs.json`), script: files.get(`${RUN}/install.sh`)?.perms };
      return { exitCode: 0, stdout: 'hello\n', stderr: '' };
    });
    // The guest config holds more than the feature declares; only declared keys may reach the guest.
    const inputs = selectInputs(s.feature, { greeting: 'hi', admin_password: 'hunter22', memory_mb: 2048 });
    const r = await applyFeature(fake.asDriver(), CT, s.feature, { inputs, logFile: s.log });
    assert.deepEqual(r, { feature: 'greeter', status: 'applied', reason: 'new', exitCode: 0 });

    assert.deepEqual(fake.execs()[0], ['cat', MARKER]);
    assert.deepEqual(fake.execs()[1], ['rm', '-rf', RUN]); // leftovers of a killed run (old inputs) go first
    assert.deepEqual(fake.execs()[2], ['mkdir', '-p', '-m', '0700', RUN, '/var/lib/phoenix/features']);
    const pushes = fake.pushes().map((p) => [p.guestPath, p.perms]);
    assert.deepEqual(pushes, [
      [`${RUN}/phoenix-lib.sh`, '0600'],
      [`${RUN}/install.sh`, '0700'],
      [`${RUN}/inputs.json`, '0600'],
      [MARKER, '0600'],
    ]);
    assert.deepEqual(seenAtRun.inputs, { content: '{\n"greeting": "hi"\n}\n', perms: '0600' });
    assert.equal(seenAtRun.script, '0700');
    const run = fake.calls.find((c) => c.op === 'exec' && c.argv[0] === '/bin/sh')!;
    assert.deepEqual(run.op === 'exec' && run.argv, ['/bin/sh', '-c', 'exec "$0" "$1" 2>&1', `${RUN}/install.sh`, `${RUN}/inputs.json`]);
    assert.equal(run.op === 'exec' && run.opts?.timeoutMs, 42_000);
    assert.deepEqual(fake.execs().at(-1), ['rm', '-rf', RUN]);
    assert.equal(fake.files.has(`${RUN}/inputs.json`), false, 'inputs removed from the guest');

    const marker = JSON.parse(fake.files.get(MARKER)!.content);
    assert.equal(marker.name, 'greeter');
    assert.match(marker.sha256, /^[0-9a-f]{64}$/);
    assert.match(readFileSync(s.log, 'utf8'), /hello/);
    assert.equal(statSync(s.log).mode & 0o777, 0o600);
  } finally {
    s.cleanup();
  }
});

test('second run with the same script and inputs only reads the marker', async () => {
  const s = setup();
  try {
    let runs = 0;
    const fake = new FakeGuestDriver(() => (runs++, { exitCode: 0, stdout: '', stderr: '' }));
    await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hi' } });
    fake.clearCalls();
    const r = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hi' }, logFile: s.log });
    assert.deepEqual(r, { feature: 'greeter', status: 'skipped' });
    assert.deepEqual(
      fake.calls.map((c) => (c.op === 'exec' ? c.argv : c.op)),
      [['cat', MARKER]],
    );
    assert.equal(runs, 1);
  } finally {
    s.cleanup();
  }
});

test('a changed input or script runs again, and plan says why (using only reads)', async () => {
  const s = setup();
  try {
    let runs = 0;
    const fake = new FakeGuestDriver(() => (runs++, { exitCode: 0, stdout: '', stderr: '' }));
    const ro = readOnlyDriver(fake.asDriver());
    assert.deepEqual(brief(await planFeature(ro, CT, s.feature, { inputs: { greeting: 'hi' } })), { feature: 'greeter', willRun: true, reason: 'new' });
    await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hi' } });
    assert.deepEqual(brief(await planFeature(ro, CT, s.feature, { inputs: { greeting: 'hi' } })), { feature: 'greeter', willRun: false, reason: 'unchanged' });
    assert.deepEqual(brief(await planFeature(ro, CT, s.feature, { inputs: { greeting: 'hello' } })), { feature: 'greeter', willRun: true, reason: 'inputs changed' });

    const again = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hello' } });
    assert.equal(again.status, 'applied');
    assert.equal(again.reason, 'inputs changed');
    assert.equal(runs, 2);

    writeFileSync(s.feature.scriptPath, '#!/bin/sh\nset -eu\necho hello v2\n');
    assert.deepEqual(brief(await planFeature(ro, CT, s.feature, { inputs: { greeting: 'hello' } })), { feature: 'greeter', willRun: true, reason: 'script changed' });
    assert.equal((await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hello' } })).reason, 'script changed');
    assert.equal(runs, 3);
    // Key order does not matter: inputs are hashed canonically.
    fake.clearCalls();
    const same = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { token: 'x', greeting: 'hello' } });
    assert.equal(same.reason, 'inputs changed');
    const reordered = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: { greeting: 'hello', token: 'x' } });
    assert.equal(reordered.status, 'skipped');
  } finally {
    s.cleanup();
  }
});

test('a failing script gives exit code, the last 20 lines of its log, no marker, and a clean guest', async () => {
  const s = setup();
  try {
    const out = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const fake = new FakeGuestDriver(() => ({ exitCode: 100, stdout: out, stderr: '' }));
    const r = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: {}, logFile: s.log });
    assert.equal(r.status, 'failed');
    assert.equal(r.exitCode, 100);
    assert.deepEqual(
      r.logTail,
      Array.from({ length: 20 }, (_, i) => `line ${i + 11}`),
    );
    assert.equal(r.message, `feature "greeter" failed on container 101: exited with code 100; log: ${s.log}`);
    assert.equal(fake.files.has(MARKER), false);
    assert.equal(
      [...fake.files.keys()].some((k) => k.startsWith(RUN)),
      false,
    );
    const log = readFileSync(s.log, 'utf8');
    assert.match(log, /line 1\n[\s\S]*line 30\n/);
    assert.match(log, /FAILED: exited with code 100/);
    // The failure is retried on the next run (no marker was written).
    fake.onScript = () => ({ exitCode: 0, stdout: '', stderr: '' });
    assert.equal((await applyFeature(fake.asDriver(), CT, s.feature, { inputs: {} })).status, 'applied');
  } finally {
    s.cleanup();
  }
});

test('a driver error while running is a failure with a message, and the run directory is still removed', async () => {
  const s = setup();
  try {
    const fake = new FakeGuestDriver(() => {
      throw new Error('command timed out after 42000 ms');
    });
    const r = await applyFeature(fake.asDriver(), { type: 'qemu', vmid: 1001 }, s.feature, { inputs: {} });
    assert.equal(r.status, 'failed');
    assert.equal(r.exitCode, undefined);
    assert.equal(r.message, 'feature "greeter" failed on VM 1001: command timed out after 42000 ms');
    assert.deepEqual(fake.execs().at(-1), ['rm', '-rf', RUN]);
  } finally {
    s.cleanup();
  }
});

test('secret inputs reach the guest (0600) but never the log, the tail, the message or the marker', async () => {
  const s = setup();
  try {
    const secret = 's3cr3t-T0ken-value';
    const fake = new FakeGuestDriver((_argv, files) => {
      const inputs = files.get(`${RUN}/inputs.json`)!;
      assert.equal(inputs.perms, '0600');
      assert.match(inputs.content, new RegExp(secret));
      return { exitCode: 3, stdout: `using token ${secret}\nauth failed for ${secret}\n`, stderr: '' };
    });
    const scrubber = new SecretScrubber();
    const r = await applyFeature(fake.asDriver(), CT, s.feature, {
      inputs: { greeting: 'hi', token: { env: 'GREETER_TOKEN' } },
      logFile: s.log,
      secrets: { env: { GREETER_TOKEN: secret }, scrubber },
    });
    assert.equal(r.status, 'failed');
    assert.doesNotMatch(JSON.stringify(r), new RegExp(secret));
    assert.deepEqual(r.logTail, ['using token ***', 'auth failed for ***']);
    assert.doesNotMatch(readFileSync(s.log, 'utf8'), new RegExp(secret));
    assert.match(readFileSync(s.log, 'utf8'), /auth failed for \*\*\*/);
    // success path: marker holds hashes only
    fake.onScript = () => ({ exitCode: 0, stdout: `ok ${secret}\n`, stderr: '' });
    await applyFeature(fake.asDriver(), CT, s.feature, {
      inputs: { token: { env: 'GREETER_TOKEN' } },
      logFile: s.log,
      secrets: { env: { GREETER_TOKEN: secret }, scrubber },
    });
    assert.doesNotMatch(fake.files.get(MARKER)!.content, new RegExp(secret));
    assert.doesNotMatch(readFileSync(s.log, 'utf8'), new RegExp(secret));
  } finally {
    s.cleanup();
  }
});

test('an unresolvable secret fails before anything is pushed, naming the variable only', async () => {
  const s = setup();
  try {
    const fake = new FakeGuestDriver();
    const r = await applyFeature(fake.asDriver(), CT, s.feature, {
      inputs: { token: { env: 'NOPE' } },
      secrets: { env: {}, scrubber: new SecretScrubber() },
      logFile: s.log,
    });
    assert.deepEqual(r, {
      feature: 'greeter',
      status: 'failed',
      message: 'feature "greeter" cannot run on container 101: secret from environment variable NOPE is not set',
    });
    assert.deepEqual(fake.calls, []);
    assert.match(readFileSync(s.log, 'utf8'), /secret from environment variable NOPE is not set/);
  } finally {
    s.cleanup();
  }
});

test('an aborted signal stops before any call', async () => {
  const s = setup();
  try {
    const fake = new FakeGuestDriver();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(applyFeature(fake.asDriver(), CT, s.feature, { inputs: {}, signal: ac.signal }), { name: 'AbortError' });
    assert.deepEqual(fake.calls, []);
    assert.equal(existsSync(s.log), false);
  } finally {
    s.cleanup();
  }
});

test('plan on a guest that cannot run commands says so instead of throwing', async () => {
  const s = setup();
  try {
    const fake = new FakeGuestDriver();
    const driver = fake.asDriver();
    driver.exec = async () => {
      throw new Error('CT 101 not running');
    };
    assert.deepEqual(brief(await planFeature(driver, CT, s.feature, { inputs: {} })), { feature: 'greeter', willRun: true, reason: 'guest not reachable' });
  } finally {
    s.cleanup();
  }
});

test('a timeout reports the feature timeout and keeps what the script printed before it', async () => {
  const s = setup();
  try {
    const fake = new FakeGuestDriver(() => {
      throw Object.assign(new Error('pct exec 101 ...: timed out'), { timedOut: true, stdout: 'step 1 done\nstep 2 hangs\n', stderr: '' });
    });
    const r = await applyFeature(fake.asDriver(), CT, s.feature, { inputs: {}, logFile: s.log });
    assert.equal(r.message, `feature "greeter" failed on container 101: timed out after 42 s (its timeoutSec); log: ${s.log}`);
    assert.deepEqual(r.logTail, ['step 1 done', 'step 2 hangs']);
    assert.match(readFileSync(s.log, 'utf8'), /step 2 hangs\n== greeter: FAILED: timed out/);
  } finally {
    s.cleanup();
  }
});

test('a driver error message holding a secret is scrubbed from the result', async () => {
  const s = setup();
  try {
    const secret = 'tok-9f8e7d6c5b';
    const fake = new FakeGuestDriver(() => {
      throw new Error(`agent said: bad token ${secret}`);
    });
    const r = await applyFeature(fake.asDriver(), CT, s.feature, {
      inputs: { token: { env: 'T' } },
      logFile: s.log,
      secrets: { env: { T: secret }, scrubber: new SecretScrubber() },
    });
    assert.equal(r.message, `feature "greeter" failed on container 101: agent said: bad token ***; log: ${s.log}`);
    assert.doesNotMatch(readFileSync(s.log, 'utf8'), new RegExp(secret));
  } finally {
    s.cleanup();
  }
});
