// The SSH transport, tested with a fake `ssh` on PATH that records its argv and runs the remote
// command locally with `sh -c` (as sshd hands it to the user's shell): what OpenSSH would be asked
// (batch mode, checked host keys, connection reuse, the destination after `--`), that every
// argument survives the remote shell's re-parsing byte for byte, and a container's exec and push
// through the API driver's node access going over it to `pct` (the simulator's shim on PATH).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { selectDriver } from '../../src/app/drivers/select.js';
import { checkDestination, remoteCommand, remoteHostFiles, shQuote, sshExec } from '../../src/proxmox/exec/ssh.js';
import { runCliCaptured } from '../helpers/cli.js';
import { simApi, type SimApiFixture } from './sim-api.js';

const HOSTILE = ['plain', 'a b', '', "it's", '"dq"', '$(id -u)', '`id`', '$HOME', 'x;rm -rf /', 'tab\there', 'new\nline', 'back\\slash', '*', '-n', 'ünï', "'", "''", '\\', '!', '{a,b}', '~root'];

let dir: string;
let bin: string;
let log: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'phx-ssh-'));
  bin = join(dir, 'bin');
  log = join(dir, 'log');
  execFileSync('mkdir', ['-p', bin, log]);
  // The fake: every argv to a file (NUL-separated), then the last argument run by sh, as sshd does.
  writeFileSync(join(bin, 'ssh'), '#!/bin/sh\nf="$FAKE_SSH_LOG/$(date +%s%N).$$"\nfor a in "$@"; do printf \'%s\\0\' "$a" >> "$f"; done\neval "last=\\${$#}"\nexec sh -c "$last"\n');
  chmodSync(join(bin, 'ssh'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const calls = (): string[][] =>
  readdirSync(log)
    .sort()
    .map((f) => readFileSync(join(log, f), 'utf8').split('\0').slice(0, -1));
const env = () => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_SSH_LOG: log, PHOENIX_SSH_CONTROL_DIR: join(dir, 'ctl') });

test('shQuote: every hostile argument comes back unchanged from sh', () => {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${HOSTILE.map(shQuote).join(' ')}`]).toString('utf8');
  assert.deepEqual(out.split('\0').slice(0, -1), HOSTILE);
  assert.throws(() => shQuote('nul\0byte'), /NUL/);
  assert.equal(remoteCommand(['pct', 'exec', '101', '--', 'echo', 'a b'], { A: '$(x)' }), "env 'A=$(x)' pct exec 101 -- echo 'a b'");
});

test('ssh argv: batch mode, strict host keys, ControlMaster reuse, destination after --, quoted command', async () => {
  const exec = sshExec({ destination: 'root@pve2', env: env() });
  const r = await exec({ argv: ['printf', '%s|', ...HOSTILE] });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, HOSTILE.map((h) => `${h}|`).join(''), 'the remote shell saw exactly our arguments');
  assert.deepEqual(r.argv, ['printf', '%s|', ...HOSTILE], 'the result names the remote argv');
  const [argv] = calls();
  const opts = argv.slice(0, argv.indexOf('--'));
  for (const o of ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ControlMaster=auto', 'ControlPersist=60', `ControlPath=${join(dir, 'ctl')}/%C`]) {
    assert.ok(opts.includes(o), `${o} in ${opts.join(' ')}`);
  }
  assert.deepEqual(argv.slice(argv.indexOf('--') + 1), ['root@pve2', remoteCommand(['printf', '%s|', ...HOSTILE])]);
  // stdin reaches the remote command; its exit code comes back.
  const s = await exec({ argv: ['sh', '-c', 'cat; exit 7'], input: 'in' });
  assert.deepEqual([s.exitCode, s.stdout], [7, 'in']);
});

test("ssh's own failure (an unknown host key) is thrown with its message, not taken for the command's exit 255", async () => {
  const failing = join(dir, 'bin-fail');
  execFileSync('mkdir', ['-p', failing]);
  writeFileSync(join(failing, 'ssh'), '#!/bin/sh\necho "No ED25519 host key is known for pve9 and you have requested strict checking." >&2\necho "Host key verification failed." >&2\nexit 255\n');
  chmodSync(join(failing, 'ssh'), 0o755);
  const exec = sshExec({ destination: 'pve9', env: { ...env(), PATH: `${failing}:${process.env.PATH}` } });
  await assert.rejects(exec({ argv: ['true'] }), (e: Error) => e.name === 'PveCommandError' && /ssh pve9: No ED25519 host key is known for pve9/.test(e.message));
  // A remote command that itself exits 255 is still its result.
  const r = await sshExec({ destination: 'pve2', env: env() })({ argv: ['sh', '-c', 'echo boom >&2; exit 255'] });
  assert.deepEqual([r.exitCode, r.stderr], [255, 'boom\n']);
});

test('a destination that could be an option or carries shell syntax is refused', () => {
  for (const bad of ['-oProxyCommand=x', 'root@host;id', 'a b', '', 'host:22', '$(id)']) assert.throws(() => checkDestination(bad), /not an SSH destination/, bad);
  for (const ok of ['pve2', 'root@pve2.lan', 'root@[fe80::1]', 'ops_1@10.0.0.2']) assert.equal(checkDestination(ok), ok);
});

test('the node files over SSH: read (missing → null), atomic write, remove; paths confined', async () => {
  const root = join(dir, 'etc-pve');
  const hf = remoteHostFiles(sshExec({ destination: 'pve2', env: env() }), 'pve2', root);
  assert.equal(await hf.read('firewall/101.fw'), null);
  await hf.write('firewall/101.fw', "[OPTIONS]\nenable: 1\n# it's $(id)\n");
  assert.equal(readFileSync(join(root, 'firewall', '101.fw'), 'utf8'), "[OPTIONS]\nenable: 1\n# it's $(id)\n");
  assert.equal(await hf.read('firewall/101.fw'), "[OPTIONS]\nenable: 1\n# it's $(id)\n");
  assert.deepEqual(readdirSync(join(root, 'firewall')), ['101.fw'], 'no temp file left');
  writeFileSync(join(root, 'firewall', "odd name's $(x).fw"), 'b\n\n');
  writeFileSync(join(root, 'firewall', 'skip.txt'), 'no');
  assert.deepEqual(
    await hf.readDir('firewall', '.fw'),
    new Map([
      ['101.fw', "[OPTIONS]\nenable: 1\n# it's $(id)\n"],
      ["odd name's $(x).fw", 'b\n\n'],
    ]),
  );
  assert.equal(await hf.readDir('nope', '.conf'), null);
  rmSync(join(root, 'firewall', "odd name's $(x).fw"));
  rmSync(join(root, 'firewall', 'skip.txt'));
  await hf.remove('firewall/101.fw');
  assert.equal(existsSync(join(root, 'firewall', '101.fw')), false);
  await assert.rejects(hf.read('../shadow'), /escapes/);
});

const SIM_CLI = join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js');
let f: SimApiFixture | undefined;
after(() => f?.close());

test('--driver api with PHOENIX_NODE_SSH: a container command and a pushed file go over SSH to pct on the node', { skip: !existsSync(SIM_CLI) && 'needs dist/sim-cli.js (npm test builds it)' }, async () => {
  f = await simApi();
  const p = await runCliCaptured(['sim', 'path'], { env: { ...process.env, PHOENIX_SIM_STATE: f.state }, cwd: f.root });
  assert.equal(p.code, 0, p.stderr);
  const e = { ...env(), ...f.env, PHOENIX_API_SIM_STATE: undefined, PATH: `${bin}:${p.stdout.trim()}:${process.env.PATH}` };
  const s = await selectDriver({ driver: 'api', env: e, configDir: f.root, readOnly: false, api: { nodeSsh: 'root@pve' } });
  const d = s.driver;
  await d.create('lxc', 501, { hostname: 'over-ssh', rootfs: 'local-lvm:2', unprivileged: true }, 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst');
  await d.start('lxc', 501);
  const before = calls().length;
  const r = await d.exec('lxc', 501, ['sh', '-c', 'printf "%s" "$1"', 'sh', "it's $(not run)"]);
  assert.deepEqual(r, { exitCode: 0, stdout: "it's $(not run)", stderr: '' });
  const file = join(dir, 'payload');
  writeFileSync(file, 'pushed over ssh\n');
  await d.push('lxc', 501, file, '/root/payload', { perms: '0600' });
  assert.equal((await d.exec('lxc', 501, ['cat', '/root/payload'])).stdout, 'pushed over ssh\n');
  const sent = calls()
    .slice(before)
    .map((a) => a[a.length - 1]);
  assert.ok(
    sent.some((c) => /^pct exec 501 -- sh -c /.test(c)),
    sent.join('\n'),
  );
  assert.ok(
    sent.some((c) => /^pct push 501 \/tmp\/phoenix-push\.\w+ \/root\/payload --perms 0600$/.test(c)),
    sent.join('\n'),
  );
  assert.ok(
    sent.some((c) => /^rm -f -- \/tmp\/phoenix-push\.\w+$/.test(c)),
    'the staged copy is removed',
  );
});
