// A run killed in the middle of a feature must not leave the feature's inputs (resolved secrets)
// in the guest, and the next run must clean whatever an older run left (issue 9, item 2).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simTool, skip, sleep, until, withProbeFeature, workspace, type Workspace } from './cli.js';

const TOKEN = 'hf_AdversarialTokenValue2026';

const runArea = (w: Workspace) => join(w.state, 'guests', '200', 'root', 'var', 'lib', 'phoenix', 'run');
const leftovers = (w: Workspace) => (existsSync(runArea(w)) ? readdirSync(runArea(w)) : []);
const hasMarker = (w: Workspace) => existsSync(join(w.state, 'guests', '200', 'root', 'var', 'lib', 'phoenix', 'features', 'probe.json'));

/** The calls the simulator finished so far (its call log). */
const calls = (log: string): string[][] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).argv as string[])
    : [];

// Each moment is "right after this call finished"; exec latency holds the next call back, so the
// SIGKILL lands before it.
const MOMENTS: Array<[string, (argv: string[]) => boolean]> = [
  ['the feature script ran', (a) => a[1] === 'exec' && a.includes('/var/lib/phoenix/run/probe/install.sh')],
  ['the marker was pushed', (a) => a[1] === 'push' && a.some((x) => x.endsWith('/features/probe.json'))],
  ['the inputs were pushed', (a) => a[1] === 'push' && a.some((x) => x.endsWith('/probe/inputs.json'))],
];

for (const [moment, matches] of MOMENTS) {
  test(`up killed right after ${moment}: the next run leaves no inputs (secret) in the guest and the feature applied`, { skip }, async (t) => {
    const w = workspace('feature-kill');
    t.after(w.cleanup);
    withProbeFeature(w);
    const log = join(w.root, 'calls.jsonl');
    const env = { PHX_HF_TOKEN: TOKEN, PHOENIX_SIM_LOG: log };
    const first = w.start(['create', '200', '--yes'], { ...env, PHOENIX_SIM_LATENCY: 'exec=400,push=400' });
    let ended = false;
    void first.done.then(() => (ended = true));
    await until(moment, () => ended || calls(log).some(matches));
    first.child.kill('SIGKILL');
    const r1 = await first.done;
    assert.equal(r1.signal, 'SIGKILL', `the run ended before the kill:\n${r1.stderr}`);
    await sleep(50);
    const second = await w.run(['create', '200', '--yes'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(leftovers(w), [], 'run directories left in the guest after the next run');
    assert.ok(hasMarker(w), 'the feature is not recorded as applied');
    // And once more: converged, still nothing left.
    const third = await w.run(['create', '200', '--yes'], env);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(leftovers(w), []);
  });
}

test('a run directory left by an older run (feature since converged) is removed by the next run', { skip }, async (t) => {
  const w = workspace('feature-leftover');
  t.after(w.cleanup);
  withProbeFeature(w);
  const env = { PHX_HF_TOKEN: TOKEN };
  assert.equal((await w.run(['create', '200', '--yes'], env)).code, 0);
  // What a run killed between its marker and its cleanup left (the old order), made in the guest.
  const made = await simTool(w, ['pct', 'exec', '200', '--', 'sh', '-c', `mkdir -p /var/lib/phoenix/run/probe && echo '"hf_token": "${TOKEN}"' > /var/lib/phoenix/run/probe/inputs.json`]);
  assert.equal(made.code, 0, made.stderr);
  assert.deepEqual(leftovers(w), ['probe']);
  const again = await w.run(['create', '200', '--yes'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout + again.stderr, /200\s+ok/);
  assert.deepEqual(leftovers(w), []);
});
