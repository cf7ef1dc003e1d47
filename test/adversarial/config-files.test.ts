// Issue 9, "also": what sits in a config file's place. A FIFO used to hang every verb; a
// directory or a broken symlink was reported as "does not exist" and the run went on without
// those guests (exit 0). Each is now named for what it is, exit 2, nothing run. And `.phoenix`
// (Phoenix's state: logs, markers) as a symlink is refused rather than followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const LXC = 'phoenix_lxc_configs.json';
const hyp = { 'phoenix_hypervisor_config.json': { domain_name: 'home.arpa' } };

for (const [what, make, says] of [
  ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /named pipe \(FIFO\)/],
  ['a directory', (p: string) => mkdirSync(p), /is a directory/],
  ['a broken symlink', (p: string) => symlinkSync('/nonexistent/lxc.json', p), /broken symbolic link \(to \/nonexistent\/lxc\.json/],
] as const) {
  test(`${what} in place of ${LXC}: every verb says what it is, exit 2, runs nothing`, { skip: NO_CLI }, async (t) => {
    const w = workspace('cfgkind', hyp);
    t.after(w.cleanup);
    make(join(w.config, LXC));
    const log = join(w.root, 'calls.jsonl');
    for (const verb of ['validate', 'up', 'status', 'plan', 'list']) {
      const r = await w.run([verb], { env: { PHOENIX_SIM_LOG: log }, timeoutMs: 20_000 });
      assert.doesNotMatch(r.stderr, /killed after/, `${verb} hung`);
      assert.deepEqual(crashLines(r.out), [], r.out);
      assert.equal(r.code, 2, `${verb}: exit ${r.code}\n${r.out}`);
      assert.match(r.out, new RegExp(`${LXC}.*`), verb);
      assert.match(r.out, says, verb);
      assert.ok(!existsSync(log), `${verb} made Proxmox calls`);
    }
    // Also when it is named with --config (a directory named so is taken as a config directory).
    const r = await runNamed(w.root, join(w.config, LXC), w.env);
    assert.equal(r.code, 2, r.out);
    assert.doesNotMatch(r.stderr, /killed after/);
    if (what !== 'a directory') assert.match(r.out, says);
  });
}

async function runNamed(cwd: string, file: string, env: Record<string, string | undefined>) {
  const { runBuilt } = await import('../helpers/built-cli.js');
  return runBuilt(['validate', '--config', file], { cwd, env, timeoutMs: 20_000 });
}

test('.phoenix as a symlink is refused (exit 2, said so), not followed', { skip: NO_CLI }, async (t) => {
  const w = workspace('dotlink', { [LXC]: { lxc_configs: { 300: ctConfig() } } });
  t.after(w.cleanup);
  const elsewhere = join(w.root, 'elsewhere');
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(w.config, '.phoenix'));
  for (const verb of ['up', 'converge', 'start 300', 'status', 'plan']) {
    const r = await w.run(verb.split(' '));
    assert.deepEqual(crashLines(r.out), [], r.out);
    assert.equal(r.code, 2, `${verb}: exit ${r.code}\n${r.out}`);
    assert.match(r.stderr, /\.phoenix is a symbolic link/, verb);
    assert.deepEqual(readdirSync(elsewhere), [], `${verb} wrote through the link`);
  }
  rmSync(join(w.config, '.phoenix'));
  assert.equal((await w.run(['validate'])).code, 0);
});
