// The CLI driver against the simulator: in-process (simExec, --driver sim) and through the
// simulator's pct/qm shims on PATH (--driver pve-cli, the code path of a real host).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { isParamError, isTemplateStart, PveCommandError } from '../../proxmox/errors.js';
import type { ExecResult } from '../../proxmox/exec/types.js';
import { selectDriver } from './select.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phx-drv-sim-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

async function simDriver(name: string) {
  const calls: ExecResult[] = [];
  const s = await selectDriver({ driver: 'sim', env: { PHOENIX_SIM_STATE: join(dir, name), PATH: process.env.PATH }, configDir: dir, readOnly: false, onCall: (r) => calls.push(r) });
  return { ...s, calls };
}

test('sim: create → start → config → snapshot → listSnapshots, as Proxmox answers', async () => {
  const { driver: d, calls, kind, stateDir } = await simDriver('a');
  assert.equal(kind, 'sim');
  assert.equal(stateDir, join(dir, 'a'));
  assert.equal(await d.status('lxc', 101), null);
  await d.create('lxc', 101, { hostname: 'web', memory: 512, rootfs: 'local-lvm:4', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', unprivileged: true }, TEMPLATE);
  await d.start('lxc', 101);
  await d.start('lxc', 101); // already running: success
  assert.deepEqual(await d.status('lxc', 101), { vmid: 101, type: 'lxc', status: 'running', template: false });
  const c = await d.config('lxc', 101);
  assert.equal(c?.options.hostname, 'web');
  assert.equal(c?.options.memory, '512');
  assert.equal(c?.options.unprivileged, '1');
  assert.match(c?.options.rootfs ?? '', /^local-lvm:vm-101-disk-0,size=4G$/);
  await d.snapshot('lxc', 101, 'pre-configured', 'before: features');
  await d.snapshot('lxc', 101, 'final-form');
  const snaps = await d.listSnapshots('lxc', 101);
  assert.deepEqual(
    snaps.map((s) => [s.name, s.parent, s.description]),
    [
      ['pre-configured', undefined, 'before: features'],
      ['final-form', 'pre-configured', undefined],
    ],
  );
  assert.ok(snaps.every((s) => typeof s.snaptime === 'number'));
  assert.deepEqual(await d.list(), [{ vmid: 101, type: 'lxc', name: 'web', status: 'running' }]);
  assert.ok(calls.length >= 9);
  assert.deepEqual(calls[2].argv, ['pct', 'start', '101']);
});

test('sim: exec with stdin and env, raw lxc lines and firewall through the state etc/pve', async () => {
  const { driver: d } = await simDriver('b');
  await d.create('lxc', 102, { hostname: 'box', rootfs: 'local-lvm:2' }, TEMPLATE);
  await d.start('lxc', 102);
  const r = await d.exec('lxc', 102, ['sh', '-c', 'cat; printf "%s\\n" "$A"; exit 3'], { input: 'in\n', env: { A: '$(id)' } });
  assert.deepEqual(r, { exitCode: 3, stdout: 'in\n$(id)\n', stderr: '' });
  await d.setRawLxc(102, [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.apparmor.profile', 'unconfined'],
  ]);
  assert.deepEqual((await d.config('lxc', 102))?.rawLxc, [['lxc.apparmor.profile', 'unconfined']]);
  await d.writeFirewall(102, '[OPTIONS]\nenable: 1\n');
  assert.equal(await d.readFirewall(102), '[OPTIONS]\nenable: 1\n');
  await d.stop('lxc', 102);
  await d.stop('lxc', 102); // already stopped: success
  await d.destroy('lxc', 102);
  assert.equal(await d.status('lxc', 102), null);
});

test('sim: VM guest agent exec is dispatched once and polled; push writes through the agent', async () => {
  const { driver: d, calls } = await simDriver('c');
  await d.create('qemu', 200, { name: 'vm', memory: 1024, agent: 1, net0: 'virtio,bridge=vmbr0' });
  await d.start('qemu', 200);
  assert.equal(await d.agentPing(200), true);
  const r = await d.exec('qemu', 200, ['sh', '-c', 'echo hi; exit 2'], { timeoutMs: 60_000 });
  assert.deepEqual(r, { exitCode: 2, stdout: 'hi\n', stderr: '' });
  assert.equal(calls.filter((c) => c.argv[2] === 'exec').length, 1);
  assert.ok(calls.some((c) => c.argv[2] === 'exec-status'));
  const local = join(dir, 'inputs.json');
  await writeFile(local, '{"a": "it\'s $(id)"}\n');
  await d.push('qemu', 200, local, '/root/in put.json', { perms: '0600' });
  const back = await d.exec('qemu', 200, ['sh', '-c', 'cat "$1"; stat -c %a "$1"', 'sh', '/root/in put.json']);
  assert.deepEqual(back, { exitCode: 0, stdout: '{"a": "it\'s $(id)"}\n600\n', stderr: '' });
});

test('sim: pct push with perms', async () => {
  const { driver: d } = await simDriver('e');
  await d.create('lxc', 105, { hostname: 'p', rootfs: 'local-lvm:2' }, TEMPLATE);
  await d.start('lxc', 105);
  const local = join(dir, 'f.txt');
  await writeFile(local, 'hello\n');
  await d.push('lxc', 105, local, '/root/f.txt', { perms: '0600' });
  assert.deepEqual(await d.exec('lxc', 105, ['sh', '-c', 'cat /root/f.txt; stat -c %a /root/f.txt']), { exitCode: 0, stdout: 'hello\n600\n', stderr: '' });
});

test('sim: Proxmox refusals arrive as classified PveCommandErrors', async () => {
  const { driver: d } = await simDriver('d');
  await d.create('lxc', 103, { hostname: 't', rootfs: 'local-lvm:2' }, TEMPLATE);
  await assert.rejects(d.set('lxc', 103, { memory: 'lots' }), (e) => e instanceof PveCommandError && isParamError(e));
  await d.template('lxc', 103);
  await assert.rejects(d.start('lxc', 103), isTemplateStart);
});

const simCli = resolve('dist/sim-cli.js');
test('pve-cli through the simulator shims on PATH', { skip: !existsSync(simCli) && 'needs dist/sim-cli.js (npm run build)' }, async () => {
  const { writeShims } = await import('../../sim/shims.js');
  const state = join(dir, 'shim-state');
  const bin = writeShims(state, process.execPath, simCli);
  const calls: ExecResult[] = [];
  const s = await selectDriver({ driver: 'pve-cli', env: { PATH: `${bin}:${process.env.PATH}` }, configDir: dir, readOnly: false, onCall: (r) => calls.push(r) });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.stateDir, state);
  await s.driver.create('lxc', 104, { hostname: 'viashim', rootfs: 'local-lvm:2' }, TEMPLATE);
  assert.equal((await s.driver.config('lxc', 104))?.options.hostname, 'viashim');
  await s.driver.writeFirewall(104, '[OPTIONS]\nenable: 0\n');
  assert.equal(existsSync(join(state, 'etc', 'pve', 'firewall', '104.fw')), true);
  assert.deepEqual(
    calls.map((c) => [c.argv[0], c.argv[1], c.exitCode]),
    [
      ['pct', 'create', 0],
      ['pct', 'config', 0],
    ],
  );
});
