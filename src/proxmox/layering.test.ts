// STYLE §6: proxmox/ speaks Proxmox only. It never imports model, config, plan (or anything
// above it); the simulator is reached only lazily, through exec/sim.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '..');
const FORBIDDEN = ['model', 'config', 'plan', 'managers', 'engine', 'cli', 'features', 'health', 'graph'];

const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

test('src/proxmox imports no higher layer; only exec/sim.ts reaches the simulator', () => {
  const bad: string[] = [];
  for (const file of walk(here)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)) {
      const target = relative(src, resolve(dirname(file), m[1])).split(/[\\/]/)[0];
      const rel = relative(here, file);
      if (FORBIDDEN.includes(target)) bad.push(`${rel} imports ${m[1]}`);
      if (target === 'sim' && !(rel === join('exec', 'sim.ts') && /import\s*\(/.test(m[0]))) bad.push(`${rel} imports the simulator: ${m[1]}`);
    }
  }
  assert.deepEqual(bad, []);
});
