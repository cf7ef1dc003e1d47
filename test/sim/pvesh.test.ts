// The simulator's minimal pvesh: a storage's content as JSON, and download-url (no network: the
// file is registered), with the endpoint's schema and pve-storage's download_url checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simHarness } from '../helpers/sim.js';

const DL = '/nodes/pve/storage/local/download-url';
const URL = 'https://example.com/images/jammy.qcow2';

test('pvesh download-url registers the file once; an existing file is refused without a checksum, accepted with one', async () => {
  const h = simHarness();
  try {
    const out = await h.ok('pvesh', 'create', DL, '--url', URL, '--filename', 'jammy.qcow2', '--content', 'import');
    assert.equal(out, `downloading ${URL} to /var/lib/vz/import/jammy.qcow2\ndownload of '${URL}' to '/var/lib/vz/import/jammy.qcow2' finished\n`);
    const list = JSON.parse(await h.ok('pvesh', 'get', '/nodes/pve/storage/local/content', '--content', 'import', '--output-format', 'json')) as Array<{ volid: string }>;
    assert.ok(list.some((v) => v.volid === 'local:import/jammy.qcow2'));
    let r = await h.run('pvesh', 'create', DL, '--url', URL, '--filename', 'jammy.qcow2', '--content', 'import');
    assert.deepEqual([r.exitCode, r.stderr.split('\n').at(-2)], [255, "refusing to override existing file '/var/lib/vz/import/jammy.qcow2'"]);
    r = await h.run('pvesh', 'create', DL, '--url', URL, '--filename', 'jammy.qcow2', '--content', 'import', '--checksum', 'ab', '--checksum-algorithm', 'sha256');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /no need to download/);
  } finally {
    h.cleanup();
  }
});

test('pvesh download-url refuses what Proxmox refuses', async () => {
  const h = simHarness();
  try {
    const dl = (...a: string[]) => h.run('pvesh', 'create', DL, ...a);
    let r = await dl('--url', URL, '--filename', 'noble.img', '--content', 'import');
    assert.match(r.stderr, /^400 Parameter verification failed\.\nfilename: invalid filename or wrong extension\n/);
    r = await dl('--url', 'ftp://x/y.qcow2', '--filename', 'y.qcow2', '--content', 'import');
    assert.match(r.stderr, /^400 Parameter verification failed\.\nurl: value does not match the regex pattern\n/);
    r = await dl('--url', URL, '--filename', 'y.qcow2', '--content', 'import', '--checksum', 'ab');
    assert.match(r.stderr, /checksum-algorithm: missing property required by 'checksum'/);
    r = await dl('--url', URL, '--filename', 'y.qcow2');
    assert.match(r.stderr, /content: property is missing and it is not optional/);
    r = await h.run('pvesh', 'create', '/nodes/pve/storage/local-lvm/download-url', '--url', URL, '--filename', 'y.qcow2', '--content', 'import');
    assert.deepEqual([r.exitCode, r.stderr], [255, "can't upload to storage type 'lvmthin', not a file based storage!\n"]);
  } finally {
    h.cleanup();
  }
});

test('pvesh get /cluster/resources --type vm: every guest with status, template 0/1, lock, in string order of the vmids', async () => {
  const h = simHarness();
  try {
    const T = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
    await h.ok('pct', 'create', '101', T, '--hostname', 'web', '--rootfs', 'local-lvm:2', '--memory', '256');
    await h.ok('pct', 'start', '101');
    await h.ok('qm', 'create', '1000', '--name', 'tpl', '--memory', '512', '--cores', '2');
    await h.ok('qm', 'template', '1000');
    await h.ok('qm', 'create', '200', '--name', 'vm');
    const rows = JSON.parse(await h.ok('pvesh', 'get', '/cluster/resources', '--type', 'vm', '--output-format', 'json')) as Array<Record<string, unknown>>;
    assert.deepEqual(
      rows.map((r) => [r.id, r.vmid, r.node, r.type, r.status, r.name, r.template]),
      [
        ['qemu/1000', 1000, 'pve', 'qemu', 'stopped', 'tpl', 1],
        ['lxc/101', 101, 'pve', 'lxc', 'running', 'web', 0],
        ['qemu/200', 200, 'pve', 'qemu', 'stopped', 'vm', 0],
      ],
    );
    assert.deepEqual([rows[0].maxcpu, rows[0].maxmem, rows[1].maxmem], [2, 512 * 1048576, 256 * 1048576]);
    const r = await h.run('pvesh', 'get', '/cluster/resources', '--type', 'vms', '--output-format', 'json');
    assert.match(r.stderr, /^400 Parameter verification failed\.\ntype: value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'\n/);
  } finally {
    h.cleanup();
  }
});

test('pvesh get /nodes/NODE/storage, /network --type any_bridge, /status: storages, bridges and memory as the node sees them', async () => {
  const h = simHarness();
  try {
    const st = JSON.parse(await h.ok('pvesh', 'get', '/nodes/pve/storage', '--output-format', 'json')) as Array<Record<string, unknown>>;
    assert.deepEqual(
      st.map((s) => [s.storage, s.type, s.content, s.enabled, s.active, s.shared]),
      [
        ['local', 'dir', 'backup,import,iso,snippets,vztmpl', 1, 1, 0],
        ['local-lvm', 'lvmthin', 'images,rootdir', 1, 1, 0],
      ],
    );
    for (const s of st) assert.equal(s.avail, (s.total as number) - (s.used as number));
    const net = JSON.parse(await h.ok('pvesh', 'get', '/nodes/pve/network', '--type', 'any_bridge', '--output-format', 'json')) as Array<Record<string, unknown>>;
    assert.deepEqual(
      net.map((n) => [n.iface, n.type]),
      [['vmbr0', 'bridge']],
    );
    const node = JSON.parse(await h.ok('pvesh', 'get', '/nodes/pve/status', '--output-format', 'json')) as { memory: Record<string, number> };
    assert.equal(node.memory.total, 64 * 1024 ** 3);
    assert.equal(node.memory.free, node.memory.total - node.memory.used);
    const r = await h.run('pvesh', 'get', '/nodes/other/storage', '--output-format', 'json');
    assert.match(r.stderr, /hostname lookup 'other' failed/);
  } finally {
    h.cleanup();
  }
});
