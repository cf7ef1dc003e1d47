// Type mutations of the example configs (issue 9, item 7): every JSON path of examples/homelab and
// of the original Phoenix config (when /work/shared/reference is there) replaced by null, a number,
// a string, a list, an object or a boolean — and lists given an extra item of each kind. Every verb
// that loads the config either accepts it or exits 2 with a located message: never a stack trace,
// never an internal error, never exit 1.
//
// Fixed seed, fixed budget (PHOENIX_FUZZ_MUTATIONS, default 150; PHOENIX_FUZZ_SEED to explore).
// The CLI runs in-process (runCli, the code bin.ts runs) so hundreds of runs take seconds; each
// mutation is checked with `validate` and with one more verb in turn (read-only or --dry-run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';

const BUDGET = Number(process.env.PHOENIX_FUZZ_MUTATIONS ?? 150);
const SEED = Number(process.env.PHOENIX_FUZZ_SEED ?? 20261202);
const ROOT = join(import.meta.dirname, '..', '..');
const SEEDS = [join(ROOT, 'examples', 'homelab'), join(ROOT, '..', 'shared', 'reference', 'original-config')].filter((d) => existsSync(d));
const FILES = ['phoenix_hypervisor_config.json', 'phoenix_lxc_configs.json', 'phoenix_vm_configs.json'];
const KINDS: Array<[string, unknown]> = [
  ['null', null],
  ['number', 42],
  ['string', 'x'],
  ['array', []],
  ['object', {}],
  ['bool', true],
];
// Verbs that load the config; the ones that would act run with --dry-run (and --yes where asked).
const VERBS = [['graph'], ['list'], ['plan'], ['status'], ['up', '--dry-run'], ['create', '200', '--dry-run'], ['converge', '--dry-run'], ['delete', '200', '--dry-run', '--yes'], ['start', '200', '--dry-run'], ['stop', '200', '--dry-run'], ['health-check', '200'], ['graph', '--json']];

type Path = Array<string | number>;

/** Every path in `v` (the root included). */
function pathsOf(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

function mutate(doc: unknown, path: Path, value: unknown, append: boolean): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return append && Array.isArray(copy) ? [...copy, value] : value;
  let parent = copy as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (append) (parent[last] as unknown[]).push(value);
  else parent[last] = value;
  return copy;
}

// mulberry32: a small seeded generator, so a failure can be replayed with its seed.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mutation {
  seedDir: string;
  file: string;
  path: Path;
  kind: string;
  value: unknown;
  append: boolean;
}

function allMutations(): Mutation[] {
  const out: Mutation[] = [];
  for (const seedDir of SEEDS) {
    for (const file of FILES) {
      if (!existsSync(join(seedDir, file))) continue;
      const doc = JSON.parse(readFileSync(join(seedDir, file), 'utf8'));
      for (const path of pathsOf(doc)) {
        let target: unknown = doc;
        for (const p of path) target = (target as Record<string | number, unknown>)[p];
        for (const [kind, value] of KINDS) {
          out.push({ seedDir, file, path, kind, value, append: false });
          if (Array.isArray(target)) out.push({ seedDir, file, path, kind, value, append: true });
        }
      }
    }
  }
  return out;
}

const describe = (m: Mutation) => `${m.seedDir.split('/').pop()}/${m.file} ${JSON.stringify(m.path)} ${m.append ? '+= ' : '= '}${m.kind}`;

test(`config fuzz: ${BUDGET} type mutations (seed ${SEED}); every verb validates or exits 2, located, never a stack trace`, async (t) => {
  const all = allMutations();
  const next = rng(SEED);
  // The nulls the issue names first (a VM file that is null, null items in volume lists), then a sample.
  const named = all.filter((m) => m.kind === 'null' && (m.path.length === 0 || m.append || /^(mount_points|zfs_volumes|volumes|shared_volumes)$/.test(String(m.path[m.path.length - 1]))));
  const picked = [...named.slice(0, Math.min(named.length, Math.floor(BUDGET / 4)))];
  while (picked.length < Math.min(BUDGET, all.length)) picked.push(all[Math.floor(next() * all.length)]!);
  const work = mkdtempSync(join(tmpdir(), 'phoenix-fuzz-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const problems: string[] = [];
  let accepted = 0;
  let verbIndex = 0;
  for (const m of picked) {
    const dir = join(work, 'config');
    rmSync(dir, { recursive: true, force: true });
    cpSync(m.seedDir, dir, { recursive: true, filter: (src) => !src.endsWith('.schema.json') });
    const doc = JSON.parse(readFileSync(join(dir, m.file), 'utf8'));
    writeFileSync(join(dir, m.file), `${JSON.stringify(mutate(doc, m.path, m.value, m.append), null, 2)}\n`);
    const env = { PHOENIX_SIM_STATE: join(work, 'sim'), PHOENIX_CONFIG: undefined };
    const verbs = [['validate'], VERBS[verbIndex++ % VERBS.length]!];
    let valid = false;
    for (const verb of verbs) {
      // An exception out of runCli is what bin.ts prints as "internal error" with a stack trace.
      const r = await runCliCaptured([...verb, '--config', dir, '--driver', 'sim'], { cwd: work, env }).catch((e: Error) => ({ code: 1, stdout: '', stderr: `internal error: ${e.stack ?? e.message}` }));
      const out = `${r.stdout}${r.stderr}`;
      const bad = /internal error|\n\s+at .*:\d+:\d+/.test(out)
        ? 'a stack trace / internal error'
        : r.code === 1 && !valid
          ? 'exit 1' // a valid config may fail a guest (exit 1); a broken one exits 2
          : r.code === 2 && !/:\d+:\d+: |^phoenix: .*\.json/m.test(out) && !/^(error|warning): /m.test(out)
            ? 'exit 2 without a located message'
            : ![0, 1, 2].includes(r.code)
              ? `exit ${r.code}`
              : undefined;
      if (bad) problems.push(`${describe(m)} · ${verb.join(' ')}: ${bad}\n    ${out.split('\n').slice(0, 3).join('\n    ')}`);
      if (verb[0] === 'validate' && r.code === 0) {
        valid = true;
        accepted++;
      }
    }
  }
  t.diagnostic(`config fuzz: ${picked.length} mutations of ${all.length} (seed ${SEED}), ${accepted} accepted by validate`);
  assert.deepEqual(problems, []);
});
