// Issue 11, "Output": after a run and in `status`, a guest on DHCP shows the address it holds,
// asked of the guest itself (a CT's interfaces, a VM's guest agent), not just "dhcp"; guests with
// a static address are never asked (their config says it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEBIAN_TEMPLATE, NO_CLI, workspace, callLog } from '../helpers/built-cli.js';

const files = {
  'phoenix_lxc_configs.json': {
    lxc_configs: {
      '210': { name: 'web', template: DEBIAN_TEMPLATE, memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, network_config: { ip: 'dhcp' } },
      '211': { name: 'db', template: DEBIAN_TEMPLATE, memory_mb: 512, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 4, network_config: { ip: '10.0.0.5/24', gw: '10.0.0.1' } },
    },
  },
  'phoenix_vm_configs.json': { vms: [{ vmid: 9100, name: 'apps', template_image: 'local:import/noble-server-cloudimg-amd64.qcow2', memory_mb: 1024, cores: 1, network_config: { ip: 'dhcp' } }] },
};

const calls = (log: string) => callLog(log).map((a) => a.join(' '));

const row = (out: string, id: number) => out.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
const IPV4 = /\b\d+\.\d+\.\d+\.\d+ \(dhcp\)/;

test('up and status show the address a DHCP guest holds (CT from its interfaces, VM from its agent); static guests are not asked', { skip: NO_CLI }, async (t) => {
  const w = workspace('dhcp', files);
  t.after(w.cleanup);
  const log = join(w.root, 'calls.jsonl');
  const up = await w.run(['up'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(up.code, 0, up.out);
  for (const id of [210, 9100]) assert.match(row(up.stdout, id), IPV4, `summary row of ${id}:\n${up.stdout}`);
  assert.match(row(up.stdout, 211), /10\.0\.0\.5(?! \(dhcp\))/);
  assert.doesNotMatch(up.stdout, /\bdhcp\s{2,}/, 'a DHCP guest still shows only "dhcp"');
  const asked = calls(log).filter((c) => /interfaces/.test(c));
  assert.deepEqual(asked.sort(), ['pvesh get /nodes/pve/lxc/210/interfaces --output-format json', 'qm guest cmd 9100 network-get-interfaces']);

  const st = await w.run(['status', '--json']);
  assert.equal(st.code, 0, st.out);
  const rows = JSON.parse(st.stdout) as Array<{ id: number; address: string | null }>;
  const byId = new Map(rows.map((r) => [r.id, r.address]));
  const upAddr = (id: number) => IPV4.exec(row(up.stdout, id))![0];
  // The same lease after the run and in status; the static one from the config.
  assert.equal(byId.get(210), upAddr(210));
  assert.equal(byId.get(9100), upAddr(9100));
  assert.equal(byId.get(211), '10.0.0.5');
});

test('a stopped DHCP guest shows "dhcp" in status (nothing to ask), and status still succeeds', { skip: NO_CLI }, async (t) => {
  const w = workspace('dhcp-stopped', files);
  t.after(w.cleanup);
  assert.equal((await w.run(['up'])).code, 0);
  assert.equal((await w.run(['stop', '210'])).code, 0);
  const st = await w.run(['status']);
  assert.equal(st.code, 0, st.out);
  assert.match(row(st.stdout, 210), /stopped.*\bdhcp$/);
  assert.match(row(st.stdout, 9100), IPV4);
});
