// Runs every *.test.ts under src/ and test/ with node's test runner (tsx as the TS loader).
// Node 20's --test does not discover .ts files itself, so we list them here.
// Extra args are passed through (e.g. `npm test -- --test-name-pattern=graph`);
// a path argument limits the run to files containing that string.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
let files = ['src', 'test'].flatMap((d) => walk(d)).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
const conc = process.env.PHOENIX_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${conc}`, ...flags, ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
