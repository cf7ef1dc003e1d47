// Two Phoenix runs on the same config and simulated host: per-guest lock files
// (<sim state>/phoenix-locks/guests/<id>.lock) make the second wait and then find nothing to do,
// or with --no-wait exit 2 naming the holder. And Ctrl-C: scheduling stops, running Proxmox tasks
// finish, the run reports and exits 130, and the next run finishes the job.
// The built binary runs as child processes (real signals, real exit codes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGenConfig } from '../helpers/gen-config.js';
import { lockedGuests, stateProblems } from '../helpers/sim-state.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
const skip = !existsSync(CLI) && 'needs dist/cli.js (npm run build)';
const LATENCY = 'create=300,clone=400,start=100,exec=20,default=10';
const MUTATING = /^(create|clone|set|resize|disk resize|start|stop|shutdown|reboot|destroy|template|snapshot|delsnapshot|rollback|disk import|cloudinit update|push|unlock)$/;

interface Logged {
  argv: string[];
  start: number;
  end: number;
}

function setup(label: string) {
  const root = mkdtempSync(join(tmpdir(), `phoenix-conc-${label}-`));
  const config = join(root, 'config');
  const roles = writeGenConfig(config, { guests: 8, seed: 7 });
  const ids = [...roles.bases, ...roles.mids, ...roles.services, ...roles.leaves, roles.vmTemplate, ...roles.vms];
  const state = join(root, 'sim');
  const log = join(root, 'calls.jsonl');
  const run = (args: string[], latency?: string) => {
    const child = spawn(process.execPath, [CLI, ...args, '--config', config, '--driver', 'sim'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_AUTO_APPROVE: '1', PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, ...(latency ? { PHOENIX_SIM_LATENCY: latency } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string; endedAt: number }>((res) => child.on('close', (code) => res({ code, stdout, stderr, endedAt: Date.now() })));
    return { child, done, stderrSoFar: () => stderr };
  };
  const calls = (): Logged[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Logged)
      : [];
  const guestLocks = () => {
    const d = join(state, 'phoenix-locks', 'guests');
    return existsSync(d) ? readdirSync(d) : [];
  };
  return { root, state, ids, run, calls, guestLocks, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
const verb = (argv: string[]) => (argv[1] === 'guest' || argv[1] === 'disk' || argv[1] === 'cloudinit' ? `${argv[1]} ${argv[2]}` : argv[1]);

test('two concurrent up runs: the second waits for the guest locks, then makes no mutating call', { skip }, async (t) => {
  const w = setup('wait');
  t.after(w.cleanup);
  const first = w.run(['up'], LATENCY);
  await until('the first run to lock its guests', () => w.guestLocks().length >= w.ids.length);
  const second = w.run(['up'], LATENCY);
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /waiting for another run to finish: pid \d+ .*phoenix/);
  // Every mutating call happened while the first run was alive: the second only observed.
  const late = w.calls().filter((c) => c.start > a.endedAt && MUTATING.test(verb(c.argv)));
  assert.deepEqual(
    late.map((c) => c.argv.slice(0, 3).join(' ')),
    [],
  );
  const creates = w
    .calls()
    .filter((c) => /^(create|clone)$/.test(verb(c.argv)))
    .map((c) => Number(verb(c.argv) === 'clone' ? c.argv[3] : c.argv[2]));
  assert.equal(new Set(creates).size, creates.length, `a guest was created twice: ${creates.join(', ')}`);
  assert.deepEqual(stateProblems(w.state, w.ids), []);
});

test('with --no-wait the second run exits 2 and names the holder', { skip }, async (t) => {
  const w = setup('nowait');
  t.after(w.cleanup);
  const first = w.run(['up'], LATENCY);
  await until('the first run to lock its guests', () => w.guestLocks().length >= w.ids.length);
  const second = await w.run(['up', '--no-wait']).done;
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`pid ${first.child.pid}\\b`));
  assert.doesNotMatch(second.stderr, /\bat .*\.js:\d+/);
  assert.equal((await first.done).code, 0);
});

test('Ctrl-C (SIGINT): scheduling stops, running tasks finish, the run reports and exits 130; the next run finishes', { skip }, async (t) => {
  const w = setup('sigint');
  t.after(w.cleanup);
  const r = w.run(['up'], LATENCY);
  // Interrupt once the first guests exist: some guests are mid-workflow, others not started.
  await until('the first create to finish', () => w.calls().some((c) => verb(c.argv) === 'create'));
  r.child.kill('SIGINT');
  const interruptedAt = Date.now();
  const res = await r.done;
  assert.equal(res.code, 130, res.stderr);
  assert.match(res.stderr, /interrupted; letting running Proxmox tasks finish/);
  // The report: a summary row per guest, some of them cancelled.
  assert.match(res.stdout + res.stderr, /GUEST\s+OUTCOME/);
  assert.match(res.stdout + res.stderr, /cancelled/);
  assert.doesNotMatch(res.stderr, /\bat .*\.js:\d+/);
  // No create or clone started after the interrupt: scheduling stopped.
  const lateStarts = w.calls().filter((c) => c.start > interruptedAt + 50 && /^(create|clone)$/.test(verb(c.argv)));
  assert.deepEqual(
    lateStarts.map((c) => c.argv.slice(0, 4).join(' ')),
    [],
  );
  // Tasks that were running finished: nothing is left locked, no half-made guest.
  assert.deepEqual(lockedGuests(w.state), []);
  assert.deepEqual(stateProblems(w.state, w.ids), []);
  assert.deepEqual(w.guestLocks(), [], 'guest locks released on exit');
  const again = await w.run(['up']).done;
  assert.equal(again.code, 0, again.stderr);
});
