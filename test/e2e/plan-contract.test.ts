// The plan as a contract, as a user meets it: converge asks before changing anything (and refuses
// without a terminal unless --yes), `plan --detailed-exitcode`, saved plans applied exactly and
// refused when stale (naming the guest and the field), and --no-reboot.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCliCaptured } from '../helpers/cli.js';
import { genConfig } from '../helpers/gen-config.js';
import { isMutatingCall, workspace, type Workspace } from './harness.js';

const LXC = 'phoenix_lxc_configs.json';
let w: Workspace;
const NO_APPROVE = { PHOENIX_AUTO_APPROVE: undefined };

/** The CLI as on a terminal, answering the confirmation with `answer`. */
const onTerminal = (answer: string, ...argv: string[]) => {
  const asked: string[] = [];
  const run = runCliCaptured([...argv, '--config', w.config, '--driver', 'sim'], {
    env: { ...w.env, ...NO_APPROVE },
    cwd: w.root,
    isTTY: true,
    prompt: async (q) => (asked.push(q), answer),
  });
  return run.then((r) => ({ ...r, asked }));
};
const noApprove = (...argv: string[]) => runCliCaptured([...argv, '--config', w.config, '--driver', 'sim'], { env: { ...w.env, ...NO_APPROVE }, cwd: w.root });
const mutations = () => w.since().filter(isMutatingCall);

before(async () => {
  const gen = genConfig({ guests: 12, seed: 7 });
  w = workspace({ files: gen.files });
  for (const [name, content] of Object.entries(gen.files)) if (name.endsWith('.sh')) writeFileSync(join(w.config, name), content, { mode: 0o755 });
  const r = await w.run('--yes', 'converge');
  assert.equal(r.code, 0, r.stderr);
});
after(() => w.cleanup());

test('without a terminal and without --yes, a run that changes something refuses (exit 2) and changes nothing', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['200'].memory_mb += 128));
  w.mark();
  const r = await noApprove('converge');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no terminal to ask on: refusing without --yes/);
  assert.deepEqual(mutations(), []);
});

test('on a terminal: the plan is printed and a "no" changes nothing; a "yes" applies it', async () => {
  w.mark();
  const no = await onTerminal('n', 'converge');
  assert.equal(no.code, 1);
  assert.deepEqual(no.asked, ['Apply this plan?']);
  assert.match(no.stdout, /^~ lxc 200 app-0$/m);
  assert.match(no.stdout, /memory: \d+ → \d+/);
  assert.match(no.stderr, /not applied; nothing was changed/);
  assert.deepEqual(mutations(), []);
  const yes = await onTerminal('y', 'converge');
  assert.equal(yes.code, 0, yes.stderr);
  assert.deepEqual(
    mutations().map((c) => c.argv.slice(0, 3).join(' ')),
    ['pct set 200'],
  );
});

test('a run with nothing to change needs no answer, terminal or not', async () => {
  w.mark();
  const r = await noApprove('converge');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(mutations(), []);
});

test('plan --detailed-exitcode: 0 nothing to do, 2 changes, 1 an error', async () => {
  assert.equal((await w.run('plan', '--detailed-exitcode')).code, 0);
  w.edit(LXC, (d) => (d.lxc_configs['200'].cores = d.lxc_configs['200'].cores === 1 ? 2 : 1));
  assert.equal((await w.run('plan', '--detailed-exitcode')).code, 2);
  const size = JSON.parse(readFileSync(join(w.config, LXC), 'utf8')).lxc_configs['201'].storage_size_gb;
  w.edit(LXC, (d) => (d.lxc_configs['201'].storage_size_gb = 1)); // disks only grow: 201 cannot be planned
  const bad = await w.run('plan', '--detailed-exitcode');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /guest 201: storage_size_gb 1 is smaller than the existing root disk/);
  w.edit(LXC, (d) => (d.lxc_configs['201'].storage_size_gb = size));
  assert.equal((await w.run('--yes', 'converge')).code, 0);
});

test('plan -o then apply: exactly the saved actions; a second apply of the same file is refused as stale', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['202'].memory_mb += 256));
  const file = join(w.root, 'plan.json');
  const p = await w.run('plan', '-o', file);
  assert.equal(p.code, 0, p.stderr);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(saved.format, 'phoenix-plan');
  const planned = saved.plans.flatMap((g: { steps: Array<{ action?: { kind: string; vmid?: number } }> }) => g.steps.filter((s) => s.action && s.action.kind === 'set'));
  assert.deepEqual(
    planned.map((s: { action: { vmid: number } }) => s.action.vmid),
    [202],
  );
  const savedCalls = saved.plans.flatMap((g: { steps: Array<{ action?: { kind: string; vmid?: number; retake?: boolean } }> }) =>
    g.steps.flatMap((s) => (s.action?.kind === 'set' ? [`pct set ${s.action.vmid}`] : s.action?.kind === 'snapshot' ? [...(s.action.retake ? [`pct delsnapshot ${s.action.vmid}`] : []), `pct snapshot ${s.action.vmid}`] : [])),
  );
  w.mark();
  const a = await noApprove('apply', file);
  assert.equal(a.code, 0, a.stderr);
  // Exactly the saved plan's calls: the set, and the snapshots taken after the change retaken.
  assert.deepEqual(
    mutations().map((c) => c.argv.slice(0, 3).join(' ')),
    savedCalls,
  );
  assert.equal(savedCalls[0], 'pct set 202');
  w.mark();
  const again = await noApprove('apply', file);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /the saved plan is stale; nothing was done/);
  assert.match(again.stderr, /guest 202: the host changed since the plan \(config memory\)/);
  assert.deepEqual(mutations(), []);
});

test('a saved plan is refused when a guest was changed by hand since (pct set), naming guest and field', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['203'].memory_mb += 256));
  const file = join(w.root, 'plan2.json');
  assert.equal((await w.run('plan', '-o', file)).code, 0);
  await w.sim('pct', 'set', '204', '--cores', '3');
  w.mark();
  const r = await noApprove('apply', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /guest 204: the host changed since the plan \(config cores\)/);
  assert.deepEqual(mutations(), []);
});

test('a saved plan is refused when the config was edited since, naming guest and field', async () => {
  const file = join(w.root, 'plan3.json');
  assert.equal((await w.run('plan', '-o', file)).code, 0);
  w.edit(LXC, (d) => (d.lxc_configs['205'].cores = 4));
  const r = await noApprove('apply', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /guest 205: the config changed since the plan \(cores\)/);
  assert.equal((await w.run('--yes', 'converge')).code, 0);
});

test('not a plan file: exit 2 with why', async () => {
  const file = join(w.root, 'nope.json');
  mkdirSync(w.root, { recursive: true });
  writeFileSync(file, '{"hello": 1}');
  const r = await noApprove('apply', file);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a Phoenix plan file/);
});

test('--no-reboot: a change that needs a restart is applied but the guest is not restarted; the plan says it stays pending', async () => {
  w.edit(LXC, (d) => (d.lxc_configs['200'].name = 'app-zero')); // a running CT takes a new hostname at its next start
  const p = await w.run('plan', '--no-reboot');
  assert.match(p.stdout, /not restarted \(--no-reboot\): pending until the next start/);
  assert.doesNotMatch(p.stdout, /restart 200/);
  w.mark();
  const r = await w.run('--yes', 'converge', '--no-reboot');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    mutations().map((c) => c.argv.slice(0, 3).join(' ')),
    ['pct set 200'],
  );
  // Without --no-reboot the restart still owed is planned and done.
  w.mark();
  assert.equal((await w.run('--yes', 'converge')).code, 0);
  assert.ok(mutations().some((c) => c.argv[1] === 'reboot' && c.argv[2] === '200'));
});
