import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../engine/events.js';
import { colorEnabled, createRunView, GuestLogView, teeViews, formatDuration, JsonLinesView, PlainView, renderOutcomeDot, renderOutcomeMermaid, TtyView, viewKind } from './index.js';
import type { RunView, Writers } from './run-view.js';

const t0 = Date.UTC(2026, 10, 26, 1, 2, 3);
// A run of four guests: 900 boots slowly, 901 retries a lock, 902 waits for 900's clone source
// and then fails, 903 (below 902) is skipped.
const script: EngineEvent<number>[] = [
  { kind: 'run-start', ts: t0, nodes: [900, 901, 902, 903] },
  { kind: 'node-start', ts: t0, node: 900, attempt: 1 },
  { kind: 'node-start', ts: t0, node: 901, attempt: 1 },
  { kind: 'node-blocked', ts: t0, node: 902, resource: 'clone-source:900' },
  { kind: 'step', ts: t0 + 1000, node: 901, step: 'clone', status: 'started', detail: 'from 900' },
  { kind: 'node-retry', ts: t0 + 2000, node: 901, attempt: 2, maxAttempts: 5, delayMs: 1200, error: 'CT 901 is locked' },
  { kind: 'node-start', ts: t0 + 3200, node: 901, attempt: 2 },
  { kind: 'step', ts: t0 + 4000, node: 901, step: 'clone', status: 'done' },
  { kind: 'step', ts: t0 + 4000, node: 901, step: 'config', status: 'noop' },
  { kind: 'log', ts: t0 + 4000, node: 901, level: 'warn', message: 'task ended with warnings' },
  { kind: 'log', ts: t0 + 4000, node: 901, level: 'debug', message: 'pct config 901' },
  { kind: 'node-wait', ts: t0 + 4000, node: 900, reason: 'guest booting', delayMs: 2000 },
  { kind: 'node-end', ts: t0 + 5000, node: 901, status: 'ok', attempt: 2, elapsedMs: 5000 },
  { kind: 'node-end', ts: t0 + 6500, node: 900, status: 'ok', attempt: 1, elapsedMs: 6500, note: 'created' },
  { kind: 'node-start', ts: t0 + 6500, node: 902, attempt: 1 },
  { kind: 'node-end', ts: t0 + 7000, node: 902, status: 'failed', attempt: 1, elapsedMs: 500, error: 'storage "nvme" does not exist' },
  { kind: 'node-end', ts: t0 + 7000, node: 903, status: 'skipped', attempt: 0, elapsedMs: 0, rootCauses: [902] },
  { kind: 'run-end', ts: t0 + 7000, elapsedMs: 7000, counts: { ok: 2, failed: 1, skipped: 1, cancelled: 0 }, stopped: false },
];

function play(make: (w: Writers) => RunView, events = script): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  const view = make({ stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s) });
  for (const e of events) view.onEvent(e);
  view.close();
  return out;
}

const SUMMARY = ['GUEST  OUTCOME  STEPS         ELAPSED  REASON', '900    ok       -             6.5s     created', '901    ok       clone,config  5.0s', '902    failed   -             500ms    storage "nvme" does not exist', '903    skipped  -             -        upstream 902 failed'];

test('plain view: one timestamped line per event, debug left out, then the summary table', () => {
  const { stdout, stderr } = play((w) => new PlainView(w, { color: false }));
  assert.equal(stderr, '');
  assert.equal(
    stdout,
    [
      '2026-11-26T01:02:03Z run started: 4 guests',
      '2026-11-26T01:02:03Z 900 started',
      '2026-11-26T01:02:03Z 901 started',
      '2026-11-26T01:02:03Z 902 queued: waiting for clone-source:900',
      '2026-11-26T01:02:04Z 901 clone started (from 900)',
      '2026-11-26T01:02:05Z 901 retry 2/5 in 1.2s: CT 901 is locked',
      '2026-11-26T01:02:06Z 901 started (attempt 2)',
      '2026-11-26T01:02:07Z 901 clone done',
      '2026-11-26T01:02:07Z 901 config unchanged',
      '2026-11-26T01:02:07Z 901 warning: task ended with warnings',
      '2026-11-26T01:02:07Z 900 not yet: guest booting (next check in 2.0s)',
      '2026-11-26T01:02:08Z 901 ok (5.0s)',
      '2026-11-26T01:02:09Z 900 ok (6.5s): created',
      '2026-11-26T01:02:09Z 902 started',
      '2026-11-26T01:02:10Z 902 failed (500ms): storage "nvme" does not exist',
      '2026-11-26T01:02:10Z 903 skipped: upstream 902 failed',
      '2026-11-26T01:02:10Z run finished in 7.0s: 2 ok, 1 failed, 1 skipped, 0 cancelled',
      '',
      ...SUMMARY,
      '',
    ].join('\n'),
  );
});

test('plain view: --verbose shows debug lines; scrub is applied to everything written', () => {
  const { stdout } = play((w) => new PlainView(w, { color: false, verbose: true, scrub: (s) => s.replaceAll('nvme', '***') }));
  assert.match(stdout, /^2026-11-26T01:02:07Z 901 debug: pct config 901$/m);
  assert.doesNotMatch(stdout, /nvme/);
});

test('JSON lines view: one object per event with ts, guest, event, step, status', () => {
  const { stdout } = play((w) => new JsonLinesView(w));
  assert.equal(
    stdout,
    [
      '{"ts":"2026-11-26T01:02:03.000Z","event":"run-start","guests":[900,901,902,903]}',
      '{"ts":"2026-11-26T01:02:03.000Z","guest":900,"event":"node-start","status":"started","attempt":1}',
      '{"ts":"2026-11-26T01:02:03.000Z","guest":901,"event":"node-start","status":"started","attempt":1}',
      '{"ts":"2026-11-26T01:02:03.000Z","guest":902,"event":"node-blocked","status":"queued","resource":"clone-source:900"}',
      '{"ts":"2026-11-26T01:02:04.000Z","guest":901,"event":"step","step":"clone","status":"started","detail":"from 900"}',
      '{"ts":"2026-11-26T01:02:05.000Z","guest":901,"event":"node-retry","status":"retrying","attempt":2,"maxAttempts":5,"delayMs":1200,"error":"CT 901 is locked"}',
      '{"ts":"2026-11-26T01:02:06.200Z","guest":901,"event":"node-start","status":"started","attempt":2}',
      '{"ts":"2026-11-26T01:02:07.000Z","guest":901,"event":"step","step":"clone","status":"done"}',
      '{"ts":"2026-11-26T01:02:07.000Z","guest":901,"event":"step","step":"config","status":"noop"}',
      '{"ts":"2026-11-26T01:02:07.000Z","guest":901,"event":"log","level":"warn","message":"task ended with warnings"}',
      '{"ts":"2026-11-26T01:02:07.000Z","guest":901,"event":"log","level":"debug","message":"pct config 901"}',
      '{"ts":"2026-11-26T01:02:07.000Z","guest":900,"event":"node-wait","status":"waiting","reason":"guest booting","delayMs":2000}',
      '{"ts":"2026-11-26T01:02:08.000Z","guest":901,"event":"node-end","status":"ok","attempt":2,"elapsedMs":5000}',
      '{"ts":"2026-11-26T01:02:09.500Z","guest":900,"event":"node-end","status":"ok","attempt":1,"elapsedMs":6500,"note":"created"}',
      '{"ts":"2026-11-26T01:02:09.500Z","guest":902,"event":"node-start","status":"started","attempt":1}',
      '{"ts":"2026-11-26T01:02:10.000Z","guest":902,"event":"node-end","status":"failed","attempt":1,"elapsedMs":500,"error":"storage \\"nvme\\" does not exist"}',
      '{"ts":"2026-11-26T01:02:10.000Z","guest":903,"event":"node-end","status":"skipped","attempt":0,"elapsedMs":0,"rootCauses":[902]}',
      '{"ts":"2026-11-26T01:02:10.000Z","event":"run-end","status":"failed","elapsedMs":7000,"counts":{"ok":2,"failed":1,"skipped":1,"cancelled":0}}',
      '',
    ].join('\n'),
  );
});

test('JSON lines view scrubs string values, keeping each line valid JSON', () => {
  const secret = 'pa"ss';
  const e: EngineEvent<number> = { kind: 'log', ts: t0, node: 901, level: 'error', message: `auth failed for ${secret}` };
  const { stdout } = play((w) => new JsonLinesView(w, { scrub: (s) => s.replaceAll(secret, '***') }), [e]);
  assert.equal(JSON.parse(stdout).message, 'auth failed for ***');
});

test('TTY view: live lines per active guest redrawn in place, final lines, then the summary', () => {
  let now = t0;
  const { stdout } = play((w) => {
    const v = new TtyView(w, { color: false, animate: false, now: () => now });
    return { onEvent: (e) => ((now = e.ts), v.onEvent(e)), close: () => v.close() };
  });
  const frames = stdout.split('\x1b[J');
  // While 901 clones, its live line shows the step and elapsed time, 902 why it is queued.
  assert.ok(
    frames.some((f) => f.includes('\x1b[2K⠋ 901  clone  1.0s\n')),
    'a live line with step and elapsed',
  );
  assert.ok(frames.some((f) => f.includes('… 902  waiting for clone-source:900')));
  assert.ok(frames.some((f) => f.includes('↻ 901  clone: retry 2/5: CT 901 is locked')));
  assert.ok(frames.some((f) => f.includes('◷ 900  guest booting')));
  assert.ok(
    frames.some((f) => f.includes('⠋ 901  clone  3.2s')),
    'elapsed counts from the first attempt',
  );
  assert.match(stdout, /\x1b\[2A\r/, 'redraws with cursor-up over the previous live block');
  assert.match(stdout, /⚠ 901  task ended with warnings\n/);
  assert.match(stdout, /✖ 902  failed  500ms  storage "nvme" does not exist\n/);
  assert.ok(stdout.endsWith(`\n${SUMMARY.join('\n')}\nrun finished in 7.0s: 2 ok, 1 failed, 1 skipped, 0 cancelled\n`));
  assert.doesNotMatch(stdout, /\x1b\[3\dm/, 'no colour when colour is off');
});

test('TTY view: at most one redraw per 80 ms between events; colour when on', () => {
  let now = t0;
  let writes = 0;
  const v = new TtyView({ stdout: () => void writes++, stderr: () => {} }, { color: true, animate: false, now: () => now });
  v.onEvent(script[0]);
  v.onEvent(script[1]);
  v.onEvent(script[2]); // same instant: queued for a later redraw, not drawn now
  assert.equal(writes, 1);
  now += 80;
  v.onEvent(script[3]);
  assert.equal(writes, 2);
  let out = '';
  const c = new TtyView({ stdout: (s) => void (out += s), stderr: () => {} }, { color: true, animate: false });
  for (const e of script) c.onEvent(e);
  c.close();
  v.close();
  assert.match(out, /\x1b\[32m✔\x1b\[39m 901/);
});

test('colour: NO_COLOR and --no-color switch it off, FORCE_COLOR on, else only on a terminal', () => {
  assert.equal(colorEnabled({ env: {}, isTTY: true }), true);
  assert.equal(colorEnabled({ env: {}, isTTY: false }), false);
  assert.equal(colorEnabled({ env: { NO_COLOR: '1' }, isTTY: true }), false);
  assert.equal(colorEnabled({ env: {}, isTTY: true, flag: false }), false);
  assert.equal(colorEnabled({ env: { FORCE_COLOR: '1' }, isTTY: false }), true);
  assert.deepEqual([viewKind({ json: true, isTTY: true }), viewKind({ json: false, isTTY: true }), viewKind({ json: false, isTTY: false })], ['json', 'tty', 'plain']);
  assert.ok(createRunView('plain', { stdout: () => {}, stderr: () => {} }, { color: false }) instanceof PlainView);
});

test('durations read naturally', () => {
  assert.deepEqual([850, 12_340, 125_000, 3_720_000].map(formatDuration), ['850ms', '12.3s', '2m05s', '1h02m']);
});

const run = {
  nodes: [{ id: 900, label: 'base' }, { id: 901, label: 'dns' }, { id: 902 }, { id: 903 }],
  edges: [
    { from: 901, to: 900 },
    { from: 902, to: 900 },
    { from: 903, to: 902 },
  ],
  outcomes: new Map([
    [900, 'ok'],
    [901, 'ok'],
    [902, 'failed'],
    [903, 'skipped'],
  ] as const),
};

test('outcome graph as Mermaid: a class per outcome, edges to what a guest needs', () => {
  assert.equal(
    renderOutcomeMermaid({ ...run, outcomes: { 900: 'ok', 901: 'ok', 902: 'failed' } }),
    [
      'flowchart BT',
      '  g900["900 base (ok)"]:::ok',
      '  g901["901 dns (ok)"]:::ok',
      '  g902["902 (failed)"]:::failed',
      '  g903["903 (pending)"]:::pending',
      '  g901 --> g900',
      '  g902 --> g900',
      '  g903 --> g902',
      '  classDef ok fill:#d3f9d8,stroke:#2b8a3e,color:#000',
      '  classDef failed fill:#ffe3e3,stroke:#c92a2a,color:#000',
      '  classDef skipped fill:#fff3bf,stroke:#e67700,color:#000',
      '  classDef cancelled fill:#e9ecef,stroke:#868e96,color:#000',
      '  classDef pending fill:#ffffff,stroke:#adb5bd,color:#000',
      '',
    ].join('\n'),
  );
});

test('outcome graph as DOT: filled nodes coloured by outcome', () => {
  const dot = renderOutcomeDot(run);
  assert.match(dot, /^digraph phoenix_run \{\n {2}rankdir=BT;/);
  assert.match(dot, /\n {2}"902" \[label="902 \(failed\)", fillcolor="#ffe3e3", color="#c92a2a"\];\n/);
  assert.match(dot, /\n {2}"903" \[label="903 \(skipped\)", fillcolor="#fff3bf", color="#e67700"\];\n/);
  assert.match(dot, /\n {2}"903" -> "902";\n\}\n$/);
});

test('guest logs: each guest gets its own lines, debug included; tee feeds several views', () => {
  const logs = new Map<string, string>();
  let runLog = '';
  const guestLogs = new GuestLogView({ guest: (id) => (t) => void logs.set(String(id), (logs.get(String(id)) ?? '') + t), run: (t) => void (runLog += t) });
  const { stdout } = play((w) => teeViews(new PlainView(w, { color: false }), guestLogs));
  assert.match(stdout, /^GUEST {2}OUTCOME/m);
  assert.equal(logs.get('902'), ['2026-11-26T01:02:03Z 902 queued: waiting for clone-source:900', '2026-11-26T01:02:09Z 902 started', '2026-11-26T01:02:10Z 902 failed (500ms): storage "nvme" does not exist', ''].join('\n'));
  assert.match(logs.get('901')!, /^2026-11-26T01:02:07Z 901 debug: pct config 901$/m);
  assert.deepEqual([...logs.keys()], ['900', '901', '902', '903']);
  assert.equal(runLog, '2026-11-26T01:02:03Z run started: 4 guests\n2026-11-26T01:02:10Z run finished in 7.0s: 2 ok, 1 failed, 1 skipped, 0 cancelled\n');
});

// What a person watching a terminal sees: each guest named, what it is doing, how far the run is.
const describe = (n: string | number) => ({ 900: { name: 'base', address: '10.0.0.90' }, 901: { name: 'ollama', address: '10.0.0.91', urls: ['http://10.0.0.91:11434'] }, 902: { name: 'db' }, 903: { name: 'app' } })[Number(n) as 900];

/** The screen after `out` is written to a terminal: cursor-up, clear-line and clear-below applied. */
function screen(out: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  for (const m of out.matchAll(/\x1b\[(\d*)([AJK])|\r|\n|[^\x1b\r\n]+/g)) {
    if (m[2] === 'A') row = Math.max(0, row - Number(m[1] || 1));
    else if (m[2] === 'J') {
      lines.length = row; // from the cursor (column 0 after \r) to the end of the screen
      lines.push('');
    } else if (m[2] === 'K') lines[row] = '';
    else if (m[0] === '\r') continue;
    else if (m[0] === '\n') {
      row++;
      if (lines.length <= row) lines.push('');
    } else lines[row] = (lines[row] ?? '') + m[0];
  }
  return lines.filter((l, i) => l !== '' || i < lines.length - 1);
}

test('live view: each guest named, the feature or check it runs, n/total; the summary names guests, addresses and URLs', () => {
  let out = '';
  let clock = t0 + 1400;
  const v = new TtyView({ stdout: (s) => void (out += s), stderr: () => {} }, { color: false, animate: false, now: () => (clock += 100), describe, columns: 120 });
  v.onEvent({ kind: 'run-start', ts: t0, nodes: [900, 901, 902, 903] });
  v.onEvent({ kind: 'node-start', ts: t0, node: 901, attempt: 1 });
  v.onEvent({ kind: 'step', ts: t0, node: 901, step: 'feature', status: 'started', detail: 'ollama' });
  const live = screen(out);
  assert.equal(live.length, 2, live.join('\n'));
  assert.match(live[0], /^⠋ 901 ollama {2}feature ollama {2}\d\.\ds$/);
  assert.equal(live[1], '  0/4 done, 3 queued');
  for (const e of script.slice(1)) v.onEvent(e);
  const end = screen(out).join('\n');
  assert.match(end, /^GUEST +OUTCOME +STEPS +ELAPSED +ADDRESS +REASON$/m);
  assert.match(end, /^901 ollama +ok +feature,clone,config +5\.0s +10\.0\.0\.91 http:\/\/10\.0\.0\.91:11434$/m);
  assert.match(end, /^900 base +ok +- +6\.5s +10\.0\.0\.90 +created$/m);
});

test('live view after Ctrl-C: each guest is on the screen once (the live block is erased, final lines stay)', () => {
  let out = '';
  let clock = t0;
  const v = new TtyView({ stdout: (s) => void (out += s), stderr: () => {} }, { color: false, animate: false, now: () => (clock += 100), describe });
  v.onEvent({ kind: 'run-start', ts: t0, nodes: [900, 901] });
  v.onEvent({ kind: 'node-start', ts: t0, node: 900, attempt: 1 });
  v.onEvent({ kind: 'node-start', ts: t0, node: 901, attempt: 1 });
  v.onEvent({ kind: 'node-end', ts: t0, node: 900, status: 'cancelled', attempt: 1, elapsedMs: 10, cancelReason: 'aborted' });
  v.close(); // interrupted: no run-end
  const rows = screen(out);
  assert.equal(rows.filter((l) => / 900 base /.test(` ${l} `)).length, 1, rows.join('\n'));
  assert.equal(rows.filter((l) => /901 ollama/.test(l)).length, 0, rows.join('\n'));
});

test('live view: lines and the summary fit the terminal width', () => {
  let out = '';
  const v = new TtyView({ stdout: (s) => void (out += s), stderr: () => {} }, { color: false, animate: false, now: () => t0, describe, columns: 40, failuresBelow: true });
  for (const e of script) v.onEvent(e);
  for (const l of screen(out)) assert.ok(l.length <= 40, `${l.length}: ${l}`);
});

test('--quiet: only the summary, whatever the terminal', () => {
  assert.equal(viewKind({ json: false, isTTY: false, quiet: true }), 'summary');
  assert.equal(viewKind({ json: false, isTTY: true, quiet: true }), 'summary');
  const { stdout } = play((w) => createRunView('summary', w, { color: false }));
  assert.equal(stdout, `${SUMMARY.join('\n')}\n`);
});
