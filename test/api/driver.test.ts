// The REST API driver against the simulator's API front-end (src/sim/api): what Proxmox received
// (every request checked against apidata-pve9.1.js), the resulting guest state, and how failures
// read. Containers' exec and raw lines go to the node (here the simulator's, in-process).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { selectDriver } from '../../src/app/drivers/select.js';
import type { ProxmoxDriver } from '../../src/proxmox/driver.js';
import { isAlreadyExists, PveCommandError } from '../../src/proxmox/errors.js';
import { FILE_WRITE_MAX_CHARS } from '../../src/proxmox/api/driver.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { schemaProblems, simApi, type SimApiFixture } from './sim-api.js';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
let f: SimApiFixture;
let d: ProxmoxDriver;
const warnings: string[][] = [];

before(async () => {
  f = await simApi({ faults: [{ method: 'POST', path: /\/lxc\/301\/status\/start$/, status: 596, reason: 'Connection timed out', times: 2 }] });
  const s = await selectDriver({ driver: 'api', env: { ...process.env, ...f.env }, configDir: f.root, readOnly: false, api: { retryDelaysMs: [1, 1, 1] }, onWarnings: (w) => warnings.push(w.warnings.lines) });
  assert.equal(s.kind, 'api');
  d = s.driver;
});
after(() => f?.close());

test('api: create, start (after two 596 answers), config, snapshots and list, as over pct', async () => {
  assert.equal(d.node, 'pve');
  assert.equal(await d.status('lxc', 301), null);
  await d.create('lxc', 301, { hostname: 'web', memory: 512, rootfs: 'local-lvm:4', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', unprivileged: true }, TEMPLATE);
  await d.start('lxc', 301);
  const starts = f.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/lxc/301/status/start')).map((r) => r.status);
  assert.deepEqual(starts, [596, 596, 200], 'the dispatch is retried on 596, and only the dispatch');
  await d.start('lxc', 301); // already running: success, as with pct
  assert.deepEqual(await d.status('lxc', 301), { vmid: 301, type: 'lxc', status: 'running', template: false });
  const c = await d.config('lxc', 301);
  assert.equal(c?.options.hostname, 'web');
  assert.equal(c?.options.memory, '512');
  assert.match(c?.options.rootfs ?? '', /^local-lvm:vm-301-disk-0,size=4G$/);
  await d.set('lxc', 301, { memory: 640 }, ['swap']);
  assert.equal((await d.config('lxc', 301))?.options.memory, '640');
  await d.snapshot('lxc', 301, 'pre', 'before: features');
  await d.snapshot('lxc', 301, 'post');
  assert.deepEqual(
    (await d.listSnapshots('lxc', 301)).map((s) => [s.name, s.parent, s.description]),
    [
      ['pre', undefined, 'before: features'],
      ['post', 'pre', undefined],
    ],
  );
  assert.deepEqual(await d.list(), [{ vmid: 301, type: 'lxc', name: 'web', status: 'running' }]);
  assert.equal((await d.hostVersion()).major, 9);
});

test('api: a failing task is reported with its exit status and the end of its log', async () => {
  const e = await d.create('lxc', 301, { hostname: 'again', rootfs: 'local-lvm:4' }, TEMPLATE).then(
    () => assert.fail('a second create of 301 must fail'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof PveCommandError, String(e));
  assert.ok(isAlreadyExists(e), 'classified like the CLI error');
  assert.match(e.message, /^api POST \/nodes\/pve\/lxc: .*CT 301 already exists on node 'pve'/);
  assert.match(e.stderr, /CT 301 already exists/);
});

test('api: a container command and raw lxc lines go to the node; a VM command through the guest agent', async () => {
  const r = await d.exec('lxc', 301, ['sh', '-c', 'cat; printf "%s\\n" "$A"; exit 3'], { input: 'in\n', env: { A: '$(id)' } });
  assert.deepEqual(r, { exitCode: 3, stdout: 'in\n$(id)\n', stderr: '' });
  await d.setRawLxc(301, [['lxc.apparmor.profile', 'unconfined']]);
  assert.deepEqual((await d.config('lxc', 301))?.rawLxc, [['lxc.apparmor.profile', 'unconfined']]);

  await d.create('qemu', 302, { name: 'vm', memory: 1024, agent: 'enabled=1', scsi0: 'local-lvm:4', net0: 'virtio,bridge=vmbr0' });
  await d.set('qemu', 302, { memory: 1536, sshkeys: encodeURIComponent('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBkTe3Jd0h1nYl1fRk3Kj6CqYDb1gtWvUu7ioQnZv1M1 ops@lab\n') });
  const vc = await d.config('qemu', 302);
  assert.equal(vc?.options.memory, '1536');
  assert.match(decodeURIComponent(vc?.options.sshkeys ?? ''), /^ssh-ed25519 AAAA\S+ ops@lab/);
  assert.ok(
    f.requests.some((r) => r.method === 'POST' && r.path === '/nodes/pve/qemu/302/config'),
    "a VM's config goes by POST (a task)",
  );
  await d.start('qemu', 302);
  assert.equal(await d.agentPing(302), true);
  const v = await d.exec('qemu', 302, ['sh', '-c', 'echo hi; echo oops >&2; exit 4']);
  assert.deepEqual(v, { exitCode: 4, stdout: 'hi\n', stderr: 'oops\n' });
});

test('api: a file larger than one agent file-write goes in chunks under the limit and arrives whole', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'phx-push-')), 'big');
  const text = Array.from({ length: 2500 }, (_, i) => `line ${i} ${'x'.repeat(40)}\n`).join(''); // ~120 KB
  writeFileSync(file, text);
  const before = f.requests.length;
  await d.push('qemu', 302, file, '/root/big.txt', { perms: '0600' });
  const writes = f.requests.slice(before).filter((r) => r.path.endsWith('/agent/file-write'));
  assert.equal(writes.length, 3, 'three chunks');
  assert.ok(writes.every((w) => String(w.params.content).length <= FILE_WRITE_MAX_CHARS));
  const r = await d.exec('qemu', 302, ['sh', '-c', 'wc -c < /root/big.txt; stat -c %a /root/big.txt; ls /root | grep -c phoenix-part || true']);
  assert.deepEqual(
    r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    [String(Buffer.byteLength(text)), '600', '0'],
  );
  assert.equal((await d.exec('qemu', 302, ['cat', '/root/big.txt'])).stdout, text);
});

test('api: the addresses a DHCP guest holds: a CT from /lxc/{vmid}/interfaces, a VM from its agent; null while stopped', async () => {
  await d.create('lxc', 303, { hostname: 'dh', rootfs: 'local-lvm:4', memory: 512, net0: 'name=eth0,bridge=vmbr0,ip=dhcp' }, TEMPLATE);
  assert.equal(await d.addresses('lxc', 303), null);
  await d.start('lxc', 303);
  const ct = await d.addresses('lxc', 303);
  assert.deepEqual(
    ct?.map((a) => [a.iface, a.family, /^10\.250\./.test(a.address), a.prefix]),
    [['eth0', 4, true, 16]],
  );
  await d.create('qemu', 304, { name: 'dv', memory: 1024, agent: '1', scsi0: 'local-lvm:4', net0: 'virtio,bridge=vmbr0', ipconfig0: 'ip=dhcp' });
  assert.equal(await d.addresses('qemu', 304), null);
  await d.start('qemu', 304);
  const vm = await d.addresses('qemu', 304);
  assert.deepEqual(
    vm?.map((a) => [a.iface, a.family, /^10\.250\./.test(a.address)]),
    [['eth0', 4, true]],
  );
  assert.ok(f.requests.some((r) => r.method === 'GET' && r.path === '/nodes/pve/qemu/304/agent/network-get-interfaces'));
});

test('every request the API driver sent is valid per apidata-pve9.1.js', { skip: !haveApiSchemas() && 'needs ../shared/pve/apidata-pve9.1.js and 8.4 (absent)' }, () => {
  assert.ok(f.requests.length > 20);
  assert.deepEqual(schemaProblems(f.requests), []);
});
