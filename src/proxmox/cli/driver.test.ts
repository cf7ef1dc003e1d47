// PveCliDriver against a fake Exec that records every call and answers like pct/qm would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlreadyExists, isLocked, isTransient, PveCommandError } from '../errors.js';
import type { ExecRequest, ExecResult } from '../exec/types.js';
import type { HostFiles } from '../hostfiles/types.js';
import { PveCliDriver, QEMU_PUSH_LIMIT } from './driver.js';

type Answer = Partial<Pick<ExecResult, 'exitCode' | 'stdout' | 'stderr'>>;

function fake(answer: (argv: string[], req: ExecRequest) => Answer = () => ({})) {
  const calls: ExecRequest[] = [];
  const reported: ExecResult[] = [];
  const files = new Map<string, string>();
  const hostFiles: HostFiles = {
    root: '/etc/pve',
    read: async (p) => files.get(p) ?? null,
    write: async (p, c) => void files.set(p, c),
    remove: async (p) => void files.delete(p),
    readDir: async () => null,
  };
  const warnings: unknown[] = [];
  const driver = new PveCliDriver(
    async (req) => {
      calls.push(req);
      const a = answer(req.argv, req);
      return { argv: req.argv, exitCode: a.exitCode ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '', durationMs: 1, timedOut: false, isCanceled: false };
    },
    {
      node: 'pve',
      hostFiles,
      onCall: (r) => reported.push(r),
      onWarnings: (w) => warnings.push(w),
      sleep: async () => {},
      readLocalFile: async (p) => new TextEncoder().encode(`content of ${p}`),
    },
  );
  return { driver, calls, argvs: () => calls.map((c) => c.argv), reported, files, warnings };
}

const MISSING = { exitCode: 255, stderr: "Configuration file 'nodes/pve/lxc/104.conf' does not exist\n" };

test('status() of a missing CT is null; config() too; listSnapshots() is empty', async () => {
  const f = fake(() => MISSING);
  assert.equal(await f.driver.status('lxc', 104), null);
  assert.equal(await f.driver.config('lxc', 104), null);
  assert.deepEqual(await f.driver.listSnapshots('lxc', 104), []);
  assert.deepEqual(f.argvs(), [
    ['pct', 'status', '104', '--verbose', '1'],
    ['pct', 'config', '104'],
    ['pct', 'listsnapshot', '104'],
  ]);
});

test('status() of an existing guest; other failures throw with the whole call', async () => {
  const f = fake((a) => (a[2] === '101' ? { stdout: 'lock: snapshot\nstatus: running\nvmid: 101\n' } : { exitCode: 255, stderr: 'ipcc_send_rec[1] failed: Connection refused\n' }));
  assert.deepEqual(await f.driver.status('lxc', 101), { vmid: 101, type: 'lxc', status: 'running', template: false, lock: 'snapshot' });
  await assert.rejects(f.driver.status('lxc', 102), (e: PveCommandError) => e instanceof PveCommandError && e.shortMessage === 'ipcc_send_rec[1] failed: Connection refused');
});

test('set() with booleans and deletions is one call; an empty set is no call', async () => {
  const f = fake();
  await f.driver.set('lxc', 103, { memory: 2048, onboot: true, protection: false }, ['mp1']);
  await f.driver.set('lxc', 103, {});
  assert.deepEqual(f.argvs(), [['pct', 'set', '103', '--memory', '2048', '--onboot', '1', '--protection', '0', '--delete', 'mp1']]);
  assert.equal(f.reported.length, 1);
});

test('every call is reported through onCall', async () => {
  const f = fake((a) => (a[1] === 'list' ? { stdout: '' } : {}));
  await f.driver.list();
  await f.driver.start('qemu', 9000);
  assert.deepEqual(
    f.reported.map((r) => r.argv.slice(0, 2)),
    [
      ['pct', 'list'],
      ['qm', 'list'],
      ['qm', 'start'],
    ],
  );
});

test('list() merges pct list and qm list by vmid', async () => {
  const f = fake((a) =>
    a[0] === 'pct' ? { stdout: 'VMID       Status     Lock         Name                \n900        stopped                 base\n' } : { stdout: '      VMID NAME                 STATUS     MEM(MB)    BOOTDISK(GB) PID       \n       200 vm                   running    512               30.00 1\n' },
  );
  assert.deepEqual(
    (await f.driver.list()).map((g) => [g.vmid, g.type]),
    [
      [200, 'qemu'],
      [900, 'lxc'],
    ],
  );
});

test('a failed task throws PveCommandError the engine can classify', async () => {
  const f = fake(() => ({ exitCode: 255, stderr: 'CT is locked (clone)\n' }));
  await assert.rejects(f.driver.clone('lxc', 900, 103, { snapname: 'final-form' }), (e) => isLocked(e) && isTransient(e));
  const g = fake(() => ({ exitCode: 255, stderr: "CT 103 already exists on node 'pve'\n" }));
  await assert.rejects(g.driver.create('lxc', 103, { hostname: 'x' }, 'local:vztmpl/t.tar.zst'), isAlreadyExists);
});

test('start on a running guest and stop on a stopped one succeed (idempotent)', async () => {
  const f = fake((a) => (a[1] === 'start' ? { exitCode: 255, stderr: 'CT 101 already running\n' } : { exitCode: 255, stderr: 'CT 101 not running\n' }));
  await f.driver.start('lxc', 101);
  await f.driver.stop('lxc', 101);
  await f.driver.shutdown('lxc', 101, 30);
  assert.deepEqual(f.argvs()[2], ['pct', 'shutdown', '101', '--timeout', '30']);
  const t = fake(() => ({ exitCode: 255, stderr: "you can't start a vm if it's a template\n" }));
  await assert.rejects(t.driver.start('qemu', 9000), /template/);
});

test('a task that ends with warnings succeeds and surfaces them', async () => {
  const f = fake(() => ({ stdout: 'WARN: Systemd 255 detected. You may need to enable nesting.\n', stderr: 'Task finished with 1 warning(s)!\n' }));
  await f.driver.create('lxc', 900, {}, 'local:vztmpl/u.tar.zst');
  assert.deepEqual(f.warnings, [{ argv: ['pct', 'create', '900', 'local:vztmpl/u.tar.zst'], warnings: { count: 1, lines: ['Systemd 255 detected. You may need to enable nesting.'] } }]);
});

test('pct exec: stdin passed through; the command exit code is returned; pct refusals throw', async () => {
  const f = fake((a, req) => (a[2] === '101' ? { exitCode: 3, stdout: String(req.input), stderr: 'e' } : { exitCode: 255, stderr: "container '102' not running!\n" }));
  const r = await f.driver.exec('lxc', 101, ['sh', '-c', 'cat; exit 3'], { input: 'data', env: { A: '1' } });
  assert.deepEqual(r, { exitCode: 3, stdout: 'data', stderr: 'e' });
  assert.deepEqual(f.argvs()[0], ['pct', 'exec', '101', '--', 'env', 'A=1', 'sh', '-c', 'cat; exit 3']);
  await assert.rejects(f.driver.exec('lxc', 102, ['true']), PveCommandError);
});

test('qm guest exec: dispatched once, then exec-status polled until exited', async () => {
  let polls = 0;
  const f = fake((a) => {
    if (a[2] === 'exec') return { stdout: '{\n   "pid" : 77\n}\n' };
    polls += 1;
    return { stdout: polls < 3 ? '{"exited":0}' : '{"exitcode":0,"exited":1,"out-data":"hi\\n"}' };
  });
  const r = await f.driver.exec('qemu', 1001, ['echo', 'hi']);
  assert.deepEqual(r, { exitCode: 0, stdout: 'hi\n', stderr: '' });
  assert.deepEqual(f.argvs(), [
    ['qm', 'guest', 'exec', '1001', '--synchronous', '0', '--', 'echo', 'hi'],
    ['qm', 'guest', 'exec-status', '1001', '77'],
    ['qm', 'guest', 'exec-status', '1001', '77'],
    ['qm', 'guest', 'exec-status', '1001', '77'],
  ]);
});

test('qm guest exec: a deadline ends the wait without re-sending the command', async () => {
  let clock = 0;
  const calls: string[][] = [];
  const driver = new PveCliDriver(
    async (req) => {
      calls.push(req.argv);
      return { argv: req.argv, exitCode: 0, stdout: req.argv[2] === 'exec' ? '{"pid":5}' : '{"exited":0}', stderr: '', durationMs: 1, timedOut: false, isCanceled: false };
    },
    { node: 'pve', hostFiles: {} as HostFiles, now: () => clock, sleep: async (ms) => void (clock += ms) },
  );
  await assert.rejects(driver.exec('qemu', 1001, ['sleep', '100'], { timeoutMs: 5000 }), (e: PveCommandError) => e.timedOut && /guest pid 5 still running/.test(e.shortMessage));
  assert.equal(calls.filter((a) => a[2] === 'exec').length, 1);
  assert.ok(calls.length > 2);
});

test('qm guest exec: agent not running throws', async () => {
  const f = fake(() => ({ exitCode: 255, stderr: 'QEMU guest agent is not running\n' }));
  await assert.rejects(f.driver.exec('qemu', 1001, ['true']), /QEMU guest agent is not running/);
});

test('agentPing: true on answer, false when the agent is down', async () => {
  const up = fake();
  assert.equal(await up.driver.agentPing(1001), true);
  assert.deepEqual(up.argvs(), [['qm', 'guest', 'cmd', '1001', 'ping']]);
  const down = fake(() => ({ exitCode: 255, stderr: 'QEMU guest agent is not running\n' }));
  assert.equal(await down.driver.agentPing(1001), false);
});

test('push: pct push for CTs; for VMs the file content goes on stdin, the path as an argument', async () => {
  const f = fake((a) => (a[0] === 'qm' ? { stdout: '{"exitcode":0,"exited":1}' } : {}));
  await f.driver.push('lxc', 101, '/tmp/in', '/root/x', { perms: '0600' });
  await f.driver.push('qemu', 1001, '/tmp/in', '/root/x y', { perms: '0600' });
  assert.deepEqual(f.argvs(), [
    ['pct', 'push', '101', '/tmp/in', '/root/x', '--perms', '0600'],
    ['qm', 'guest', 'exec', '1001', '--synchronous', '0', '--pass-stdin', '1', '--', '/bin/sh', '-c', 'cat > "$1" && chmod "$2" "$1"', 'sh', '/root/x y', '0600'],
  ]);
  assert.equal(new TextDecoder().decode(f.calls[1].input as Uint8Array), 'content of /tmp/in');
});

test('push to a VM: a failed write and an oversized file are errors', async () => {
  const f = fake(() => ({ stdout: '{"exitcode":1,"exited":1,"err-data":"sh: cannot create /ro/x: Read-only file system\\n"}' }));
  await assert.rejects(f.driver.push('qemu', 1001, '/tmp/in', '/ro/x'), /cannot write \/ro\/x in VM 1001: sh: cannot create/);
  const big = new PveCliDriver(async () => assert.fail('no call expected'), {
    hostFiles: {} as HostFiles,
    readLocalFile: async () => new Uint8Array(QEMU_PUSH_LIMIT + 1),
  });
  await assert.rejects(big.push('qemu', 1001, '/tmp/big', '/x'), /at most 1 MiB/);
});

test('destroy purges; qm also destroys unreferenced disks', async () => {
  const f = fake();
  await f.driver.destroy('lxc', 103);
  await f.driver.destroy('qemu', 1001);
  assert.deepEqual(f.argvs(), [
    ['pct', 'destroy', '103', '--purge', '1'],
    ['qm', 'destroy', '1001', '--purge', '1', '--destroy-unreferenced-disks', '1'],
  ]);
});

test('setRawLxc rewrites only the raw lines, once each; no write when unchanged', async () => {
  const f = fake();
  f.files.set('lxc/101.conf', 'arch: amd64\nhostname: a\nlxc.apparmor.profile: unconfined\n\n[snap]\nhostname: a\nlxc.apparmor.profile: unconfined\n');
  const entries: Array<[string, string]> = [
    ['lxc.cgroup2.devices.allow', 'c 195:* rwm'],
    ['lxc.cgroup2.devices.allow', 'c 195:* rwm'],
    ['lxc.cgroup2.devices.allow', 'c 511:* rwm'],
  ];
  await f.driver.setRawLxc(101, entries);
  const want = 'arch: amd64\nhostname: a\nlxc.cgroup2.devices.allow: c 195:* rwm\nlxc.cgroup2.devices.allow: c 511:* rwm\n\n[snap]\nhostname: a\nlxc.apparmor.profile: unconfined\n';
  assert.equal(f.files.get('lxc/101.conf'), want);
  let wrote = false;
  const hf = { root: '/r', read: async () => want, write: async () => void (wrote = true), remove: async () => {}, readDir: async () => null };
  await new PveCliDriver(async () => assert.fail(), { hostFiles: hf }).setRawLxc(101, entries);
  assert.equal(wrote, false);
  await assert.rejects(f.driver.setRawLxc(555, entries), /Configuration file '\/etc\/pve\/lxc\/555.conf' does not exist/);
});

test('firewall: read, write only when different, remove with null', async () => {
  const f = fake();
  const ops: string[] = [];
  const d = new PveCliDriver(async () => assert.fail(), {
    hostFiles: { root: '/r', read: async (p) => f.files.get(p) ?? null, write: async (p, c) => void (ops.push(`write ${p}`), f.files.set(p, c)), remove: async (p) => void (ops.push(`rm ${p}`), f.files.delete(p)), readDir: async () => null },
  });
  assert.equal(await d.readFirewall(101), null);
  await d.writeFirewall(101, '[OPTIONS]\nenable: 1\n');
  await d.writeFirewall(101, '[OPTIONS]\nenable: 1\n');
  assert.equal(await d.readFirewall(101), '[OPTIONS]\nenable: 1\n');
  await d.writeFirewall(101, null);
  await d.writeFirewall(101, null);
  assert.deepEqual(ops, ['write firewall/101.fw', 'rm firewall/101.fw']);
});
