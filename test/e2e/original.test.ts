// The original project's real config (../shared/reference/original-config), unchanged, on the
// simulator with the storages and template it names added as an admin would. What can be created
// is (900); 103 fails before anything runs because step_ca and its application script do not
// exist, and the VM template 9000 because its image `noble-server-cloudimg-amd64.img` cannot be a
// disk image on Proxmox's import storage (only .qcow2/.raw/.vmdk names parse there); everything
// downstream of them is skipped — with clear messages, never a crash. Its plaintext portainer_api.admin_password appears nowhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addOriginalStorages, crashLines, isMutatingCall, ORIGINAL, workspace, type Workspace } from './harness.js';
import { firewallMismatches, lxcMismatches, vmMismatches } from './expect-config.js';
import type { CliRun } from '../helpers/cli.js';

const skip = !existsSync(ORIGINAL) && 'needs ../shared/reference/original-config (absent)';
let w: Workspace;
let first: CliRun;
const outputs: string[] = [];
const run = async (...argv: string[]) => {
  const r = await w.run(...argv);
  outputs.push(r.stdout, r.stderr);
  return r;
};
const doc = (f: string) => JSON.parse(readFileSync(join(ORIGINAL, f), 'utf8'));

before(async () => {
  if (skip) return;
  w = workspace({ from: ORIGINAL });
  await addOriginalStorages(w.state);
  first = await run('converge');
});
after(() => w?.cleanup());

test('original config: converge creates what can be created, exactly as configured', { skip }, () => {
  assert.equal(first.code, 1, first.stdout + first.stderr);
  assert.deepEqual(crashLines(first.stdout + first.stderr), []);
  const lxc = doc('phoenix_lxc_configs.json').lxc_configs;
  const problems = [
    ...lxcMismatches(900, lxc['900'], w.conf('lxc', 900)),
    ...firewallMismatches(w.firewall(900), lxc['900'].firewall),
  ];
  assert.deepEqual(problems, []);
  assert.match(first.stdout, /^900\s+ok\s/m);
});

test('original config: 9000 fails before any change with its image name, which Proxmox import storage cannot hold', { skip }, () => {
  assert.match(first.stdout, /^9000\s+failed\s.*template_image: "noble-server-cloudimg-amd64\.img" cannot be a disk image on Proxmox import storage/m);
  assert.match(first.stderr, /^warning: phoenix_vm_configs\.json:15:13: vms\[0\]\.template_image: "noble-server-cloudimg-amd64\.img" cannot be a disk image on Proxmox import storage: .*noble-server-cloudimg-amd64\.qcow2/m);
  assert.deepEqual(w.calls().filter((c) => c.argv[2] === '9000' && isMutatingCall(c)), []);
  assert.equal(w.conf('vm', 9000), null);
});

test('original config: 103 fails with the missing feature and script named; everything after it is skipped', { skip }, () => {
  assert.match(first.stderr, /^phoenix: guest 103: container 103: feature "step_ca" not found \(looked in \S+\/features, \S+\/features\)$/m);
  assert.match(first.stderr, /^ {4}container 103: application_script "phoenix_hypervisor_lxc_103\.sh" not found/m);
  // Nothing was done to 103: it failed before its first call.
  assert.ok(!w.calls().some((c) => c.argv[2] === '103' && isMutatingCall(c)));
  const skipped = [...first.stdout.matchAll(/^(\d+)\s+skipped\s.*upstream 103\b/gm)].map((m) => m[1]).sort();
  assert.deepEqual(skipped, ['1001', '1002', '101', '102', '801', '802', '901', '910', '911', '912', '914', '917']);
  // Only the creatable guest exists.
  const exist = [...w.calls().filter((c) => ['create', 'clone'].includes(c.argv[1]))].map((c) => c.argv[2]).sort();
  assert.deepEqual(exist, ['900']);
});

test('original config: plan names every guest that cannot be created and why, without a crash', { skip }, async () => {
  const r = await run('plan');
  assert.equal(r.code, 1);
  assert.deepEqual(crashLines(r.stdout + r.stderr), []);
  assert.match(r.stderr, /^phoenix: guest 102: container 102: feature "traefik" not found/m);
  // Before anything runs: 102 and 103 cannot be snapshotted (bind mounts), located in the file.
  for (const id of ['102', '103']) {
    assert.match(r.stderr, new RegExp(`^warning: phoenix_lxc_configs\\.json:\\d+:\\d+: lxc_configs\\."${id}"\\.enable_lifecycle_snapshots: mount_points\\[0\\] \\(\\S+\\) is a bind mount: Proxmox cannot snapshot this container`, 'm'));
  }
  assert.match(r.stderr, /^ {4}container 102: application_script "phoenix_hypervisor_lxc_102\.sh" not found/m);
  for (const [id, script] of [['101', '101'], ['910', 'vllm'], ['914', '955'], ['917', '957'], ['801', 'vllm']]) {
    assert.match(r.stderr, new RegExp(`^phoenix: guest ${id}: container ${id}: application_script "phoenix_hypervisor_lxc_${script}\\.sh" not found`, 'm'));
  }
  // 900 is converged: unchanged; 9000 cannot be created from its image.
  assert.match(r.stdout, /^= lxc 900 Copy-Base unchanged$/m);
  assert.match(r.stderr, /^phoenix: guest 9000: template_image: "noble-server-cloudimg-amd64\.img" cannot be a disk image on Proxmox import storage/m);
});

test('original config: a second converge changes nothing on what exists', { skip }, async () => {
  w.mark();
  const r = await run('converge');
  assert.equal(r.code, 1);
  assert.deepEqual(w.since().filter(isMutatingCall).map((c) => c.argv.join(' ')), []);
});

test('original config: the plaintext portainer_api.admin_password appears in no output and no file Phoenix wrote', { skip }, async () => {
  const secret = doc('phoenix_hypervisor_config.json').portainer_api.admin_password as string;
  assert.ok(secret.length >= 6);
  await run('--json', 'plan');
  await run('--verbose', 'converge', '900');
  for (const o of outputs) assert.ok(!o.includes(secret), `secret printed:\n${o.slice(0, 400)}`);
  for (const f of w.logTexts()) assert.ok(!f.text.includes(secret), `secret in ${f.path}`);
  // Nor anywhere on the simulated host (no guest got the host config).
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) return [];
      if (st.isDirectory()) return walk(p);
      return st.isFile() && readFileSync(p).includes(secret) ? [p] : [];
    });
  assert.deepEqual(walk(w.state), []);
});
