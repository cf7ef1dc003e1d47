// Issue 11: a storage without container content, a missing template, an unknown bridge or clone
// source, each stopped `up` with Proxmox's raw error, one at a time, after other guests had been
// made. Now `plan` and the mutating verbs check the host first: every problem at once, each
// naming the guest's file and field, exit 2, and not one mutating call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';
import { isReadCall } from '../../src/app/session.js';

const calls = (log: string): string[][] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).argv as string[])
    : [];

test('a container on storage "local" is refused before any call: the config field, not Proxmox\'s 400', { skip: NO_CLI }, async (t) => {
  const w = workspace('pf-local', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ storage_pool: 'local' }) } } });
  t.after(w.cleanup);
  const log = join(w.root, 'calls.jsonl');
  for (const verb of ['converge', 'plan']) {
    const r = await w.run([verb], { env: { PHOENIX_SIM_LOG: log } });
    assert.deepEqual(crashLines(r.out), []);
    assert.equal(r.code, 2, r.out);
    assert.match(r.stderr, /^error: phoenix_lxc_configs\.json: lxc_configs\."300"\.storage_pool: storage 'local' does not hold container disks \(rootdir\) \(its content: backup, import, iso, snippets, vztmpl\); storages that do: local-lvm$/m);
    assert.match(r.stderr, verb === 'plan' ? /the host cannot take this config: 1 problem \(listed first\)/ : /the host cannot take this config: 1 problem \(above\); nothing was done/);
    assert.doesNotMatch(r.out, /does not support container directories|400/);
  }
  assert.deepEqual(
    calls(log).filter((a) => !isReadCall(a)),
    [],
  );
});

test('every host problem of a run at once (template, bridge, storage), located; zero mutating calls', { skip: NO_CLI }, async (t) => {
  const w = workspace('pf-all', {
    'phoenix_lxc_configs.json': {
      lxc_configs: {
        300: ctConfig({ template: 'local:vztmpl/debian-13-nonexistent_amd64.tar.zst' }),
        301: ctConfig({ name: 'ct2', network_config: { name: 'eth0', bridge: 'vmbr7', ip: '192.168.10.52/24', gw: '192.168.10.1' } }),
        302: ctConfig({ name: 'ct3', storage_pool: 'nosuch', network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.53/24', gw: '192.168.10.1' } }),
      },
    },
  });
  t.after(w.cleanup);
  const log = join(w.root, 'calls.jsonl');
  const r = await w.run(['up'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(r.code, 2, r.out);
  const errs = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.deepEqual(errs, [
    'error: phoenix_lxc_configs.json: lxc_configs."300".template: template local:vztmpl/debian-13-nonexistent_amd64.tar.zst is not on storage \'local\'',
    'error: phoenix_lxc_configs.json: lxc_configs."301".network_config.bridge: bridge \'vmbr7\' does not exist on node pve (bridges: vmbr0)',
    'error: phoenix_lxc_configs.json: lxc_configs."302".storage_pool: storage \'nosuch\' does not exist on node pve (storages: local, local-lvm)',
  ]);
  assert.match(r.stderr, /3 problems \(above\); nothing was done/);
  assert.deepEqual(
    calls(log).filter((a) => !isReadCall(a)),
    [],
  );
});

test("thick storage without the room for the run's new disks is an error; an over-committed thin pool a warning", { skip: NO_CLI }, async (t) => {
  const w = workspace('pf-space', {
    'phoenix_lxc_configs.json': {
      lxc_configs: {
        300: ctConfig({ storage_pool: 'small', storage_size_gb: 6 }),
        301: ctConfig({ name: 'ct2', storage_pool: 'small', storage_size_gb: 6, network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.52/24', gw: '192.168.10.1' } }),
        302: ctConfig({ name: 'ct3', storage_pool: 'thin', storage_size_gb: 30, network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.10.53/24', gw: '192.168.10.1' } }),
      },
    },
  });
  t.after(w.cleanup);
  assert.equal((await w.run(['sim', 'add-storage', 'small', '--type', 'dir', '--content', 'rootdir,images', '--size', '10G'])).code, 0);
  assert.equal((await w.run(['sim', 'add-storage', 'thin', '--type', 'lvmthin', '--content', 'rootdir,images', '--size', '20G'])).code, 0);
  const log = join(w.root, 'calls.jsonl');
  const r = await w.run(['converge'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(r.code, 2, r.out);
  assert.match(r.stderr, /^error: phoenix_lxc_configs\.json: lxc_configs\."301"\.storage_pool: storage 'small' \(dir\) has 10\.0 GiB free; the disks this run creates on it need 12\.0 GiB \(guests 300, 301\)$/m);
  assert.match(r.stderr, /^warning: phoenix_lxc_configs\.json: lxc_configs\."302"\.storage_pool: storage 'thin' \(lvmthin\) has 20\.0 GiB free; .*need 30\.0 GiB \(guests 302\): the thin pool would be over-committed/m);
  assert.match(r.stderr, /1 problem \(above\); nothing was done/);
  assert.deepEqual(
    calls(log).filter((a) => !isReadCall(a)),
    [],
  );
});
