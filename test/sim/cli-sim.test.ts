// `phoenix sim ...` and the pct/qm shims it writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCliCaptured } from '../helpers/cli.js';
import { defaultSimStateDir } from '../../src/sim/index.js';

const SIM_CLI = new URL('../../dist/sim-cli.js', import.meta.url).pathname;

function tmp() {
  return mkdtempSync(join(tmpdir(), 'phx-simcli-'));
}

test('default state dir: $PHOENIX_SIM_STATE first, else <configDir>/.phoenix/sim', () => {
  assert.equal(defaultSimStateDir('/etc/phx', { PHOENIX_SIM_STATE: '/x/state' }), '/x/state');
  assert.equal(defaultSimStateDir('/etc/phx', {}), '/etc/phx/.phoenix/sim');
});

test('phoenix sim: add storage/bridge/node/template, show, reset', async () => {
  const cfg = tmp();
  try {
    const run = (...a: string[]) => runCliCaptured(['--config', cfg, 'sim', ...a], { env: { PHOENIX_SIM_STATE: undefined } });
    let r = await run('add-storage', 'tank', '--type', 'zfspool', '--content', 'rootdir,images', '--size', '500G');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await run('add-bridge', 'vmbr1')).code, 0);
    assert.equal((await run('add-node', 'pve2')).code, 0);
    assert.equal((await run('add-template', 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz')).code, 0);
    r = await run('add-storage', 'tank', '--type', 'zfspool', '--content', 'rootdir');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /storage 'tank' already exists/);
    r = await run('show');
    assert.equal(r.code, 0);
    const state = join(cfg, '.phoenix/sim');
    assert.match(r.stdout, new RegExp(`^state: ${state}$`, 'm'));
    assert.match(r.stdout, /^bridges: vmbr0, vmbr1$/m);
    assert.match(r.stdout, /^ {2}tank +zfspool +0\.0G \/ 500\.0G +rootdir,images$/m);
    assert.match(r.stdout, /^guests: none$/m);
    assert.match(readFileSync(join(state, 'etc/pve/storage.cfg'), 'utf8'), /^zfspool: tank\n\tpool tank\n\tcontent rootdir,images$/m);
    assert.ok(existsSync(join(state, 'etc/pve/nodes/pve2/lxc')));
    const { runSim } = await import('../../src/sim/frontend/run.js');
    const c = await runSim(['pct', 'create', '100', 'local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', '--rootfs', 'tank:2'], { stateDir: state, env: {}, guestfs: (await import('../helpers/sim.js')).fakeGuestFs() });
    assert.equal(c.exitCode, 0, c.stderr);
    assert.match(readFileSync(join(state, 'etc/pve/lxc/100.conf'), 'utf8'), /^ostype: alpine\nrootfs: tank:subvol-100-disk-0,size=2G$/m);
    assert.match(r.stdout, /^Proxmox VE: 9\.1$/m);
    r = await run('reset');
    assert.equal(r.code, 0);
    assert.match((await run('show')).stdout, /^guests: none$/m);
    r = await run('reset', '--pve', '8.4');
    assert.deepEqual([r.code, r.stdout], [0, `simulator state reset: ${state} (Proxmox VE 8.4)\n`]);
    assert.match((await run('show')).stdout, /^Proxmox VE: 8\.4$/m);
    r = await run('reset', '--pve', '7.4');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown Proxmox VE release '7\.4' \(expected 8\.4 or 9\.1\)/);
    assert.equal((await run('frobnicate')).code, 2);
  } finally {
    rmSync(cfg, { recursive: true, force: true });
  }
});

test('phoenix sim path writes pct/qm shims that reach the simulator', { skip: !existsSync(SIM_CLI) && 'needs dist/ (npm run build)' }, async () => {
  const state = tmp();
  try {
    const r = await runCliCaptured(['sim', 'path'], { env: { PHOENIX_SIM_STATE: state } });
    assert.equal(r.code, 0, r.stderr);
    const bin = r.stdout.trim();
    assert.equal(bin, join(state, 'bin'));
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, PHOENIX_SIM_STATE: '' };
    let p = spawnSync('pct', ['list'], { env, encoding: 'utf8' });
    assert.deepEqual([p.status, p.stdout, p.stderr], [0, '', '']);
    p = spawnSync('qm', ['status', '123'], { env, encoding: 'utf8' });
    assert.deepEqual([p.status, p.stderr], [255, "Configuration file 'nodes/pve/qemu-server/123.conf' does not exist\n"]);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('concurrent pct processes through the shims: every create succeeds with its own disk', { skip: !existsSync(SIM_CLI) && 'needs dist/ (npm run build)' }, async () => {
  const state = tmp();
  try {
    const r = await runCliCaptured(['sim', 'path'], { env: { PHOENIX_SIM_STATE: state } });
    const pct = join(r.stdout.trim(), 'pct');
    const { spawn } = await import('node:child_process');
    const one = (id: number) =>
      new Promise<number>((res) => {
        const p = spawn(pct, ['create', String(id), 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--rootfs', 'local-lvm:1', '--mp0', 'local-lvm:1,mp=/d'], { stdio: 'ignore' });
        p.on('exit', (code) => res(code ?? -1));
      });
    const codes = await Promise.all([101, 102, 103, 104, 105, 106].map(one));
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0]);
    const reg = JSON.parse(readFileSync(join(state, 'storage/local-lvm.json'), 'utf8')) as { volumes: Array<{ name: string }> };
    assert.deepEqual(reg.volumes.map((v) => v.name).sort(), [101, 102, 103, 104, 105, 106].flatMap((id) => [`vm-${id}-disk-0`, `vm-${id}-disk-1`]).sort());
    const list = spawnSync(pct, ['list'], { encoding: 'utf8' });
    assert.equal(list.stdout.trim().split('\n').length, 7);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('phoenix sim finds the config directory as a run does (cwd with Phoenix files, else --config)', async () => {
  const cwd = tmp();
  try {
    writeFileSync(join(cwd, 'phoenix_lxc_configs.json'), '{"lxc_configs":{}}');
    const r = await runCliCaptured(['sim', 'path'], { cwd, env: { PHOENIX_SIM_STATE: undefined, PHOENIX_CONFIG: undefined } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), join(cwd, '.phoenix/sim/bin'));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
