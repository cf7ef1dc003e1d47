// Ownership, orphans and re-creation as a user meets them: a guest at a configured id that
// Phoenix did not make is shown (`! exists, not managed`) and never changed until `phoenix adopt`;
// Phoenix's guests the config no longer names are listed by plan and status and deleted by
// `phoenix prune` (never one something still needs); a create-time change shows as `-/+` and is
// only done with --replace.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliCaptured } from '../helpers/cli.js';
import { genConfig } from '../helpers/gen-config.js';
import { isMutatingCall, workspace, type Workspace } from './harness.js';

const LXC = 'phoenix_lxc_configs.json';
const VM = 'phoenix_vm_configs.json';
let w: Workspace;
const mutations = () =>
  w
    .since()
    .filter((c) => isMutatingCall(c) && c.exit === 0)
    .map((c) => c.argv.slice(0, 3).join(' '));

before(async () => {
  const gen = genConfig({ guests: 12, seed: 3 });
  w = workspace({ files: gen.files });
  for (const [name, content] of Object.entries(gen.files)) if (name.endsWith('.sh')) writeFileSync(join(w.config, name), content, { mode: 0o755 });
  const r = await w.run('--yes', 'converge');
  assert.equal(r.code, 0, r.stderr);
});
after(() => w.cleanup());

test('every guest Phoenix makes carries the "phoenix" tag, kept through converge', () => {
  for (const id of [100, 120, 140, 200]) assert.match(w.conf('lxc', id)!.options.tags ?? '', /(^|;)phoenix(;|$)/, `CT ${id}`);
  for (const id of [9000, 9100, 9101]) assert.match(w.conf('vm', id)!.options.tags ?? '', /(^|;)phoenix(;|$)/, `VM ${id}`);
});

test('a guest at a configured id that Phoenix did not make: shown with its differences, never changed; adopt takes it over', async () => {
  w.edit(LXC, (d) => {
    d.lxc_configs['260'] = { name: 'handmade', template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', memory_mb: 1024, cores: 1, storage_pool: 'local-lvm', storage_size_gb: 2, network_config: { name: 'eth0', bridge: 'vmbr0', ip: '10.20.6.60/16', gw: '10.20.0.1' }, unprivileged: true };
  });
  const made = await w.sim('pct', 'create', '260', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--hostname', 'handmade', '--memory', '256', '--rootfs', 'local-lvm:2', '--unprivileged', '1');
  assert.equal(made.exitCode, 0, made.stderr);
  const plan = await w.run('plan');
  assert.match(plan.stdout, /^! lxc 260 handmade exists, not managed$/m);
  assert.match(plan.stdout, /memory: 256 → 1024/);
  assert.match(plan.stdout, /phoenix adopt 260/);
  w.mark();
  const conv = await w.run('--yes', 'converge');
  assert.equal(conv.code, 0, conv.stderr);
  assert.deepEqual(
    mutations().filter((m) => m.endsWith(' 260')),
    [],
  );
  assert.equal(w.conf('lxc', 260)!.options.memory, '256');
  w.mark();
  const adopt = await w.run('--yes', 'adopt', '260');
  assert.equal(adopt.code, 0, adopt.stderr);
  assert.ok(mutations().includes('pct set 260'));
  assert.equal(w.conf('lxc', 260)!.options.memory, '1024');
  assert.match(w.conf('lxc', 260)!.options.tags ?? '', /phoenix/);
  assert.match((await w.run('plan')).stdout, /^= lxc 260 handmade unchanged$/m);
});

test('a guest removed from the config: listed by plan and status, deleted by prune; a template linked clones need is kept', async () => {
  w.edit(LXC, (d) => delete d.lxc_configs['205']);
  w.edit(VM, (d) => (d.vms = d.vms.filter((v: { vmid: number }) => v.vmid !== 9000 && v.vmid !== 9101)));
  // 9100 is a full clone of 9000 and stays configured: its clone source leaves the config too.
  w.edit(VM, (d) => (d.vms = d.vms.filter((v: { vmid: number }) => v.vmid !== 9100)));
  const plan = await w.run('plan');
  assert.equal(plan.code, 0, plan.stderr);
  for (const [kind, id] of [
    ['lxc', 205],
    ['vm', 9000],
    ['vm', 9100],
    ['vm', 9101],
  ] as const) {
    assert.match(plan.stdout, new RegExp(`^- ${kind} ${id} \\S+ not in the config \\('phoenix prune' deletes it\\)$`, 'm'));
  }
  const status = await w.run('status');
  assert.match(status.stdout, /^205\s+lxc\s+\S+\s+yes\s+-\s+not in the config/m);
  assert.match(status.stdout, /4 guest\(s\) not in the config: 'phoenix prune' deletes them/);
  const refused = await runCliCaptured(['prune', '--config', w.config, '--driver', 'sim'], { env: { ...w.env, PHOENIX_AUTO_APPROVE: undefined }, cwd: w.root });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refusing without --yes/);
  w.mark();
  const pruned = await w.run('--yes', 'prune');
  assert.equal(pruned.code, 0, pruned.stdout + pruned.stderr);
  const destroyed = mutations().filter((m) => /destroy/.test(m));
  assert.deepEqual([...destroyed].sort(), ['pct destroy 205', 'qm destroy 9000', 'qm destroy 9100', 'qm destroy 9101']);
  // Proxmox refuses to destroy a template whose volumes a linked clone still uses: the clone went first.
  assert.ok(destroyed.indexOf('qm destroy 9101') < destroyed.indexOf('qm destroy 9000'), destroyed.join('\n'));
  assert.equal(w.conf('lxc', 205), null);
  assert.equal(w.conf('vm', 9000), null);
  assert.match((await w.run('--yes', 'prune')).stdout, /Nothing to prune/);
});

test('a create-time change shows as -/+ and is not done without --replace; with it the guest is made again', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['100'].unprivileged = false));
  const plan = await w.run('plan');
  assert.match(plan.stdout, /^-\/\+ lxc 100 \S+$/m);
  assert.match(plan.stdout, /must be re-created \(unprivileged: 1 → 0\)/);
  w.mark();
  assert.equal((await w.run('--yes', 'converge')).code, 0);
  assert.deepEqual(
    mutations().filter((m) => m.endsWith(' 100')),
    [],
  );
  w.mark();
  const r = await w.run('--yes', 'converge', '--replace', '100');
  assert.equal(r.code, 0, r.stderr);
  const m = mutations().filter((x) => x.endsWith(' 100'));
  assert.ok(m.includes('pct destroy 100') && m.indexOf('pct destroy 100') < m.indexOf('pct create 100'), m.join('\n'));
  assert.equal(w.conf('lxc', 100)!.options.unprivileged ?? '0', '0');
  assert.match((await w.run('plan')).stdout, /^= lxc 100 \S+ unchanged$/m);
});
