// The broken-config corpus: each test/fixtures/broken/<case>/ holds a small config with one real
// mistake and an expect.json naming the diagnostic it must produce ({file, path, message} where
// message is a substring, plus line/column for syntax errors, plus `target` when --config names
// a file). Run through the whole CLI in-process: exit 2, the located message, and nothing else
// happens (no file is created or changed in the fixture directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCliCaptured } from './helpers/cli.js';

const ROOT = join(import.meta.dirname, 'fixtures', 'broken');

interface Expect {
  file: string;
  path: string;
  message: string;
  line?: number;
  column?: number;
  target?: string;
}

/** Every file under `dir` with its size and mtime, to prove a run changed nothing. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .map((p) => {
      const s = statSync(p);
      return `${p} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`;
    })
    .sort();
}

const cases = readdirSync(ROOT).sort();

test('the corpus holds at least 40 broken configs', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`broken config: ${name}`, async () => {
    const dir = join(ROOT, name);
    const want = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as Expect;
    const config = want.target ? join(dir, want.target) : dir;
    const env = { PHOENIX_CONFIG: undefined };
    const before = snapshot(dir);

    const json = await runCliCaptured(['--json', 'validate', '--config', config], { cwd: dir, env });
    assert.equal(json.code, 2, `exit code; stderr: ${json.stderr}`);
    const diags = JSON.parse(json.stdout) as Array<{ severity: string; file: string; path: string; message: string; line?: number; column?: number }>;
    const hit = diags.find((d) => d.severity === 'error' && d.file === want.file && d.path === want.path && d.message.includes(want.message));
    assert.ok(hit, `no error ${want.file}: ${want.path}: …${want.message}…; got:\n${diags.map((d) => `  ${d.severity} ${d.file}: ${d.path}: ${d.message}`).join('\n')}`);
    if (want.line !== undefined) assert.deepEqual([hit.line, hit.column], [want.line, want.column], 'line and column');

    const text = await runCliCaptured(['validate', '--config', config], { cwd: dir, env });
    assert.equal(text.code, 2);
    const where = want.path ? `${want.file}:${hit.line ?? ''}` : want.file;
    assert.ok(
      text.stdout.split('\n').some((l) => l.startsWith(`error: ${where}`) && l.includes(want.path) && l.includes(want.message)),
      `human output lacks the located error:\n${text.stdout}`,
    );
    assert.match(text.stdout, /^invalid: \d+ errors?, \d+ warnings?/m);
    assert.equal(text.stderr, '');
    assert.deepEqual(snapshot(dir), before, 'the run created or changed files');
  });
}
