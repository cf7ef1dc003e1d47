// Shared storage: while another node holds the storage's cluster lock, Proxmox's task fails with
// `cfs-lock 'storage-X' error: got lock request timeout` (pve-cluster cfs_lock) before it changed
// anything. Phoenix treats it as transient: the guest's workflow observes again and dispatches the
// create again; it never re-sends a task blindly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { lockedGuests, stateProblems } from '../helpers/sim-state.js';
import { faultFor } from '../../src/sim/faults/spec.js';
import { addStorage } from '../../src/sim/state/admin.js';
import { runSim } from '../../src/sim/index.js';

test('a create on shared storage that meets cfs-lock contention is dispatched again and succeeds', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'phoenix-cfslock-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const config = join(root, 'config');
  mkdirSync(config);
  writeFileSync(join(config, 'phoenix_hypervisor_config.json'), JSON.stringify({ version: '1.0.0', domain_name: 't.arpa', network: { default_subnet: '10.9.0.0/24' } }));
  writeFileSync(
    join(config, 'phoenix_lxc_configs.json'),
    JSON.stringify({
      lxc_configs: {
        300: {
          name: 'solo',
          template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
          storage_pool: 'shared',
          storage_size_gb: 2,
          memory_mb: 256,
          network_config: { name: 'eth0', bridge: 'vmbr0', ip: '10.9.0.30/24', gw: '10.9.0.1' },
        },
      },
    }),
  );
  const state = join(root, 'sim');
  await addStorage(state, 'shared', { type: 'nfs', content: ['rootdir', 'images'], size: '100G' });
  // A seed whose first mutating call (the create) meets the contention and the next dozen do not.
  const spec = (seed: number) => ({ rate: 0.5, seed, kinds: ['cfs-lock' as const] });
  let seed = 1;
  while (!(faultFor(spec(seed), 0) && Array.from({ length: 12 }, (_, i) => faultFor(spec(seed), i + 1)).every((k) => !k))) seed++;

  // The simulator's own answer to such a call, as Proxmox prints it.
  const probe = await runSim(['pct', 'create', '399', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--rootfs', 'shared:1'], { stateDir: state, env: { PHOENIX_SIM_FAULTS: 'rate=1,seed=1,kinds=cfs-lock' } });
  assert.deepEqual([probe.exitCode, probe.stderr], [255, "trying to acquire cfs lock 'storage-shared' ...\nunable to create CT 399 - cfs-lock 'storage-shared' error: got lock request timeout\n"]);
  rmSync(join(state, 'faults.seq'), { force: true });

  const log = join(root, 'calls.jsonl');
  const r = await runCliCaptured(['up', '--config', config, '--driver', 'sim'], {
    cwd: root,
    env: { PHOENIX_CONFIG: undefined, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: `rate=0.5,seed=${seed},kinds=cfs-lock`, PHOENIX_LOCK_DIR: join(root, 'locks') },
  });
  assert.equal(r.code, 0, r.stderr);
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { argv: string[]; exit: number })
    : [];
  const creates = calls.filter((c) => c.argv[1] === 'create' && c.argv[2] === '300').map((c) => c.exit);
  assert.deepEqual(creates, [255, 0]);
  assert.deepEqual(lockedGuests(state), []);
  assert.deepEqual(stateProblems(state, [300]), []);
});
