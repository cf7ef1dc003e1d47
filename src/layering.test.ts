// Data flows one way (README, Development): every import in src/ goes down these layers, never
// up. One table for all of src/, checked over every non-test file, static and dynamic imports.
// Test files may reach across layers (they wire real pieces together); shipped code may not.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = dirname(fileURLToPath(import.meta.url));

/** Top to bottom. A folder may import its own files and any folder in a lower row. */
export const LAYERS: readonly (readonly string[])[] = [
  ['cli'], // argv → command, views
  ['app'], // a run's wiring (session, driver selection) and the verbs' orchestration
  ['config'], // load, validate, normalise to typed guests
  ['graph', 'managers'], // dependency graph; per guest observe → diff → plan → apply
  ['engine', 'plan', 'features', 'health'], // the DAG runner; plan values; in-guest scripts and checks
  ['sim'], // the simulator: reached only lazily by the driver selection (and by cli's `sim` verb)
  ['proxmox'], // drivers behind one interface: pct/qm CLI, transports, codecs, schema
  ['model'], // typed guests (plain data)
  ['diag', 'util'], // diagnostics and small helpers
];
/** Same-row folders that may import each other (both are leaves). */
const SIBLINGS = new Set(['diag>util', 'util>diag']);
/** Who may import the simulator: cli's `phoenix sim` verb and the lazy in-process exec. */
const SIM_IMPORTERS = [/^cli\//, /^app\/drivers\/sim-exec\.ts$/];

const rank = new Map(LAYERS.flatMap((row, i) => row.map((f) => [f, i] as const)));

const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

/** Every import in shipped code that goes up (or sideways) the layers. */
export function layerViolations(root: string): { violations: string[]; seen: number } {
  const violations: string[] = [];
  let seen = 0;
  for (const file of walk(root)) {
    const rel = relative(root, file);
    const from = rel.split(/[\\/]/)[0]!;
    if (!rank.has(from)) {
      if (rel.includes('/')) violations.push(`${rel}: folder ${from}/ is in no layer (add it to LAYERS)`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)) {
      seen++;
      const to = relative(root, resolve(dirname(file), m[1]!)).split(/[\\/]/)[0]!;
      if (to === from) continue;
      const a = rank.get(from)!;
      const b = rank.get(to);
      if (b === undefined) violations.push(`${rel} imports ${m[1]} (outside the layers)`);
      else if (b < a || (b === a && !SIBLINGS.has(`${from}>${to}`))) violations.push(`${rel} imports ${m[1]}: ${from}/ may not import ${to}/ (it is not below)`);
      else if (to === 'sim' && !SIM_IMPORTERS.some((r) => r.test(rel))) violations.push(`${rel} imports the simulator (${m[1]}); only the driver selection reaches it, lazily`);
      else if (to === 'sim' && rel.startsWith('app/') && !/import\s*\(/.test(m[0])) violations.push(`${rel} imports the simulator statically (${m[1]}); import it lazily`);
    }
  }
  return { violations, seen };
}

test('every import in src/ goes down the layers (cli → app → config → graph/managers → engine/plan/features/health → sim → proxmox → model → diag/util)', () => {
  const { violations, seen } = layerViolations(src);
  assert.ok(seen > 300, `the scan found the imports (${seen})`);
  assert.deepEqual(violations, []);
});

test('the checker catches an import that goes up', async () => {
  const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const root = await mkdtemp(join(tmpdir(), 'phoenix-layers-'));
  try {
    await mkdir(join(root, 'proxmox'));
    await mkdir(join(root, 'managers'));
    await mkdir(join(root, 'app'));
    await writeFile(join(root, 'managers', 'ok.ts'), "import { x } from '../proxmox/driver.js';\n");
    await writeFile(join(root, 'proxmox', 'up.ts'), "import { y } from '../managers/ok.js';\n");
    await writeFile(join(root, 'app', 'eager.ts'), "import { z } from '../sim/index.js';\n");
    const { violations } = layerViolations(root);
    assert.deepEqual(violations.sort(), ['app/eager.ts imports the simulator (../sim/index.js); only the driver selection reaches it, lazily', 'proxmox/up.ts imports ../managers/ok.js: proxmox/ may not import managers/ (it is not below)']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
