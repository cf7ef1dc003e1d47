// The bulk read (inventory: the config files plus one `pvesh get /cluster/resources`) against the
// per-guest reads it replaces (pct/qm status, config, pending, listsnapshot), over simulator states
// with pending changes, snapshot trees, raw lxc lines, templates, locks, running and stopped guests.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ProxmoxDriver } from '../../proxmox/driver.js';
import type { ExecResult } from '../../proxmox/exec/types.js';
import type { HostInventory } from '../../proxmox/types.js';
import { selectDriver } from './select.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phx-inventory-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';

async function simDriver(name: string) {
  const calls: ExecResult[] = [];
  const fileOps: string[] = [];
  const s = await selectDriver({
    driver: 'sim',
    env: { PHOENIX_SIM_STATE: join(dir, name), PATH: process.env.PATH },
    configDir: dir,
    readOnly: false,
    onCall: (r) => calls.push(r),
    onHostFile: (f) => fileOps.push(`${f.op} ${f.path}`),
  });
  return { driver: s.driver, calls, fileOps };
}

/** What the per-guest reads say, in the inventory's shape. */
async function perGuest(d: ProxmoxDriver): Promise<HostInventory['guests']> {
  const out: HostInventory['guests'] = [];
  for (const g of await d.list()) {
    const [status, config, pending, snapshots] = await Promise.all([d.status(g.type, g.vmid), d.config(g.type, g.vmid), d.pending(g.type, g.vmid), d.listSnapshots(g.type, g.vmid)]);
    assert.ok(status && config);
    out.push({ type: g.type, vmid: g.vmid, node: d.node, status, config, pending, snapshots });
  }
  return out.sort((a, b) => a.vmid - b.vmid);
}

async function assertSame(d: ProxmoxDriver, calls: ExecResult[]): Promise<HostInventory> {
  calls.length = 0;
  const inv = await d.inventory();
  assert.ok(inv, 'the simulator keeps the config files: inventory() must not fall back');
  assert.deepEqual(
    calls.map((c) => c.argv),
    [['pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json']],
  );
  assert.deepEqual(inv.guests, await perGuest(d));
  return inv;
}

test('inventory: an empty host is no guests, in one pvesh call and two directory reads', async () => {
  const { driver: d, calls, fileOps } = await simDriver('empty');
  await d.list(); // the simulator lays out its /etc/pve on its first call (a host always has it)
  fileOps.length = 0;
  const inv = await assertSame(d, calls);
  assert.deepEqual(inv.guests, []);
  assert.equal(inv.requests, 3);
  assert.deepEqual(fileOps.sort(), [`readDir nodes/${d.node}/lxc/*.conf`, `readDir nodes/${d.node}/qemu-server/*.conf`]);
});

test('inventory equals the per-guest reads: running/stopped, templates, pending, snapshot trees, raw lxc lines', async () => {
  const { driver: d, calls } = await simDriver('mixed');
  // A running CT with raw lxc lines, a snapshot tree, then changes it could not take live.
  await d.create('lxc', 101, { hostname: 'web', memory: 512, rootfs: 'local-lvm:4', nameserver: '1.1.1.1', net0: 'name=eth0,bridge=vmbr0,ip=dhcp' }, TEMPLATE);
  await d.setRawLxc(101, [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cap.drop', ''],
  ]);
  await d.start('lxc', 101);
  await d.snapshot('lxc', 101, 'first', 'one line\nsecond line');
  await d.snapshot('lxc', 101, 'second');
  await d.snapshot('lxc', 101, 'third', 'three');
  await d.delsnapshot('lxc', 101, 'second');
  await d.set('lxc', 101, { features: 'nesting=1', memory: 1024 }, ['nameserver']);
  // A stopped CT, and a CT template.
  await d.create('lxc', 102, { hostname: 'idle', rootfs: 'local-lvm:2' }, TEMPLATE);
  await d.create('lxc', 103, { hostname: 'base', rootfs: 'local-lvm:2' }, TEMPLATE);
  await d.template('lxc', 103);
  // A running VM with a pending core count and a pending deletion, a snapshot; a VM template.
  await d.create('qemu', 200, { name: 'vm', memory: 1024, cores: 1, agent: 1, description: 'line one\nline two', net0: 'virtio,bridge=vmbr0' });
  await d.start('qemu', 200);
  await d.snapshot('qemu', 200, 'before', 'a VM snapshot');
  await d.set('qemu', 200, { cores: 2 }, ['agent']);
  await d.create('qemu', 9000, { name: 'tpl', memory: 512 });
  await d.template('qemu', 9000);

  const inv = await assertSame(d, calls);
  assert.deepEqual(
    inv.guests.map((g) => [g.vmid, g.status.status, g.status.template]),
    [
      [101, 'running', false],
      [102, 'stopped', false],
      [103, 'stopped', true],
      [200, 'running', false],
      [9000, 'stopped', true],
    ],
  );
  const ct = inv.guests[0];
  assert.deepEqual(ct.pending, [
    { key: 'features', change: 'set' },
    { key: 'nameserver', change: 'delete' },
  ]);
  assert.equal(ct.config.options.features, 'nesting=1');
  assert.equal(ct.config.options.nameserver, undefined);
  assert.deepEqual(ct.config.rawLxc, [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cap.drop', ''],
  ]);
  assert.deepEqual(
    ct.snapshots.map((s) => [s.name, s.parent, s.description]),
    [
      ['first', undefined, 'one line'],
      ['third', 'first', 'three'],
    ],
  );
  const vm = inv.guests[3];
  assert.deepEqual(vm.pending.map((p) => `${p.change} ${p.key}`).sort(), ['delete agent', 'set cores']);
  assert.equal(vm.config.options.description, 'line one\nline two');

  // After a restart the pending changes are applied; inventory follows.
  await d.stop('lxc', 101);
  await d.start('lxc', 101);
  await d.stop('qemu', 200);
  const after = await assertSame(d, calls);
  assert.deepEqual(after.guests[0].pending, []);
  assert.deepEqual(after.guests[3].pending, []);
  assert.equal(after.guests[3].status.status, 'stopped');
});

test('inventory: a VM cloud-init password is masked as qm config masks it; a lock left in a config shows', async () => {
  const { driver: d, calls } = await simDriver('masked');
  await d.create('qemu', 300, { name: 'ci', memory: 512, ciuser: 'admin', cipassword: 'hunter2', ide2: 'local-lvm:cloudinit' });
  await d.create('lxc', 301, { hostname: 'locked', rootfs: 'local-lvm:2' }, TEMPLATE);
  // A backup that died left its lock (written as Proxmox writes it).
  const conf = join(dir, 'masked', 'etc', 'pve', 'nodes', d.node, 'lxc', '301.conf');
  await writeFile(conf, `lock: backup\n${await readFile(conf, 'utf8')}`);
  const inv = await assertSame(d, calls);
  assert.equal(inv.guests[0].config.options.cipassword, '**********');
  assert.deepEqual(inv.guests[1].status, { vmid: 301, type: 'lxc', status: 'stopped', template: false, lock: 'backup' });
});

test("inventory: null when the config directories cannot be read or pvesh fails (the caller reads guest by guest); a guest /cluster/resources puts on another node is read from that node's directory", async () => {
  const { PveCliDriver } = await import('../../proxmox/cli/driver.js');
  const answer = (exitCode: number, stdout: string) => async (req: { argv: string[] }) => ({ argv: req.argv, exitCode, stdout, stderr: exitCode ? 'ipcc_send_rec[1] failed: Connection refused\n' : '', durationMs: 1, timedOut: false, isCanceled: false });
  const files = (readDir: () => Promise<Map<string, string> | null>) => ({ root: '/etc/pve', read: async () => null, write: async () => {}, remove: async () => {}, readDir });
  const unreadable = new PveCliDriver(answer(0, '[]'), { node: 'pve', hostFiles: files(async () => null) });
  const noPvesh = new PveCliDriver(answer(255, ''), { node: 'pve', hostFiles: files(async () => new Map([['101.conf', 'hostname: a\n']])) });
  const rows = '[{"id":"lxc/101","vmid":101,"node":"pve","type":"lxc","status":"running","template":0},{"id":"lxc/102","vmid":102,"node":"other","type":"lxc","status":"running"}]';
  const ok = new PveCliDriver(answer(0, rows), {
    node: 'pve',
    hostFiles: {
      ...files(async () => null),
      readDir: async (d: string) =>
        new Map(
          d === 'nodes/pve/lxc'
            ? [
                ['101.conf', 'hostname: a\n'],
                ['notes.txt.conf', ''],
              ]
            : d === 'nodes/other/lxc'
              ? [['102.conf', 'hostname: b\n']]
              : [],
        ),
    },
  });
  assert.equal(await unreadable.inventory(), null);
  assert.equal(await noPvesh.inventory(), null);
  assert.deepEqual(
    (await ok.inventory())?.guests.map((g) => [g.type, g.vmid, g.status.status, g.node]),
    [
      ['lxc', 101, 'running', 'pve'],
      ['lxc', 102, 'running', 'other'],
    ],
  );
});
