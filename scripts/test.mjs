// Runs every *.test.ts under src/ and test/ with node's test runner (tsx as the TS loader).
// Node 20's --test does not discover .ts files itself, so we list them here.
// Extra args are passed through (e.g. `npm test -- --test-name-pattern=graph`);
// a path argument limits the run to files containing that string.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
// The conformance check runs last, over the calls the simulator accepted during the main run.
const FINAL = join('test', 'conformance-final.test.ts');
let files = ['src', 'test']
  .flatMap((d) => walk(d))
  .sort()
  .filter((f) => f !== FINAL);
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
const conc = process.env.PHOENIX_TEST_CONCURRENCY ?? '2';
// PHOENIX_CONFORMANCE_DIR set by the caller keeps the log (to re-run the oracle on it by hand).
const keepConformance = Boolean(process.env.PHOENIX_CONFORMANCE_DIR);
const conformanceDir = process.env.PHOENIX_CONFORMANCE_DIR || mkdtempSync(join(tmpdir(), 'phoenix-conformance-'));
// The suite approves plans as a CI pipeline would (PHOENIX_AUTO_APPROVE=1 is --yes); the
// confirmation tests unset it.
const env = { ...process.env, PHOENIX_AUTO_APPROVE: '1', PHOENIX_CONFORMANCE_DIR: conformanceDir };
// Output is passed through as it comes, and its closing counts are added up for one last line.
const totals = { pass: 0, fail: 0, skipped: 0 };
const node = (testFiles) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './scripts/conformance-tag.mjs', '--test', `--test-concurrency=${conc}`, ...flags, ...testFiles], { stdio: ['inherit', 'pipe', 'inherit'], env });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (tail + chunk).split('\n');
      tail = lines.pop();
      for (const l of lines) {
        const m = /^# (pass|fail|skipped) (\d+)$/.exec(l);
        if (m) totals[m[1]] += Number(m[2]);
      }
    });
    child.on('close', (status) => resolve({ status }));
  });
const r = await node(files);
const final = filters.length ? { status: 0 } : await node([FINAL]);
if (!keepConformance) rmSync(conformanceDir, { recursive: true, force: true });
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(r.status || final.status || (r.status ?? 1));
