// Help and shell completion as a user sees them: every verb's --help lists its own options and the
// global ones; `sim --help` lists its subcommands; `completion bash` completes verbs, options and
// guest names; `init` writes a starter config that validates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCliCaptured } from './helpers/cli.js';
import { VERBS } from '../src/cli/main.js';

const hasZsh = (() => {
  try {
    execFileSync('zsh', ['-c', 'true']);
    return true;
  } catch {
    return false;
  }
})();

test("every verb's --help lists its own options and the global options", async () => {
  for (const v of VERBS) {
    const r = await runCliCaptured([v.name, '--help']);
    assert.equal(r.code, 0, v.name);
    assert.match(r.stdout, new RegExp(`^Usage: phoenix ${v.name}[| ]`, 'm'));
    assert.match(r.stdout, /^Global Options:\n(.*\n)*\s+-c, --config <path>/m, v.name);
    assert.match(r.stdout, /--dry-run/, v.name);
  }
  const stop = await runCliCaptured(['stop', '--help']);
  assert.match(stop.stdout, /--with-deps/);
  assert.match(stop.stdout, /-t, --tag <tag>/);
  assert.match(stop.stdout, /-x, --exclude <guest>/);
  assert.match(stop.stdout, /Guests are named by id \(210\), name \(docker-host\) or tag \(gpu\)\./);
});

test('phoenix sim --help lists its subcommands', async () => {
  const r = await runCliCaptured(['sim', '--help']);
  for (const sub of ['path', 'reset [--pve 8.4|9.1]', 'show', 'add-node NAME', 'add-storage ID --type', 'add-bridge NAME', 'add-template VOLID']) assert.ok(r.stdout.includes(`  ${sub}`), sub);
});

test('phoenix completion bash completes verbs, options, sim subcommands and guest names', async () => {
  const r = await runCliCaptured(['completion', 'bash']);
  assert.equal(r.code, 0);
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-completion-'));
  const script = join(dir, 'phoenix.bash');
  writeFileSync(script, r.stdout);
  // `phoenix` stands in for the real one: what `phoenix --json list` prints.
  const list = JSON.stringify(
    [
      { id: 210, kind: 'lxc', name: 'docker-host' },
      { id: 9100, kind: 'vm', name: 'apps-vm' },
    ],
    null,
    2,
  );
  const complete = (...words: string[]) =>
    execFileSync('bash', ['-c', `source "$1"; phoenix() { printf '%s\\n' '${list}'; }; COMP_WORDS=("\${@:2}"); COMP_CWORD=$(($# - 2)); _phoenix; printf '%s\\n' "\${COMPREPLY[@]}"`, 'x', script, 'phoenix', ...words], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .sort();
  assert.deepEqual(complete('con'), ['converge']);
  assert.deepEqual(complete('converge', '--ex'), ['--exclude']);
  assert.deepEqual(complete('sim', 'add-s'), ['add-storage']);
  assert.deepEqual(complete('plan', 'do'), ['docker-host']);
  assert.deepEqual(complete('stop', '9'), ['9100']);
  const z = await runCliCaptured(['completion', 'zsh']);
  assert.match(z.stdout, /^#compdef phoenix$/m);
  assert.match(z.stdout, /verbs=\(create converge plan /);
  if (hasZsh) {
    // compadd stands in for zsh's: what it would offer.
    const zscript = join(dir, '_phoenix');
    writeFileSync(zscript, z.stdout);
    const zcomplete = (...words: string[]) =>
      execFileSync('zsh', ['-c', `compdef() { :; }; source "$1"; phoenix() { printf '%s\n' '${list}'; }; compadd() { print -r -- "$*"; }; words=("\${@:2}"); CURRENT=$(($# - 1)); PREFIX="\${words[CURRENT]}"; _phoenix`, 'x', zscript, 'phoenix', ...words], { encoding: 'utf8' }).trim();
    assert.equal(zcomplete('plan', 'do'), '-- 210 docker-host 9100 apps-vm');
    assert.equal(zcomplete('sim', 'a'), 'path reset show add-node add-storage add-bridge add-template');
  }
  const bad = await runCliCaptured(['completion', 'fish']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no completion for shell "fish"/);
});

test('phoenix init writes a starter config (one CT, one VM) with $schema references that validates cleanly; never overwrites', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'phoenix-init-')), 'cfg');
  const r = await runCliCaptured(['init', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'phoenix_hypervisor_config.json', 'phoenix_lxc_configs.json', 'phoenix_vm_configs.json']);
  for (const f of ['phoenix_hypervisor_config.json', 'phoenix_lxc_configs.json', 'phoenix_vm_configs.json']) {
    const ref = JSON.parse(readFileSync(join(dir, f), 'utf8')).$schema as string;
    const schema = JSON.parse(readFileSync(resolve(dirname(join(dir, f)), ref), 'utf8'));
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', f);
  }
  const v = await runCliCaptured(['validate', '--config', dir], { env: { PHOENIX_CONFIG: undefined } });
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /^valid: 2 guests \(1 container, 1 VM\), 0 errors, 0 warnings in /m);
  const again = await runCliCaptured(['init', dir]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already has .*phoenix init overwrites nothing/);
});
