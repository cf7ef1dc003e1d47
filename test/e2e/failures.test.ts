// A failing feature and a failing health check end to end: the guest fails with exit 1 and a
// message naming the feature/check, its exit code and its last log lines; its dependents are
// skipped; independent guests converge; after the fix a re-run finishes the job. Also secrets:
// a feature input given as {"env": NAME} reaches the guest and appears in no output or log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, isMutatingCall, userFeature, workspace, type Workspace } from './harness.js';
import type { CliRun } from '../helpers/cli.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const SECRET = 'hunter2-Sx9"q\'$(id)';
const FILE_SECRET = 'file-secret-7Hq2';
const ct = (name: string, ip: number, over: Record<string, unknown> = {}) => ({
  name,
  template: TEMPLATE,
  memory_mb: 256,
  cores: 1,
  storage_pool: 'local-lvm',
  storage_size_gb: 4,
  network_config: { name: 'eth0', bridge: 'vmbr0', ip: `192.168.20.${ip}/24`, gw: '192.168.20.1' },
  ...over,
});

const FAILING = `#!/bin/sh
echo "flaky: preparing the widget"
echo "flaky: step 2 of 2 failed: widget not found" >&2
exit 3
`;
const FIXED = `#!/bin/sh
echo "flaky: widget ready"
`;
// A feature that receives a secret, keeps it where it belongs (a 0600 file in the guest), and
// also carelessly prints it: the run's log must still not hold it.
const SECRET_USER = `#!/bin/sh
set -eu
. "$(dirname "$0")/phoenix-lib.sh"
token=$(phx_input nvidia_e2e_token)
from_file=$(phx_input nvidia_e2e_file)
umask 077
printf '%s' "$token" > /root/e2e-token
printf '%s' "$from_file" > /root/e2e-file-token
echo "token is $token, file token is $from_file"
echo "token again: $token" >&2
`;

let w: Workspace;
const outputs: string[] = [];
const run = async (...argv: string[]): Promise<CliRun> => {
  const r = await w.run(...argv);
  outputs.push(r.stdout, r.stderr);
  return r;
};

before(() => {
  w = workspace({
    files: {
      'phoenix_lxc_configs.json': {
        lxc_configs: {
          '300': ct('flaky', 30, { features: ['flaky'] }),
          '301': ct('needs-flaky', 31, { dependencies: ['300'] }),
          '302': ct('unhealthy', 32, {
            health_checks: [{ type: 'command', name: 'ready-file', command: 'test -f /srv/ready', retries: 1, interval: 1, timeout: 5 }],
          }),
          '303': ct('needs-unhealthy', 33, { dependencies: ['302'] }),
          '304': ct('independent', 34, { features: ['secret_user'], nvidia_e2e_token: { env: 'PHX_E2E_TOKEN' }, nvidia_e2e_file: { file: 'e2e-token.txt' } }),
        },
      },
      'e2e-token.txt': `${FILE_SECRET}\n`,
    },
    env: { PHX_E2E_TOKEN: SECRET },
  });
  userFeature(w, 'flaky', FAILING);
  userFeature(w, 'secret_user', SECRET_USER, { inputs: ['nvidia_e2e_token', 'nvidia_e2e_file'] });
});
after(() => w.cleanup());

test('a failing feature and a failing health check fail their guests (exit 1, useful message); dependents skipped; others converge', async () => {
  const r = await run('converge');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // The feature: named, its exit code, the last lines of its output.
  assert.match(r.stderr, /^phoenix: guest 300: feature "flaky" failed on container 300: exited with code 3; log: \S+300\.log$/m);
  assert.match(r.stderr, /^ {4}flaky: step 2 of 2 failed: widget not found$/m);
  assert.match(r.stderr, /^ {4}flaky: preparing the widget$/m);
  // The check: named, what it got.
  assert.match(r.stderr, /^phoenix: guest 302: unhealthy: check "ready-file" failed after \d+ attempt\(s\): exit 1/m);
  // Dependents skipped, naming why; the independent guest converged (rows name each guest).
  assert.match(r.stdout, /^301 \S+\s+skipped\s.*upstream 300 failed/m);
  assert.match(r.stdout, /^303 \S+\s+skipped\s.*upstream 302 failed/m);
  assert.match(r.stdout, /^304 \S+\s+ok\s/m);
  // Each failure in full once: on stderr above; the event line and the summary row point to it.
  assert.equal(r.stdout.split('\n').filter((l) => l.includes('widget not found')).length, 0, r.stdout);
  assert.match(r.stdout, /run finished in .*: 1 ok, 2 failed, 2 skipped/);
  assert.deepEqual(crashLines(r.stdout + r.stderr), []);
  // The skipped guests were never touched; the failed ones exist (created, started), no marker for the failed feature.
  assert.equal(w.conf('lxc', 301), null);
  assert.equal(w.conf('lxc', 303), null);
  assert.equal((await w.sim('pct', 'exec', '300', '--', 'test', '-e', '/var/lib/phoenix/features/flaky.json')).exitCode, 1);
  // The full log of the failed feature is in the run's log file.
  const log = w.logTexts().find((f) => f.path.endsWith('300.log'));
  assert.ok(log && /widget not found/.test(log.text), 'the feature output is in the per-guest log');
});

test('after fixing the script and the check, a re-run finishes the job; then nothing changes', async () => {
  w.write('features/flaky/install.sh', FIXED, 0o755);
  w.edit('phoenix_lxc_configs.json', (d) => (d.lxc_configs['302'].health_checks[0].command = 'test -f /etc/hostname'));
  w.mark();
  const r = await run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /5 ok, 0 failed, 0 skipped/);
  // Only what was left to do: the dependents created, the fixed feature run; 302 and 304 untouched.
  const touched = new Set(
    w
      .since()
      .filter(isMutatingCall)
      .map((c) => c.argv[2]),
  );
  assert.deepEqual([...touched].sort(), ['300', '301', '303']);
  assert.equal((await w.sim('pct', 'exec', '300', '--', 'test', '-e', '/var/lib/phoenix/features/flaky.json')).exitCode, 0);
  w.mark();
  const again = await run('converge');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    w
      .since()
      .filter(isMutatingCall)
      .map((c) => c.argv.join(' ')),
    [],
  );
});

test('secret feature inputs ({"env": NAME}, {"file": PATH}) reach the guest and appear in no output and no log file', async () => {
  // Resolved at run time: the guest got the values.
  assert.equal((await w.sim('pct', 'exec', '304', '--', 'cat', '/root/e2e-token')).stdout, SECRET);
  assert.equal((await w.sim('pct', 'exec', '304', '--', 'cat', '/root/e2e-file-token')).stdout, FILE_SECRET);
  // More outputs that could carry it: plan (text and JSON), a verbose converge.
  await run('plan');
  await run('--json', 'plan');
  await run('--verbose', 'converge', '304');
  for (const o of outputs) assert.ok(!o.includes(SECRET) && !o.includes(FILE_SECRET), `secret printed:\n${o}`);
  const logs = w.logTexts();
  assert.ok(logs.some((f) => f.path.endsWith('304.log')));
  for (const f of logs) {
    assert.ok(!f.text.includes(SECRET) && !f.text.includes(JSON.stringify(SECRET).slice(1, -1)) && !f.text.includes(FILE_SECRET), `secret in ${f.path}`);
  }
  assert.ok(
    logs.some((f) => f.path.endsWith('304.log') && f.text.includes('token is ')),
    'the log has the line, scrubbed',
  );
  // Nowhere on the simulated host but the file the feature wrote (no inputs file left behind).
  const holders: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(SECRET)) holders.push(p);
    }
  };
  walk(w.state);
  assert.equal(holders.length, 1, holders.join('\n'));
  assert.match(holders[0], /\/root\/e2e-token$/);
});
