// Issue 9, "also": `lxc.hook.*` lines in lxc_options run commands on the Proxmox host as root.
// They are accepted only with "allow_lxc_hooks": true on the container, with a warning, and the
// same for every spelling (lxc.hook.pre-start, lxc.hook.pre_start, lxc.Hook.Mount, `=` or `:`).
// A dashed key used to be refused as "not a raw LXC setting" while the undashed one went through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const HOOKS = ['lxc.hook.pre-start=/usr/local/bin/evil', 'lxc.hook.pre_start: /usr/local/bin/evil', 'lxc.Hook.Mount = /usr/local/bin/evil', 'lxc.hook.post-stop=/usr/local/bin/evil'];

test('lxc.hook.* in lxc_options without allow_lxc_hooks: a located error for every spelling, up runs nothing', { skip: NO_CLI }, async (t) => {
  const w = workspace('hooks', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ lxc_options: ['lxc.apparmor.profile=unconfined', ...HOOKS] }) } } });
  t.after(w.cleanup);
  const v = await w.run(['--json', 'validate']);
  assert.equal(v.code, 2, v.out);
  const errs = (JSON.parse(v.stdout) as Array<{ severity: string; path: string; message: string }>).filter((d) => d.severity === 'error');
  assert.deepEqual(
    errs.map((d) => d.path),
    HOOKS.map((_, i) => `lxc_configs."300".lxc_options[${i + 1}]`),
  );
  for (const d of errs) assert.match(d.message, /runs a command on the Proxmox host as root; set "allow_lxc_hooks": true/);
  const log = join(w.root, 'calls.jsonl');
  const up = await w.run(['up'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(up.code, 2, up.out);
  assert.ok(!existsSync(log));
});

test('with "allow_lxc_hooks": true the hook lines are written, each with a warning', { skip: NO_CLI }, async (t) => {
  const w = workspace('hooksok', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig({ allow_lxc_hooks: true, lxc_options: ['lxc.hook.pre-start=/bin/true', 'lxc.hook.post_stop: /bin/true'] }) } } });
  t.after(w.cleanup);
  const v = await w.run(['--json', 'validate']);
  assert.equal(v.code, 0, v.out);
  const warns = (JSON.parse(v.stdout) as Array<{ severity: string; path: string; message: string }>).filter((d) => d.severity === 'warning' && /on the Proxmox host as root/.test(d.message));
  assert.deepEqual(
    warns.map((d) => d.path),
    ['lxc_configs."300".lxc_options[0]', 'lxc_configs."300".lxc_options[1]'],
  );
  const up = await w.run(['up']);
  assert.equal(up.code, 0, up.out);
  const conf = readFileSync(join(w.state, 'etc/pve/nodes/pve/lxc/300.conf'), 'utf8');
  assert.match(conf, /^lxc\.hook\.pre-start: \/bin\/true$/m);
  assert.match(conf, /^lxc\.hook\.post_stop: \/bin\/true$/m);
});
