// Issue 14: a no-op converge reads each running guest in one exec — its feature markers, its run
// area and one attempt of each command health check — and asks it nothing more when nothing
// changes it. A check that failed then runs again (retries and all); a guest the run changes
// has its checks run again after the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_TEMPLATE, NO_CLI, workspace, callLog } from '../helpers/built-cli.js';

const ct = (name: string, ip: string, check: string) => ({ name, template: DEBIAN_TEMPLATE, memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, network_config: { ip, gw: '10.0.0.1' }, features: ['motd'], health_check: { command: check, retries: 2, interval: 1, timeout: 5 } });
// A small user feature (its marker is read by the same exec) with a check of its own.
const feature = {
  'features/motd/manifest.json': JSON.stringify({ name: 'motd', description: 'a motd', kinds: ['lxc'], requires: [], inputs: [], timeoutSec: 60, healthCheck: { command: ['test', '-s', '/etc/motd'], retries: 2, intervalSec: 1, timeoutSec: 5 } }),
  'features/motd/install.sh': '#!/bin/sh\nset -eu\n. "$(dirname "$0")/phoenix-lib.sh"\nphx_write_file /etc/motd 0644 "hello"\n',
};
const files = (memory = 512) => ({
  'phoenix_lxc_configs.json': {
    lxc_configs: {
      '210': { ...ct('web', '10.0.0.10/24', 'test -f /etc/hostname'), memory_mb: memory },
      '211': ct('db', '10.0.0.11/24', 'test -f /etc/hostname'),
    },
  },
});

function withFeature(w: { config: string }): void {
  mkdirSync(join(w.config, 'features', 'motd'), { recursive: true });
  for (const [rel, text] of Object.entries(feature)) writeFileSync(join(w.config, rel), text, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
}

const calls = callLog;
const execsOf = (log: string, vmid: number) => calls(log).filter((a) => a[0] === 'pct' && a[1] === 'exec' && a[2] === String(vmid));

test('no-op converge: one exec per running guest, health checks included; a changed guest has its check run again after the change', { skip: NO_CLI }, async (t) => {
  const w = workspace('noop-checks', files());
  t.after(w.cleanup);
  withFeature(w);
  assert.equal((await w.run(['up'])).code, 0);
  const log = join(w.root, 'noop.jsonl');
  const r = await w.run(['converge'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(r.code, 0, r.out);
  assert.match(r.stdout, /^210 web\s+ok\s+health\s.*unchanged$/m);
  for (const id of [210, 211]) {
    const ex = execsOf(log, id);
    assert.equal(ex.length, 1, `${id}: ${ex.map((a) => a.join(' ').slice(0, 120)).join('\n')}`);
    // The checks' command lines are arguments of the state read, never its script.
    assert.ok(ex[0].includes('test -f /etc/hostname') && ex[0].includes('/etc/motd'));
  }
  assert.deepEqual(
    calls(log).filter((a) => !['pveversion', 'pvesh'].includes(a[0]) && !(['pct', 'qm'].includes(a[0]) && a[1] === 'list') && !(a[0] === 'pct' && a[1] === 'exec')),
    [],
    'no other call than the host reads, the list and the execs',
  );
  // The host itself is read once: its version, one inventory (preflight, observation and the
  // orphan list share it; no pct/qm list), its storages, bridges and memory.
  assert.deepEqual(
    calls(log)
      .filter((a) => !(a[0] === 'pct' && a[1] === 'exec'))
      .map((a) => a.slice(0, 3).join(' '))
      .sort(),
    ['pvesh get /cluster/resources', 'pvesh get /nodes/pve/network', 'pvesh get /nodes/pve/status', 'pvesh get /nodes/pve/storage', 'pveversion'],
  );

  // 210's memory changes (a live `pct set`): its check runs again after that, in its own exec.
  w.write('phoenix_lxc_configs.json', files(768)['phoenix_lxc_configs.json']);
  const log2 = join(w.root, 'change.jsonl');
  const c = await w.run(['converge'], { env: { PHOENIX_SIM_LOG: log2 } });
  assert.equal(c.code, 0, c.out);
  const ex210 = execsOf(log2, 210).map((a) => a.slice(4));
  assert.deepEqual(
    ex210
      .slice(1)
      .map((a) => a.join(' '))
      .sort(),
    ['/bin/sh -c -- test -f /etc/hostname', 'test -s /etc/motd'],
    ex210.map((a) => a.join(' ').slice(0, 100)).join('\n'),
  );
  assert.equal(execsOf(log2, 211).length, 1);
});

test('a check that fails when the guest is observed is run again at apply with its retries, and a lasting failure fails the guest', { skip: NO_CLI }, async (t) => {
  const w = workspace('noop-checks-fail', files());
  t.after(w.cleanup);
  withFeature(w);
  assert.equal((await w.run(['up'])).code, 0);
  // Someone removes what 211's check looks at.
  const bin = (await import('../helpers/built-cli.js')).runBuilt;
  const path = (await bin(['sim', 'path', '--config', w.config], { cwd: w.root, env: w.env })).stdout.trim();
  const { spawnSync } = await import('node:child_process');
  assert.equal(spawnSync(join(path, 'pct'), ['exec', '211', '--', 'rm', '-f', '/etc/hostname'], { env: { ...process.env, ...w.env } }).status, 0);
  const log = join(w.root, 'fail.jsonl');
  const r = await w.run(['converge'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(r.code, 1, r.out);
  assert.match(r.stderr, /guest 211: unhealthy: check "health_check" failed after 2 attempt\(s\)/);
  // The observing attempt, then both of the check's own attempts.
  assert.equal(execsOf(log, 211).length, 3);
  assert.equal(execsOf(log, 210).length, 1);
  rmSync(log, { force: true });
});
