// Runs after the main test run (scripts/test.mjs): every pct/qm call the simulator accepted during
// the whole suite (logged per process to $PHOENIX_CONFORMANCE_DIR/<pid>.jsonl) is re-checked against
// Proxmox's own schema, apidata-pve9.1.js, with the conformance checker. A call the simulator
// accepted but Proxmox would reject means the simulator is too lenient (or Phoenix builds bad argv).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveApidata, synopsisCommand } from './conformance/apidata.js';
import { checkAgainstApidata, checkValue } from './conformance/check-argv.js';

const dir = process.env.PHOENIX_CONFORMANCE_DIR;
const skip = !haveApidata()
  ? 'needs ../shared/pve/apidata-pve9.1.js (absent)'
  : !dir || !existsSync(dir)
    ? 'no call log: run through scripts/test.mjs (it sets PHOENIX_CONFORMANCE_DIR)'
    : false;

/** Local-only commands with no API entry, checked against their synopsis page instead. */
const LOCAL_ONLY: Record<string, number> = { 'pct unlock': 2, 'qm unlock': 2, 'qm guest exec-status': 3 };

function problemsOf(argv: string[]): string[] {
  const local = Object.entries(LOCAL_ONLY).find(([k, n]) => argv.slice(0, n).join(' ') === k);
  if (!local) return checkAgainstApidata(argv);
  const syn = synopsisCommand(argv[0] as 'pct' | 'qm', local[0].split(' ').slice(1).join(' '));
  if (!syn) return [`no synopsis entry for '${local[0]}'`];
  const rest = argv.slice(local[1]);
  if (rest.length !== syn.args.length) return [`expected ${syn.args.length} argument(s), got ${rest.length}`];
  return syn.args.flatMap((a, i) => checkValue(a, rest[i], syn.props[a] ?? { type: 'string' }));
}

test('every pct/qm call the simulator accepted during the suite is valid per apidata-pve9.1.js', { skip }, () => {
  const seen = new Set<string>();
  for (const f of readdirSync(dir!).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir!, f), 'utf8').split('\n')) if (line.trim()) seen.add(line);
  }
  assert.ok(seen.size > 0, 'the suite made no simulator calls: the conformance log is empty');
  const offenders: string[] = [];
  for (const line of [...seen].sort()) {
    const problems = problemsOf(JSON.parse(line) as string[]);
    if (problems.length) offenders.push(`${line}\n    ${problems.join('\n    ')}`);
  }
  assert.equal(offenders.length, 0, `${offenders.length} of ${seen.size} distinct calls break Proxmox's schema:\n${offenders.join('\n')}`);
});
