// `phoenix --version` and `--help` must not pay for zod: in the built bundle, nothing the entry
// imports statically (transitively) may contain zod; only the chunks loaded by verbs may.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIST = join(import.meta.dirname, '..', 'dist');
const STATIC_IMPORT = /^import\s+(?:[\s\S]*?\s+from\s+)?["'](\.\/[^"']+)["'];?/gm;

test('zod is not reachable from dist/cli.js through static imports', { skip: !existsSync(join(DIST, 'cli.js')) && 'needs a build (npm run build)' }, () => {
  const seen = new Set<string>();
  const stack = ['cli.js'];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const text = readFileSync(join(DIST, f), 'utf8');
    assert.doesNotMatch(text, /node_modules\/zod\//, `${f} (statically imported by cli.js) bundles zod`);
    for (const m of text.matchAll(STATIC_IMPORT)) stack.push(m[1].replace(/^\.\//, ''));
  }
  // The check is meaningful only if zod is bundled somewhere else.
  const verbChunks = readFileSync(join(DIST, 'cli.js'), 'utf8').match(/import\(["']\.\/[^"']+["']\)/g) ?? [];
  assert.ok(verbChunks.length > 0, 'cli.js loads verbs lazily');
});
