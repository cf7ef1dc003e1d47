// Issue 9, item 11 (and `.phoenix` as a symlink): what runs inside a guest comes from the config
// directory or the built-ins, nowhere else. `application_script: "/etc/shadow"` used to be read,
// pushed into the guest, run and logged. An absolute path, a `..` escape or a symlink leading out
// of the config directory is refused by validate (located, exit 2) and by every verb before
// anything runs; so is a user feature whose directory or files lead out of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace, type Workspace } from '../helpers/built-cli.js';

const lxc = (over: Record<string, unknown>) => ({ 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig(over) } } });

async function refused(w: Workspace, path: string, message: RegExp) {
  const v = await w.run(['--json', 'validate']);
  assert.equal(v.code, 2, v.out);
  const diags = JSON.parse(v.stdout) as Array<{ severity: string; path: string; message: string; line?: number }>;
  const hit = diags.find((d) => d.severity === 'error' && d.path === path && message.test(d.message));
  assert.ok(hit, `no error at ${path} matching ${message}:\n${v.stdout}`);
  assert.equal(typeof hit.line, 'number');
  const log = join(w.root, 'calls.jsonl');
  const up = await w.run(['up'], { env: { PHOENIX_SIM_LOG: log } });
  assert.deepEqual(crashLines(up.out), [], up.out);
  assert.equal(up.code, 2, up.out);
  assert.ok(!existsSync(log), `up made Proxmox calls:\n${up.out}`);
  assert.doesNotMatch(up.out, /root:[^\n]*:\d+:/, 'the content of /etc/shadow was printed');
}

test('application_script "/etc/shadow" (absolute) is refused: located validate error, up runs nothing', { skip: NO_CLI }, async (t) => {
  const w = workspace('appabs', lxc({ application_script: '/etc/shadow' }));
  t.after(w.cleanup);
  await refused(w, 'lxc_configs."300".application_script', /inside the config directory/);
});

test('application_script "../x.sh" and "scripts/../../x.sh" (.. escapes) are refused', { skip: NO_CLI }, async (t) => {
  for (const p of ['../outside.sh', 'scripts/../../outside.sh']) {
    const w = workspace('appdots', lxc({ application_script: p }));
    writeFileSync(join(w.root, 'outside.sh'), '#!/bin/sh\necho escaped\n');
    try {
      await refused(w, 'lxc_configs."300".application_script', /inside the config directory/);
    } finally {
      w.cleanup();
    }
  }
});

test('application_script through a symlink leading out of the config directory is refused', { skip: NO_CLI }, async (t) => {
  const w = workspace('applink', lxc({ application_script: 'app.sh' }));
  t.after(w.cleanup);
  mkdirSync(join(w.config, 'scripts'));
  symlinkSync('/etc/shadow', join(w.config, 'scripts', 'app.sh'));
  await refused(w, 'lxc_configs."300".application_script', /leads out of the config directory/);
});

test('a user feature whose directory or install.sh is a symlink out of the config directory is refused', { skip: NO_CLI }, async (t) => {
  for (const how of ['dir', 'script']) {
    const w = workspace(`feat${how}`, lxc({ features: ['evil'] }));
    try {
      const outside = join(w.root, 'outside-feature');
      mkdirSync(outside);
      writeFileSync(join(outside, 'manifest.json'), JSON.stringify({ name: 'evil', description: 'x', kinds: ['lxc'], requires: [], inputs: [], timeoutSec: 60 }));
      writeFileSync(join(outside, 'install.sh'), '#!/bin/sh\necho from outside\n');
      mkdirSync(join(w.config, 'features'));
      if (how === 'dir') symlinkSync(outside, join(w.config, 'features', 'evil'));
      else {
        mkdirSync(join(w.config, 'features', 'evil'));
        writeFileSync(join(w.config, 'features', 'evil', 'manifest.json'), JSON.stringify({ name: 'evil', description: 'x', kinds: ['lxc'], requires: [], inputs: [], timeoutSec: 60 }));
        symlinkSync('/etc/shadow', join(w.config, 'features', 'evil', 'install.sh'));
      }
      await refused(w, 'lxc_configs."300".features[0]', /leads out of the config directory/);
    } finally {
      w.cleanup();
    }
  }
});

test('an application script inside the config directory (also through a symlink inside it) still runs', { skip: NO_CLI }, async (t) => {
  const w = workspace('appok', lxc({ application_script: 'app.sh' }));
  t.after(w.cleanup);
  mkdirSync(join(w.config, 'scripts'));
  writeFileSync(join(w.config, 'real.sh'), '#!/bin/sh\necho ok\n');
  symlinkSync('../real.sh', join(w.config, 'scripts', 'app.sh'));
  const v = await w.run(['validate']);
  assert.equal(v.code, 0, v.out);
});
