// Runs after the main test run (scripts/test.mjs), over the conformance log the simulator wrote
// during the whole suite ($PHOENIX_CONFORMANCE_DIR, see src/sim/frontend/conformance-log.ts):
//  1. every pct/qm call the simulator accepted is re-checked against Proxmox's API schema
//     (apidata-pve9.1.js) with our own conformance checker;
//  2. Proxmox's own code (../shared/pve-oracle) re-checks every accepted call against the
//     storage.cfg/node/bridges it was made in, and parses every guest config the tests left.
// A call the simulator accepted but Proxmox rejects means the simulator is too lenient (or Phoenix
// builds bad argv); a config Proxmox cannot parse or rewrite means the simulator writes bad state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCallBuckets } from '../src/sim/frontend/conformance-log.js';
import { haveApidata, synopsisCommand } from './conformance/apidata.js';
import { checkAgainstApidata, checkValue } from './conformance/check-argv.js';
import { oracleSkipReason, runOracle, type OracleReport } from './conformance/oracle.js';

const dir = process.env.PHOENIX_CONFORMANCE_DIR;
const noLog = !dir || !existsSync(dir) ? 'no call log: run through scripts/test.mjs (it sets PHOENIX_CONFORMANCE_DIR)' : false;

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

test('every pct/qm call the simulator accepted during the suite is valid per apidata-pve9.1.js', { skip: noLog || (!haveApidata() && 'needs ../shared/pve/apidata-pve9.1.js (absent)') }, () => {
  const seen = new Map<string, Set<string>>();
  for (const b of readCallBuckets(dir!)) {
    for (const c of b.calls) {
      const key = JSON.stringify(c.argv);
      if (!seen.has(key)) seen.set(key, new Set());
      if (c.test) seen.get(key)!.add(c.test);
    }
  }
  assert.ok(seen.size > 0, 'the suite made no simulator calls: the conformance log is empty');
  const offenders: string[] = [];
  for (const [line, tests] of [...seen].sort()) {
    const problems = problemsOf(JSON.parse(line) as string[]);
    if (problems.length) offenders.push(`${line}  (from ${[...tests].join(', ') || '?'})\n    ${problems.join('\n    ')}`);
  }
  assert.equal(offenders.length, 0, `${offenders.length} of ${seen.size} distinct calls break Proxmox's schema:\n${offenders.join('\n')}`);
});

/**
 * Rejections Proxmox's code makes that are owned by another piece of work. Each entry: a pattern
 * over "cmd => message" and why it is tolerated for now.
 */
const KNOWN: Array<{ re: RegExp; why: string }> = [
  // check_hookscript tests -f on this machine's path (/var/lib/vz/snippets/hook.sh): the snippet
  // test/sim/rules-audit.test.ts registers in the simulator is no file here.
  { re: /--hookscript local:snippets\/hook\.sh =>.*script 'local:snippets\/hook\.sh' does not exist/, why: 'a simulated snippet is no file on this machine' },
];

/** Config problems in state the tests seeded themselves (not written by the simulator). */
const KNOWN_CONFIGS: Array<{ re: RegExp; origin: RegExp; why: string }> = [
  // The original tool's recorded configs (../shared/reference/golden) name a cloud-init drive
  // `<zfs storage>:cloudinit`, which PVE::Storage::ZFSPoolPlugin::parse_volname refuses; the replay
  // test seeds them as recorded.
  { re: /unable to parse zfs volume name 'cloudinit'/, origin: /^test\/sim\/golden-replay\.test\.ts /, why: 'golden-replay seeds' },
];

/**
 * What PVE::API2::LXC::create_vm does first with `rootfs`/`mpN` given as a bare size: it becomes
 * `<storage>:<size>` (pve-container src/PVE/API2/LXC.pm:create_vm, "allow to use simple numbers").
 * The oracle's extra update_pct_config post-check of `pct create` sees the raw parameters and would
 * refuse a bare size that create_vm itself accepts, so the call is handed over as create_vm sees it.
 */
export function asCreateVmSeesIt(argv: string[]): string[] {
  if (argv[0] !== 'pct' || argv[1] !== 'create') return argv;
  const si = argv.findIndex((a) => a === '--storage' || a === '-storage');
  const storage = si >= 0 ? argv[si + 1] : 'local';
  return argv.map((a, i) => (i > 0 && /^--?(rootfs|mp\d+)$/.test(argv[i - 1]!) && /^\d+(\.\d+)?$/.test(a) ? `${storage}:${a}` : a));
}

/** One environment (storage.cfg + host.json) with its calls and guest configs. */
interface Env {
  host: string;
  storageCfg: string;
  calls: Map<string, Set<string>>;
  /** kind/vmid/content → where it came from */
  confs: Map<string, { kind: string; vmid: string; text: string; origins: Set<string> }>;
}

const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');

/**
 * The key two guest configs share when Proxmox's checks cannot tell them apart: values in a form
 * every check accepts whatever their digits (a unicast MAC, a uuid, a creation/snapshot time) are
 * blanked, so one of them stands for all. A malformed value keeps its text and stays distinct.
 */
export const confKey = (text: string): string =>
  text
    .replace(/\b[0-9A-F][02468ACE](?::[0-9A-F]{2}){5}\b/g, 'MAC')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UUID')
    .replace(/\bctime=\d+\b/g, 'ctime=N')
    .replace(/^snaptime: \d+$/gm, 'snaptime: N');

test("Proxmox's own code (pve-oracle) accepts every call the simulator accepted and parses every guest config it left", { skip: noLog || oracleSkipReason() }, async (t) => {
  const started = Date.now();
  const envs = new Map<string, Env>();
  const envOf = (bucket: string): Env => {
    const host = read(join(bucket, 'host.json'));
    const storageCfg = read(join(bucket, 'etc', 'pve', 'storage.cfg'));
    const key = createHash('sha1').update(`${host}\0${storageCfg}`).digest('hex');
    if (!envs.has(key)) envs.set(key, { host, storageCfg, calls: new Map(), confs: new Map() });
    return envs.get(key)!;
  };
  for (const b of readCallBuckets(dir!)) {
    const env = envOf(b.dir);
    for (const c of b.calls) {
      const key = JSON.stringify({ argv: asCreateVmSeesIt(c.argv) });
      if (!env.calls.has(key)) env.calls.set(key, new Set());
      if (c.test) env.calls.get(key)!.add(c.test);
    }
  }
  const statesDir = join(dir!, 'states');
  for (const s of existsSync(statesDir) ? readdirSync(statesDir) : []) {
    const bucket = join(statesDir, s);
    const env = envOf(bucket);
    const origin = JSON.parse(read(join(bucket, 'origin.json')) || '{}') as { stateDir?: string; test?: string };
    const node = (JSON.parse(read(join(bucket, 'host.json')) || '{}') as { node?: string }).node ?? 'pve';
    for (const kind of ['lxc', 'qemu-server']) {
      const d = join(bucket, 'etc', 'pve', 'nodes', node, kind);
      for (const f of existsSync(d) ? readdirSync(d).filter((x) => /^\d+\.conf$/.test(x)) : []) {
        const text = readFileSync(join(d, f), 'utf8');
        const vmid = f.replace(/\.conf$/, '');
        const key = `${kind}/${vmid}/${confKey(text)}`;
        if (!env.confs.has(key)) env.confs.set(key, { kind, vmid, text, origins: new Set() });
        env.confs.get(key)!.origins.add(`${origin.test ?? '?'} (state ${origin.stateDir ?? '?'})`);
      }
    }
  }

  // Group: per environment, configs packed so that a vmid occurs once per oracle run; the
  // environment's calls go with its first group. One oracle run costs ~0.7 s of start-up.
  const work = mkdtempSync(join(tmpdir(), 'phoenix-oracle-'));
  interface Group {
    dir: string;
    calls: Array<[string, Set<string>]>;
    confs: Map<string, { text: string; origins: Set<string> }>;
  }
  const groups: Group[] = [];
  let g = 0;
  for (const env of envs.values()) {
    const node = (JSON.parse(env.host || '{}') as { node?: string }).node ?? 'pve';
    const mine: Array<{ dir: string; vmids: Set<string>; group: Group }> = [];
    const newGroup = () => {
      const gdir = join(work, `g${g++}`);
      mkdirSync(join(gdir, 'etc', 'pve', 'nodes', node, 'lxc'), { recursive: true });
      mkdirSync(join(gdir, 'etc', 'pve', 'nodes', node, 'qemu-server'), { recursive: true });
      writeFileSync(join(gdir, 'host.json'), env.host);
      writeFileSync(join(gdir, 'etc', 'pve', 'storage.cfg'), env.storageCfg);
      const group: Group = { dir: gdir, calls: [], confs: new Map() };
      groups.push(group);
      mine.push({ dir: gdir, vmids: new Set(), group });
      return mine[mine.length - 1];
    };
    newGroup();
    for (const c of env.confs.values()) {
      const slot = mine.find((m) => !m.vmids.has(c.vmid)) ?? newGroup();
      slot.vmids.add(c.vmid);
      const path = join(slot.dir, 'etc', 'pve', 'nodes', node, c.kind, `${c.vmid}.conf`);
      writeFileSync(path, c.text);
      slot.group.confs.set(path, c);
    }
    // The environment's calls spread over its groups, so that the parallel runs take about as long.
    const calls = [...env.calls].sort(([a], [b]) => a.localeCompare(b));
    calls.forEach((c, i) => mine[i % mine.length]!.group.calls.push(c));
    for (const m of mine) if (m.group.calls.length) writeFileSync(join(m.dir, 'calls.jsonl'), m.group.calls.map(([l]) => `${l}\n`).join(''));
  }

  const reports: Array<[Group, OracleReport]> = [];
  const queue = [...groups];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const calls = join(next.dir, 'calls.jsonl');
      reports.push([next, await runOracle(existsSync(calls) ? calls : '-', next.dir)]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const sum = { calls: 0, rejected: 0, configs: 0, configProblems: 0, tolerated: 0 };
  const offenders: string[] = [];
  for (const [group, r] of reports) {
    sum.calls += r.calls;
    sum.configs += r.configs;
    for (const p of r.problems) {
      if (p.kind === 'call') {
        const line = Number(/^call#(\d+)$/.exec(p.where)?.[1]);
        const tests = [...(group.calls[line - 1]?.[1] ?? [])].join(', ') || '?';
        const text = `${p.cmd} => ${p.msg.trim().replace(/\n+/g, ' | ')}`;
        const known = KNOWN.find((k) => k.re.test(text));
        if (known) {
          sum.tolerated++;
          continue;
        }
        sum.rejected++;
        offenders.push(`REJECTED ${text}\n    (from ${tests})`);
      } else {
        const conf = group.confs.get(p.where);
        if (conf && KNOWN_CONFIGS.some((k) => k.re.test(p.msg) && [...conf.origins].every((o) => k.origin.test(o)))) {
          sum.tolerated++;
          continue;
        }
        sum.configProblems++;
        const origins = [...(conf?.origins ?? [])].slice(0, 3).join('; ');
        offenders.push(`CONFIG ${p.where.replace(/^.*\/etc\/pve\//, '')}: ${p.msg}\n    (left by ${origins || '?'})\n      ${(conf?.text ?? '').trimEnd().replace(/\n/g, '\n      ')}`);
      }
    }
  }
  t.diagnostic(`pve-oracle: ${sum.calls} distinct calls checked, ${sum.rejected} rejected (+${sum.tolerated} known, see KNOWN*); ${sum.configs} configs parsed, ${sum.configProblems} problems; ${envs.size} environments, ${groups.length} oracle runs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(sum.calls > 0, 'the oracle checked no calls: the conformance log is empty');
  assert.equal(offenders.length, 0, `Proxmox's code disagrees with the simulator on ${offenders.length} call(s)/config(s):\n${offenders.join('\n')}`);
});
