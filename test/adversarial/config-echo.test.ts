// A config file that is not valid JSON (an unquoted password) or not a Phoenix file at all
// (core_paths naming a token file or /etc/passwd) is reported by file, line, column and the kind
// of token, for every verb: the offending text is never echoed (issue 9, item 6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editConfig, skip, workspace, type Workspace } from './cli.js';

const VERBS = [['validate'], ['plan'], ['up', '--yes'], ['status'], ['graph'], ['delete', '200', '--yes']];

async function expectLocatedNoEcho(w: Workspace, secrets: string[], where: RegExp): Promise<void> {
  for (const verb of VERBS) {
    const r = await w.run(verb);
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.code, 2, `${verb[0]}: exit ${r.code}\n${out}`);
    assert.match(out, where, `${verb[0]}: not located`);
    assert.doesNotMatch(out, /\n\s+at /, `${verb[0]}: a stack trace`);
    for (const s of secrets) assert.ok(!out.includes(s), `${verb[0]} echoed ${s}:\n${out}`);
  }
}

test('an unquoted password in a config file: located, the kind of token named, the password never echoed', { skip }, async (t) => {
  const w = workspace('echo-unquoted');
  t.after(w.cleanup);
  const file = join(w.config, 'phoenix_lxc_configs.json');
  editConfig(w, 'phoenix_lxc_configs.json', (lxc) => (lxc.lxc_configs['200'].hf_token = '@@TOKEN@@'));
  writeFileSync(file, readFileSync(file, 'utf8').replace('"@@TOKEN@@"', 'NewKick2025Secret'));
  await expectLocatedNoEcho(w, ['NewKick'], /phoenix_lxc_configs\.json:\d+:\d+: invalid JSON: unexpected unquoted text/);
});

const FOREIGN: Array<[string, string, string[], RegExp]> = [
  ['a token file', 'hf_PlainTokenFileValue2026\n', ['hf_Plain', 'PlainToken'], /token:1:1: invalid JSON: unexpected unquoted text/],
  ['a passwd-like file', 'root:x:0:0:SecretGecosField:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n', ['root:x', 'SecretGecos', 'alice'], /token:1:1: invalid JSON: unexpected unquoted text/],
  ['a JSON string', '"hf_QuotedTokenValue2026"\n', ['hf_Quoted'], /token:1:1: expected an object, got a string/],
  ['a number', '987654321098\n', ['987654321098'], /token:1:1: expected an object, got a number/],
  ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n', ['BEGIN', 'b3Blbn'], /token:1:1: invalid JSON: invalid number/],
];

for (const [what, content, secrets, where] of FOREIGN) {
  test(`core_paths naming ${what}: every verb exits 2, located, without echoing it`, { skip }, async (t) => {
    const w = workspace('echo-foreign');
    t.after(w.cleanup);
    const token = join(w.root, 'token');
    writeFileSync(token, content);
    editConfig(w, 'phoenix_hypervisor_config.json', (h) => (h.core_paths = { lxc_config_file: token, vm_config_file: token }));
    rmSync(join(w.config, 'phoenix_lxc_configs.json'));
    rmSync(join(w.config, 'phoenix_vm_configs.json'));
    await expectLocatedNoEcho(w, secrets, where);
  });
}
