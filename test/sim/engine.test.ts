// The simulator engine as a whole: read-only calls leave the state untouched, locks behave like
// Proxmox's (timeout text, stale owners), concurrent calls stay consistent, logs and faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simHarness, treeHash, DEBIAN } from '../helpers/sim.js';
import { parseFaultSpec, faultFor } from '../../src/sim/faults/spec.js';
import { parseLatency } from '../../src/sim/frontend/run.js';
import { readCallBuckets } from '../../src/sim/frontend/conformance-log.js';

async function populated() {
  const h = simHarness({ PHOENIX_SIM_LATENCY: 'boot=0' });
  await h.ok('pct', 'create', '100', DEBIAN, '--hostname', 'a', '--rootfs', 'local-lvm:8', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp', '--memory', '1024');
  await h.ok('pct', 'snapshot', '100', 'snap1');
  await h.ok('pct', 'start', '100');
  await h.ok('qm', 'create', '200', '--name', 'vm', '--scsi0', 'local-lvm:4', '--agent', '1');
  await h.ok('qm', 'snapshot', '200', 'snap1');
  return h;
}

test('read-only and failed calls never change the state directory', async () => {
  const h = await populated();
  try {
    const before = treeHash(h.dir);
    const calls = [
      ['pct', 'list'],
      ['pct', 'status', '100'],
      ['pct', 'status', '100', '--verbose'],
      ['pct', 'config', '100'],
      ['pct', 'config', '100', '--snapshot', 'snap1'],
      ['pct', 'listsnapshot', '100'],
      ['qm', 'list'],
      ['qm', 'status', '200'],
      ['qm', 'status', '200', '--verbose'],
      ['qm', 'config', '200'],
      ['qm', 'listsnapshot', '200'],
      // failures: bad parameters, missing guests, refused operations
      ['pct', 'set', '100', '--memory', 'x'],
      ['pct', 'start', '100'],
      ['pct', 'status', '999'],
      ['pct', 'snapshot', '100', 'snap1'],
      ['pct', 'resize', '100', 'rootfs', '1G'],
      ['pct', 'set', '100', '--unprivileged', '1'],
      ['pct', 'create', '100', DEBIAN],
      ['qm', 'agent', '200', 'ping'],
      ['qm', 'rollback', '200', 'nope'],
      ['qm', 'set', '200', '--bogus', '1'],
      ['pct', 'clone', '100', '101'],
      // no-ops: the same values again
      ['pct', 'set', '100', '--memory', '1024'],
      ['pct', 'set', '100', '--net0', 'name=eth0,bridge=vmbr0,ip=dhcp'],
      ['pct', 'resize', '100', 'rootfs', '8G'],
      ['pct', 'unlock', '100'],
      ['qm', 'set', '200', '--name', 'vm'],
    ];
    for (const c of calls) await h.run(...c);
    assert.equal(treeHash(h.dir), before);
  } finally {
    h.cleanup();
  }
});

test("a held guest lock makes a mutating call fail with Proxmox's timeout text", async () => {
  const h = simHarness({ PHOENIX_SIM_LOCK_TIMEOUT_MS: '150' });
  try {
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:8');
    // Our own pid: alive, so the lock is not stale.
    writeFileSync(join(h.dir, 'lock/lxc/pve-config-100.lock'), `${process.pid}\n`);
    const r = await h.run('pct', 'set', '100', '--memory', '1024');
    assert.deepEqual([r.exitCode, r.stderr], [255, "trying to acquire lock...\ncan't lock file '/run/lock/lxc/pve-config-100.lock' - got timeout\n"]);
    // A lock left by a process that is gone is reclaimed.
    writeFileSync(join(h.dir, 'lock/lxc/pve-config-100.lock'), '999999999\n');
    await h.ok('pct', 'set', '100', '--memory', '1024');
    assert.equal(existsSync(join(h.dir, 'lock/lxc/pve-config-100.lock')), false);
  } finally {
    h.cleanup();
  }
});

test('concurrent creates and sets keep every config and allocation consistent', async () => {
  const h = simHarness();
  try {
    await Promise.all(Array.from({ length: 8 }, (_, i) => h.ok('pct', 'create', String(300 + i), DEBIAN, '--rootfs', 'local-lvm:1', '--mp0', 'local-lvm:1,mp=/d')));
    await Promise.all(Array.from({ length: 8 }, (_, i) => Promise.all([h.ok('pct', 'set', String(300 + i), '--memory', '1024'), h.ok('pct', 'set', String(300 + i), '--cores', '2'), h.ok('pct', 'snapshot', String(300 + i), 'snap')])));
    const reg = JSON.parse(readFileSync(join(h.dir, 'storage/local-lvm.json'), 'utf8')) as { volumes: Array<{ name: string }> };
    assert.equal(reg.volumes.length, 16);
    for (let i = 0; i < 8; i++) {
      const c = await h.ok('pct', 'config', String(300 + i));
      assert.match(c, /^cores: 2\nhostname: CT\d+\nmemory: 1024\n/m);
      assert.match(c, /^mp0: local-lvm:vm-\d+-disk-1,mp=\/d,size=1G$/m);
      assert.match(c, /^parent: snap$/m);
    }
  } finally {
    h.cleanup();
  }
});

test('PHOENIX_SIM_LOG gets one JSON line per call; PHOENIX_CONFORMANCE_DIR only accepted calls, with their storage.cfg and the latest guest configs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-log-'));
  const log = join(dir, 'calls.jsonl');
  const conf = join(dir, 'conformance');
  const h = simHarness({ PHOENIX_SIM_LOG: log, PHOENIX_CONFORMANCE_DIR: conf });
  try {
    await h.run('pct', 'list');
    await h.run('pct', 'set', '101', '--memory', 'x');
    await h.run('pct', 'status', '101');
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.argv, l.exit]),
      [
        [['pct', 'list'], 0],
        [['pct', 'set', '101', '--memory', 'x'], 255],
        [['pct', 'status', '101'], 255],
      ],
    );
    for (const l of lines) assert.ok(l.end >= l.start);
    // Only what the simulator accepted (exit 0): `pct status 101` of a missing guest is refused.
    await h.ok('pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1');
    const accepted = readCallBuckets(conf).flatMap((b) => b.calls.map((c) => c.argv));
    assert.deepEqual(accepted, [
      ['pct', 'list'],
      ['pct', 'create', '101', DEBIAN, '--rootfs', 'local-lvm:1'],
    ]);
    // The environment the calls were made in and the state's latest guest config are kept.
    const [bucket] = readCallBuckets(conf);
    assert.match(readFileSync(join(bucket!.dir, 'etc', 'pve', 'storage.cfg'), 'utf8'), /^lvmthin: local-lvm$/m);
    const [state] = readdirSync(join(conf, 'states'));
    assert.match(readFileSync(join(conf, 'states', state!, 'etc', 'pve', 'nodes', 'pve', 'lxc', '101.conf'), 'utf8'), /^rootfs: local-lvm:vm-101-disk-0,size=1G$/m);
    await h.ok('pct', 'destroy', '101');
    assert.deepEqual(readdirSync(join(conf, 'states', state!, 'etc', 'pve', 'nodes', 'pve', 'lxc')), []);
  } finally {
    h.cleanup();
  }
});

test('PHOENIX_SIM_LATENCY parses per-operation delays; faults spec parses and is reproducible', () => {
  assert.deepEqual(parseLatency('create=4000,clone=6000,start=1500,exec=300,default=150'), { create: 4000, clone: 6000, start: 1500, exec: 300, default: 150 });
  const spec = parseFaultSpec('rate=0.3,seed=7,kinds=lock,killed')!;
  assert.deepEqual(spec, { rate: 0.3, seed: 7, kinds: ['lock', 'killed'] });
  const seq = Array.from({ length: 200 }, (_, i) => faultFor(spec, i));
  assert.deepEqual(
    seq,
    Array.from({ length: 200 }, (_, i) => faultFor(spec, i)),
  );
  const hits = seq.filter(Boolean).length;
  assert.ok(hits > 30 && hits < 90, `about 30% of calls fault (got ${hits})`);
  assert.equal(parseFaultSpec('rate=0'), undefined);
  assert.throws(() => parseFaultSpec('rate=0.1,kinds=boom'), /unknown kind/);
});

test('latency sleeps per operation (create slower than reads)', async () => {
  const h = simHarness({ PHOENIX_SIM_LATENCY: 'create=120,default=0' });
  try {
    let t = Date.now();
    await h.ok('pct', 'create', '100', DEBIAN, '--rootfs', 'local-lvm:1');
    assert.ok(Date.now() - t >= 110);
    t = Date.now();
    await h.ok('pct', 'list');
  } finally {
    h.cleanup();
  }
});

async function runFaulty(kinds: string, n = 12) {
  const h = simHarness({ PHOENIX_SIM_FAULTS: `rate=1,seed=3,kinds=${kinds}` });
  const results = [];
  for (let i = 0; i < n; i++) results.push(await h.run('pct', 'create', String(100 + i), DEBIAN, '--rootfs', 'local-lvm:1'));
  return { h, results };
}

test('faults: lock and timeout fail with Proxmox texts and change nothing', async () => {
  const { h, results } = await runFaulty('lock,timeout', 6);
  try {
    for (const r of results) {
      assert.equal(r.exitCode, 255);
      assert.match(r.stderr, /^(CT is locked \(create\)|trying to acquire lock\.\.\.\ncan't lock file '\/run\/lock\/lxc\/pve-config-\d+\.lock' - got timeout)\n$/);
    }
    assert.equal((await h.run('pct', 'list')).stdout, '');
  } finally {
    h.cleanup();
  }
});

test('faults: warnings exit 0 with "Task finished with 1 warning(s)!"', async () => {
  const { h, results } = await runFaulty('warning', 2);
  try {
    for (const r of results) assert.deepEqual([r.exitCode, r.stderr], [0, 'Task finished with 1 warning(s)!\n']);
  } finally {
    h.cleanup();
  }
});

test('faults: a killed task leaves the guest locked; the next run sees it and unlock clears it', async () => {
  const { h, results } = await runFaulty('killed', 1);
  try {
    assert.equal(results[0].exitCode, 255);
    delete h.env.PHOENIX_SIM_FAULTS;
    assert.match(await h.ok('pct', 'list'), /^100 +stopped +create +CT100/m);
    const r = await h.run('pct', 'start', '100');
    assert.deepEqual([r.exitCode, r.stderr], [255, 'CT is locked (create)\n']);
    await h.ok('pct', 'unlock', '100');
    await h.ok('pct', 'start', '100');
  } finally {
    h.cleanup();
  }
});

test('faults follow the seed: the same run twice gives the same outcomes', async () => {
  const outcome = async () => {
    const h = simHarness({ PHOENIX_SIM_FAULTS: 'rate=0.5,seed=11' });
    try {
      const codes = [];
      for (let i = 0; i < 10; i++) codes.push((await h.run('pct', 'create', String(100 + i), DEBIAN, '--rootfs', 'local-lvm:1')).stderr);
      return codes;
    } finally {
      h.cleanup();
    }
  };
  assert.deepEqual(await outcome(), await outcome());
});
