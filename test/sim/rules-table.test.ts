// src/sim/RULES.md is the list of every rule the simulator enforces (issue 8): each row names the
// rule, its Proxmox source (or says **guess** / harness), and the tests that pin it. This keeps the
// table honest: three cells a row, a source in each, and every test it names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });

/** The table's rule rows (not the header, the rule line or the bold section rows), split into cells (`\|` stays inside a cell). */
function ruleRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !/^\| -/.test(l) && !/^\| rule\s+\|/.test(l) && !/^\| \*\*[^|]*\*\*\s+\|\s+\|\s+\|$/.test(l))
    .map((l) =>
      l
        .replace(/\\\|/g, '\0')
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/\0/g, '|')),
    );
}

test('RULES.md: every row has a rule, a source (a citation, **guess** or harness) and tests that exist', () => {
  const rows = ruleRows(readFileSync(join('src', 'sim', 'RULES.md'), 'utf8'));
  assert.ok(rows.length > 200, `only ${rows.length} rows`);
  const tests = ['src', 'test']
    .flatMap(walk)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const has = (name: string) => [name, name.replace(/'/g, "\\'"), name.replace(/"/g, '\\"')].some((n) => tests.includes(n));
  const problems: string[] = [];
  for (const cells of rows) {
    const at = cells[0]?.slice(0, 80);
    if (cells.length !== 3) {
      problems.push(`${at}: ${cells.length} cells (an unescaped | inside a cell?)`);
      continue;
    }
    const [rule, source, testCell] = cells;
    if (!rule) problems.push(`a row without a rule (source ${source.slice(0, 60)})`);
    if (!/src\/|PVE\/|apidata|guess|harness/i.test(source)) problems.push(`${at}: source '${source.slice(0, 60)}' is no citation, guess or harness`);
    if (/^no test: /.test(testCell)) continue; // says why there is none
    for (const name of testCell.split(/; (?=[a-zA-Z[`'"(])/)) {
      const bare = name.replace(/\s+\((?:test\/|[^)]*\.test\.ts)[^)]*\)$/, '').trim();
      if (!bare || !has(bare)) problems.push(`${at}: no test named '${bare.slice(0, 100)}'`);
    }
  }
  assert.deepEqual(problems, []);
});
