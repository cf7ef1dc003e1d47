import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fsHostFiles } from './fs.js';
import { readRawLxc, replaceRawLxc } from './lxc-raw.js';

test('fsHostFiles: read missing is null, write creates dirs atomically, remove is idempotent', async () => {
  const root = await mkdtemp(join(tmpdir(), 'phx-hf-'));
  try {
    const hf = fsHostFiles(join(root, 'etc/pve'));
    assert.equal(await hf.read('firewall/101.fw'), null);
    await hf.write('firewall/101.fw', 'a\n');
    await hf.write('firewall/101.fw', 'b\n');
    assert.equal(await hf.read('firewall/101.fw'), 'b\n');
    assert.deepEqual(await readdir(join(root, 'etc/pve/firewall')), ['101.fw']); // no temp files left
    await hf.remove('firewall/101.fw');
    await hf.remove('firewall/101.fw');
    assert.equal(await hf.read('firewall/101.fw'), null);
    await assert.rejects(hf.read('../../etc/passwd'), /escapes/);
    await assert.rejects(hf.write('/etc/passwd', 'x'), /escapes/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

const CONF = `#web server%3A front
arch: amd64
cores: 2
hostname: web
lxc.apparmor.profile: unconfined
memory: 512
lxc.cgroup2.devices.allow: a
parent: snap1

[pve:pending]
memory: 1024

[snap1]
arch: amd64
hostname: web
lxc.apparmor.profile: unconfined
snaptime: 1700000000
`;

test('readRawLxc: main section only, file order', () => {
  assert.deepEqual(readRawLxc(CONF), [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cgroup2.devices.allow', 'a'],
  ]);
});

test('replaceRawLxc: option lines, comments, pending and snapshot sections stay intact', () => {
  const out = replaceRawLxc(CONF, [
    ['lxc.mount.entry', '/dev/nvidia0 dev/nvidia0 none bind,optional,create=file'],
    ['lxc.cap.drop', ''],
  ]);
  assert.equal(
    out,
    `#web server%3A front
arch: amd64
cores: 2
hostname: web
memory: 512
parent: snap1
lxc.mount.entry: /dev/nvidia0 dev/nvidia0 none bind,optional,create=file
lxc.cap.drop: 

[pve:pending]
memory: 1024

[snap1]
arch: amd64
hostname: web
lxc.apparmor.profile: unconfined
snaptime: 1700000000
`,
  );
  // Idempotent: applying the same entries again changes nothing.
  assert.equal(
    replaceRawLxc(out, [
      ['lxc.mount.entry', '/dev/nvidia0 dev/nvidia0 none bind,optional,create=file'],
      ['lxc.cap.drop', ''],
    ]),
    out,
  );
  // Removing all raw lines.
  assert.deepEqual(readRawLxc(replaceRawLxc(out, [])), []);
});

test('replaceRawLxc: a file without sections or final newline, and refused keys', () => {
  assert.equal(replaceRawLxc('arch: amd64', [['lxc.a', '1']]), 'arch: amd64\nlxc.a: 1');
  assert.throws(() => replaceRawLxc('', [['memory', '1']]), /not a raw lxc key/);
  assert.throws(() => replaceRawLxc('', [['lxc.a', '1\n[x]']]), /line break/);
});
