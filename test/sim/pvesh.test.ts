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
