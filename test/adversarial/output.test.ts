// Issue 9, "also": a feature printing more than ~512 MB crashed Phoenix (its output was kept whole
// in memory, and a JS string cannot hold it) and a 200 MB log is too much anyway. What a command
// prints is now capped: the last 1 MiB of each stream is kept in memory and in the log, after a
// line saying how much was dropped (the tail is where a failing script says why). And what a
// guest prints reaches the terminal with its control characters escaped, never obeyed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const manifest = (name: string) => JSON.stringify({ name, description: name, kinds: ['lxc'], requires: [], inputs: [], timeoutSec: 600 });

function feature(dir: string, name: string, script: string) {
  mkdirSync(join(dir, 'features', name), { recursive: true });
  writeFileSync(join(dir, 'features', name, 'manifest.json'), manifest(name));
  writeFileSync(join(dir, 'features', name, 'install.sh'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
}

/** The guest's log of the converge phase (`up` also makes a run directory for its boot phase). */
function guestLog(config: string, id: number): string {
  const runs = join(config, '.phoenix', 'logs');
  const dir = readdirSync(runs)
    .sort()
    .find((d) => existsSync(join(runs, d, `${id}.log`)))!;
  return join(runs, dir, `${id}.log`);
}

test('a feature printing 600 MB: no crash, the log keeps the last 1 MiB and says what was dropped', { skip: NO_CLI, timeout: 240_000 }, async (t) => {
  const w = workspace('bigout', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ features: ['big'] }) } } });
  t.after(w.cleanup);
  feature(w.config, 'big', "head -c 629145600 /dev/zero | tr '\\\\0' x\necho\necho the-last-line-of-the-script");
  const r = await w.run(['up'], { timeoutMs: 220_000 });
  assert.deepEqual(crashLines(r.out), [], r.out.slice(-3000));
  assert.equal(r.code, 0, r.out.slice(-3000));
  const log = guestLog(w.config, 300);
  const size = statSync(log).size;
  assert.ok(size < 2 * 1024 * 1024, `the guest log is ${size} bytes`);
  const text = readFileSync(log, 'utf8');
  assert.match(text, /\[phoenix: \d+ bytes of earlier output not kept; the last 10\d{5} bytes follow\]/);
  assert.match(text, /the-last-line-of-the-script/);
});

test("control characters in what a guest prints are escaped on the terminal (a failing feature's tail, the error)", { skip: NO_CLI }, async (t) => {
  const w = workspace('escout', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ features: ['noisy'] }) } } });
  t.after(w.cleanup);
  feature(w.config, 'noisy', "printf 'progress\\r\\033[2J\\033]0;owned\\007 \\302\\233 done\\n'\nexit 3");
  const r = await w.run(['up']);
  assert.equal(r.code, 1, r.out);
  assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'a raw control character reached the terminal');
  assert.match(r.out, /\\e\[2J/);
});

test('control characters in what Proxmox holds are escaped in a plan (a mount point path set by hand)', { skip: NO_CLI }, async (t) => {
  const w = workspace('escplan', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig() } } });
  t.after(w.cleanup);
  assert.equal((await w.run(['up'])).code, 0);
  const { execFileSync } = await import('node:child_process');
  const { runBuilt } = await import('../helpers/built-cli.js');
  const bin = (await runBuilt(['sim', 'path', '--config', w.config], { cwd: w.root, env: w.env })).stdout.trim();
  // Proxmox accepts an ESC in a mount path (only a newline breaks a property string).
  execFileSync(join(bin, 'pct'), ['set', '300', '--mp1', 'local-lvm:1,mp=/x\u001b[2Jy'], { env: { ...process.env, ...w.env }, stdio: 'ignore' });
  const r = await w.run(['plan']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /mp1 \(\/x\\e\[2Jy\)/);
  assert.doesNotMatch(r.out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
});
