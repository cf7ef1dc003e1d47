// `null` where the config wants an object (issue 9, item 7): a VM file that is `null`, and null
// items in mount_points / zfs_volumes / volumes, exit 2 with a located error for every verb —
// no stack trace, no exit 1. The built CLI runs as a child process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editConfig, skip, workspace, type Workspace } from './cli.js';

const VERBS = [['validate'], ['plan'], ['up', '--yes'], ['status'], ['graph'], ['list'], ['start', '200'], ['health-check', '200'], ['delete', '200', '--yes']];

async function everyVerbExits2(w: Workspace, where: RegExp): Promise<void> {
  for (const verb of VERBS) {
    const r = await w.run(verb);
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.code, 2, `${verb.join(' ')}: exit ${r.code}\n${out}`);
    assert.doesNotMatch(out, /internal error|\n\s+at .*:\d+:\d+/, `${verb.join(' ')}: a stack trace`);
    assert.match(out, where, `${verb.join(' ')}: not located`);
  }
}

test('a VM file that is null: every verb exits 2 naming the file, line and column', { skip }, async (t) => {
  const w = workspace('null-vmfile');
  t.after(w.cleanup);
  writeFileSync(join(w.config, 'phoenix_vm_configs.json'), 'null\n');
  await everyVerbExits2(w, /phoenix_vm_configs\.json:1:1: expected an object, got null/);
});

const ITEMS: Array<[string, string, (doc: any) => void, RegExp]> = [
  ['mount_points', 'phoenix_lxc_configs.json', (d) => (d.lxc_configs['210'].mount_points = [null]), /phoenix_lxc_configs\.json:\d+:\d+: lxc_configs\."210"\.mount_points\[0\]: .*got null/],
  ['zfs_volumes', 'phoenix_lxc_configs.json', (d) => (d.lxc_configs['210'].zfs_volumes = [null]), /phoenix_lxc_configs\.json:\d+:\d+: lxc_configs\."210"\.zfs_volumes\[0\]: .*got null/],
  ['volumes', 'phoenix_vm_configs.json', (d) => (d.vms[1].volumes = [null]), /phoenix_vm_configs\.json:\d+:\d+: vms\[1\]\.volumes\[0\]: .*got null/],
];

for (const [key, file, edit, where] of ITEMS) {
  test(`${key} holding null: every verb exits 2, located at the item`, { skip }, async (t) => {
    const w = workspace(`null-${key}`);
    t.after(w.cleanup);
    editConfig(w, file, edit);
    await everyVerbExits2(w, where);
  });
}
