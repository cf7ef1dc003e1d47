// (b) Every pct/qm line the original tool sent (golden commands.jsonl) through our validator and
// through the independent apidata checker. The results are reported, not required to be clean;
// what is asserted is that the two judges agree line by line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { haveApidata } from './apidata.js';
import { checkAgainstApidata } from './check-argv.js';
import { checkArgv, formatParamError } from '../../src/proxmox/schema/index.js';

const GOLDEN = fileURLToPath(new URL('../../../shared/reference/golden/expected/', import.meta.url));
const skip = (!haveApidata() || !existsSync(GOLDEN)) && 'needs ../shared/pve and ../shared/reference/golden (absent)';

function goldenLines(): string[][] {
  const seen = new Map<string, string[]>();
  for (const c of readdirSync(GOLDEN)) {
    const f = `${GOLDEN}${c}/commands.jsonl`;
    if (!existsSync(f)) continue;
    for (const l of readFileSync(f, 'utf8').split('\n')) {
      if (!l.trim()) continue;
      const argv = JSON.parse(l) as string[];
      if (argv[0] === 'pct' || argv[0] === 'qm') seen.set(JSON.stringify(argv), argv);
    }
  }
  return [...seen.values()];
}

test('golden pct/qm lines: our validator and apidata agree on each', { skip }, (t) => {
  const lines = goldenLines();
  assert.ok(lines.length > 100, 'expected the recorded command sequences');
  const disagreements: string[] = [];
  let rejected = 0;
  for (const argv of lines) {
    const ours = checkArgv(argv[0] as 'pct' | 'qm', argv.slice(1));
    const theirs = checkAgainstApidata(argv);
    if (ours.errors.length || theirs.length) {
      rejected++;
      t.diagnostic(`${JSON.stringify(argv)}\n  ours: ${ours.errors.length ? formatParamError(ours.errors, ours.usage).trim() : 'accepted'}\n  apidata: ${theirs.join('; ') || 'accepted'}`);
    }
    if (!!ours.errors.length !== !!theirs.length) disagreements.push(JSON.stringify(argv));
  }
  t.diagnostic(`${lines.length} distinct pct/qm lines, ${rejected} rejected at parameter level`);
  assert.deepEqual(disagreements, []);
});
