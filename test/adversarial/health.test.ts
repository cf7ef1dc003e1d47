// Issue 9, "also": `health-check` on a guest that does not exist reported it healthy (it has no
// checks, or the checks were never tried); a check command starting with `-` was taken as an
// option of `sh`. Now a missing or stopped guest fails the check (exit 1, said so) and a command
// line is run as `sh -c -- LINE`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

test('health-check on a guest that does not exist, or is stopped, fails saying so (exit 1)', { skip: NO_CLI }, async (t) => {
  const w = workspace('hcmissing', {
    'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig(), 301: ctConfig({ name: 'ct2', network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.52/24', gw: '192.168.10.1' }, health_checks: [{ type: 'command', command: 'true' }] }) } },
  });
  t.after(w.cleanup);
  for (const id of ['300', '301']) {
    const r = await w.run(['health-check', id]);
    assert.deepEqual(crashLines(r.out), []);
    assert.equal(r.code, 1, `${id}: exit ${r.code}\n${r.out}`);
    assert.match(r.stderr, new RegExp(`guest ${id}: container ${id} does not exist`));
    assert.doesNotMatch(r.out, /healthy|no health checks configured/);
  }
  assert.equal((await w.run(['converge', '301'])).code, 0);
  assert.equal((await w.run(['stop', '301'])).code, 0);
  const r = await w.run(['health-check', '301']);
  assert.equal(r.code, 1, r.out);
  assert.match(r.stderr, /container 301 is not running \(stopped\)/);
});

test('a health-check command starting with "-" is the command, not an option of sh (sh -c -- LINE)', { skip: NO_CLI }, async (t) => {
  const cmd = '-x 2>/dev/null || echo ran-as-a-command';
  const w = workspace('hcdash', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ health_checks: [{ type: 'command', command: cmd }] }) } } });
  t.after(w.cleanup);
  assert.equal((await w.run(['converge', '300'])).code, 0);
  const log = join(w.root, 'calls.jsonl');
  const r = await w.run(['health-check', '300'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(r.code, 0, r.out);
  assert.match(r.stdout, /ok\s+.*exit 0: ran-as-a-command/);
  const execs = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).argv as string[])
    .filter((a) => a[1] === 'exec');
  assert.deepEqual(execs.at(-1), ['pct', 'exec', '300', '--', '/bin/sh', '-c', '--', cmd]);
});
