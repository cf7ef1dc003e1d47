// The task waiter's three outcomes, against the simulator's API: ok; ok with warnings (surfaced
// as the driver's warnings, not dropped); error (exit status and log tail). And the dispatch
// retry: a lock timeout before the call started is retried, a failed task is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectDriver } from '../../src/app/drivers/select.js';
import { PveCommandError } from '../../src/proxmox/errors.js';
import { simApi } from './sim-api.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

async function driverOn(env: Record<string, string | undefined>, faults = [] as Parameters<typeof simApi>[0] extends infer O ? (O extends { faults?: infer F } ? F : never) : never) {
  const f = await simApi({ env, faults });
  const warnings: Array<{ argv: string[]; lines: string[]; count: number }> = [];
  const s = await selectDriver({ driver: 'api', env: { ...process.env, ...f.env }, configDir: f.root, readOnly: false, api: { retryDelaysMs: [1, 1, 1] }, onWarnings: (w) => warnings.push({ argv: w.argv, ...w.warnings }) });
  return { f, d: s.driver, warnings };
}

test('a task that ends with warnings succeeds and its WARN lines reach the caller', async () => {
  const { f, d, warnings } = await driverOn({ PHOENIX_SIM_FAULTS: 'rate=1,seed=1,kinds=warning' });
  try {
    await d.create('lxc', 401, { hostname: 'w', rootfs: 'local-lvm:2' }, TEMPLATE);
    assert.ok(warnings.length >= 1, 'warnings surfaced');
    assert.deepEqual(warnings[0].argv, ['api', 'POST', '/nodes/pve/lxc']);
    assert.ok(warnings[0].count >= 1 && warnings[0].lines.length >= 1, JSON.stringify(warnings[0]));
    assert.notEqual(await d.status('lxc', 401), null);
  } finally {
    await f.close();
  }
});

test('a lock timeout answered before dispatch is retried; a task that failed is never re-sent', async () => {
  const { f, d } = await driverOn({ PHOENIX_SIM_FAULTS: 'fail=destroy' }, [{ method: 'POST', path: /^\/nodes\/pve\/lxc$/, status: 500, reason: "can't lock file '/var/lock/lxc/pve-config-402.lock' - got timeout", times: 1 }]);
  try {
    await d.create('lxc', 402, { hostname: 'l', rootfs: 'local-lvm:2' }, TEMPLATE);
    assert.deepEqual(
      f.requests.filter((r) => r.method === 'POST' && r.path === '/nodes/pve/lxc').map((r) => r.status),
      [500, 200],
    );
    const e = await d.destroy('lxc', 402).then(
      () => assert.fail('destroy must fail'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof PveCommandError);
    assert.match(e.shortMessage, /^ipcc_send_rec\[1\] failed: Connection refused/);
    assert.equal(f.requests.filter((r) => r.method === 'DELETE').length, 1, 'the failed task was not re-sent');
  } finally {
    await f.close();
  }
});
