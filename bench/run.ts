// `npm run bench`: for each target config, (a) Proxmox calls per guest for create-from-nothing,
// a no-op converge and a one-field change (no latency: counting only), and (b) under a latency
// model of a real host, the wall time of `up`, the critical-path lower bound from the graph and
// the calls each guest actually made, their ratio, and `up --concurrency 1` as the one-at-a-time
// baseline. Writes bench/results/results.{json,md}. See bench/README.md.
//
// Options: --only a,b (target names; `cluster-api` names the three-node API run, bench/cluster-api.ts)   --scale F (override every target's latency scale)
//          --no-serial (skip --concurrency 1)   --concurrency N (passed to the timed `up`)
//          --out DIR (default bench/results)

import { cpus } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attribute, criticalPath, latencyEnv, parseEvents, phasesOf, readCallLog, ROOT, runPhoenix, scaled, type CallCounts, type Latency, type LoggedCall, type Phase } from './lib.js';
import { countCalls, HOST_MODEL as REAL_HOST, lockChains, modelMs, resourceBound } from './model.js';
import { runScale } from './scale.js';
import { apiMarkdown, measureAllApiCalls } from './api-calls.js';
import { clusterApiMarkdown, measureClusterApi } from './cluster-api.js';
import { measureStartup } from './startup.js';
import { TARGETS, type Target } from './targets.js';
import { DEFAULT_CONCURRENCY } from '../src/cli/run/converge-command.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt('only')?.split(',');
const scaleOverride = opt('scale') ? Number(opt('scale')) : undefined;
const serial = !args.includes('--no-serial');
const concurrency = opt('concurrency');
const outDir = opt('out') ?? join(ROOT, 'bench', 'results');
// Scale: generated configs (validate, plan on an empty host, plan and no-op converge on a full one).
const scaleOnly = args.includes('--scale-only');
const scaleSizes = args.includes('--no-scale')
  ? []
  : (opt('scale-sizes') ?? '50,500,5000')
      .split(',')
      .map(Number)
      .filter((x) => x >= 8);
const scaleExistingMax = Number(opt('scale-existing-max') ?? 500);
const scaleModelMax = Number(opt('scale-model-max') ?? 500);
// `phoenix --version` against `node -e 0` (skipped with --no-startup; alone with --startup-only).
const startupOnly = args.includes('--startup-only');
const withStartup = !args.includes('--no-startup');

interface Workdir {
  config: string;
  fresh(label: string): Promise<{ state: string; log: string }>;
}

async function workdir(t: Target, root: string): Promise<Workdir> {
  const config = join(root, 'config');
  t.write(config);
  return {
    config,
    fresh: async (label) => {
      const state = join(root, `sim-${label}`);
      rmSync(state, { recursive: true, force: true });
      mkdirSync(state, { recursive: true });
      // Phoenix's own state (.phoenix/pending-restart) lives beside the config: reset it too.
      rmSync(join(config, '.phoenix'), { recursive: true, force: true });
      await t.setupState?.(state);
      return { state, log: join(root, `calls-${label}.jsonl`) };
    },
  };
}

// total=1: a call takes its modelled time in all, the simulator's own work included (as on a real
// host), instead of the work coming on top of it. --sim-work-on-top measures the other way.
const total = !args.includes('--sim-work-on-top');
const env = (state: string, log: string, latency?: Latency) => ({
  PHOENIX_SIM_STATE: state,
  PHOENIX_SIM_LOG: log,
  PHOENIX_SIM_LATENCY: latency ? `${latencyEnv(latency)}${total ? ',total=1' : ''}` : undefined,
  // /etc/pve requests go into the same log (argv ['hostfile', op, path]): counted and modelled.
  PHOENIX_SIM_LOG_HOSTFILES: '1',
});

/**
 * The lower bounds of one timed `up`: the critical path (as before) and the resource-aware one,
 * max(critical path, modelled work / concurrency, longest lock chain), each plus the start phase.
 */
function boundsOf(calls: LoggedCall[], conv: Phase, start: Phase | undefined, needs: Map<number, number[]>, model: Latency, slots: number) {
  const { byGuest, unattributed } = attribute(calls, conv, needs);
  const ran = [...conv.windows.keys()];
  const cost = (g: number) => (byGuest.get(g) ?? []).reduce((s, c) => s + modelMs(c.argv, model), 0);
  const cp = criticalPath(ran, needs, cost);
  // The start phase walks the boot order one guest after the other (boot_delay semantics):
  // its calls are serial by design and add to the bound.
  const startCalls = start ? calls.filter((c) => c.start >= start.start - 5) : [];
  const startModel = startCalls.reduce((s, c) => s + modelMs(c.argv, model), 0);
  const work = ran.reduce((s, g) => s + cost(g), 0);
  const inConverge = calls.filter((c) => c.start >= conv.start - 5 && c.start <= conv.end + 5);
  const chains = lockChains(inConverge, model);
  const rb = resourceBound(cp.length, work, slots, chains);
  return { byGuest, unattributed, ran, cost, cp, startModel, work, chains, rb, cpBound: cp.length + startModel, bound: rb.ms + startModel };
}
const timingOnly = args.includes('--timing-only');

async function needsOf(config: string): Promise<{ nodes: number[]; needs: Map<number, number[]> }> {
  const r = await runPhoenix(['graph', '--json', '--config', config, '--driver', 'sim'], { cwd: config, env: {} });
  const g = JSON.parse(r.stdout) as { nodes: Array<{ id: number }>; edges: Array<[number, number]> };
  const needs = new Map<number, number[]>();
  for (const [from, to] of g.edges) needs.set(from, [...(needs.get(from) ?? []), to]);
  return { nodes: g.nodes.map((n) => n.id), needs };
}

interface Scenario {
  exit: number | null;
  calls: CallCounts;
  guests: number;
  perGuest: { read: number; exec: number; mutating: number };
  /** Guests with the most mutating calls (id: read/exec/mutating). */
  byGuest: Record<string, CallCounts>;
}

function scenario(exit: number | null, calls: LoggedCall[], stdout: string, needs: Map<number, number[]>, guests: number): Scenario {
  const phases = phasesOf(parseEvents(stdout));
  const byGuest: Record<string, CallCounts> = {};
  for (const p of phases) {
    const a = attribute(calls, p, needs);
    for (const [g, cs] of a.byGuest) {
      const c = countCalls(cs);
      const prev = byGuest[g] ?? { read: 0, exec: 0, mutating: 0, total: 0 };
      byGuest[g] = { read: prev.read + c.read, exec: prev.exec + c.exec, mutating: prev.mutating + c.mutating, total: prev.total + c.total };
    }
  }
  const calls_ = countCalls(calls);
  const per = (n: number) => Math.round((n / Math.max(1, guests)) * 10) / 10;
  return { exit, calls: calls_, guests, perGuest: { read: per(calls_.read), exec: per(calls_.exec), mutating: per(calls_.mutating) }, byGuest };
}

async function measureCalls(t: Target, w: Workdir, needs: Map<number, number[]>, nGuests: number) {
  const { state, log } = await w.fresh('calls');
  const run = async (verb: string, label: string) => {
    const l = `${log}.${label}`;
    const r = await runPhoenix([verb, '--json', '--config', w.config, '--driver', 'sim'], { cwd: w.config, env: env(state, l) });
    return { r, calls: readCallLog(l) };
  };
  const create = await run('up', 'create');
  const noop = await run('converge', 'noop');
  const file = join(w.config, t.change.file);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  t.change.edit(doc);
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  const change = await run('converge', 'change');
  const failed = failuresOf(create.r.stdout);
  return {
    create: scenario(create.r.code, create.calls, create.r.stdout, needs, nGuests),
    noop: scenario(noop.r.code, noop.calls, noop.r.stdout, needs, nGuests),
    change: { ...scenario(change.r.code, change.calls, change.r.stdout, needs, nGuests), what: t.change.what },
    failed,
  };
}

/** Guests that did not end ok in the converge phase, with the reason Phoenix printed. */
function failuresOf(stdout: string): Array<{ guest: number; status: string; error?: string }> {
  const out: Array<{ guest: number; status: string; error?: string }> = [];
  for (const e of parseEvents(stdout) as Array<Record<string, any>>) {
    if (e.event === 'run-end') break;
    if (e.event === 'node-end' && e.status !== 'ok') out.push({ guest: e.guest, status: e.status, ...(e.error ? { error: String(e.error).slice(0, 200) } : {}) });
  }
  return out;
}

async function measureTime(t: Target, w: Workdir, nodes: number[], needs: Map<number, number[]>) {
  const scale = scaleOverride ?? t.scale;
  const model = scaled(REAL_HOST, scale);
  const { state, log } = await w.fresh('timed');
  const extra = concurrency ? ['--concurrency', concurrency] : [];
  const up = await runPhoenix(['up', '--json', ...extra, '--config', w.config, '--driver', 'sim'], { cwd: w.config, env: env(state, log, model) });
  const calls = readCallLog(log);
  const [conv, start] = phasesOf(parseEvents(up.stdout));
  const slots = Number(concurrency ?? DEFAULT_CONCURRENCY);
  const { byGuest, unattributed, ran, cost, cp, startModel, work, chains, rb, cpBound, bound } = boundsOf(calls, conv, start, needs, model, slots);
  const observedCp = criticalPath(ran, needs, (g) => {
    const wdw = conv.windows.get(g)!;
    return wdw.end - wdw.start;
  });
  // Where the gap between wall and bound goes, along the critical path: the simulator's own work
  // (a call took longer than its modelled latency: creating a guest root, copying it for a
  // snapshot, running a script) and Phoenix's time between calls inside each guest's workflow.
  let simExtra = 0;
  let phoenixGaps = 0;
  for (const g of cp.path) {
    const cs = byGuest.get(g) ?? [];
    const dur = cs.reduce((s, c) => s + (c.end - c.start), 0);
    simExtra += dur - cost(g);
    const wdw = conv.windows.get(g)!;
    phoenixGaps += wdw.end - wdw.start - dur;
  }
  const result: Record<string, unknown> = {
    scale,
    model,
    exit: up.code,
    guestsRun: ran.length,
    wallMs: Math.round(up.wallMs),
    convergeMs: conv.end - conv.start,
    startPhaseMs: start ? start.end - start.start : 0,
    boundMs: Math.round(bound),
    binding: rb.binding,
    criticalPathBoundMs: Math.round(cpBound),
    criticalPath: cp.path,
    criticalPathModelMs: cp.length,
    startPhaseModelMs: startModel,
    ratio: round(up.wallMs / bound),
    ratioCriticalPath: round(up.wallMs / cpBound),
    longestLockChain: rb.longestChain,
    lockChains: chains.slice(0, 5),
    observedCriticalPathMs: observedCp.length,
    schedulerRatio: round((conv.end - conv.start) / observedCp.length),
    modelWorkMs: work,
    concurrency: slots,
    workPerSlotMs: rb.workPerSlotMs,
    unattributedCalls: unattributed.length,
    gapOnCriticalPath: { simulatorWorkMs: Math.round(simExtra), phoenixBetweenCallsMs: Math.round(phoenixGaps), rest: Math.round(up.wallMs - bound - simExtra - phoenixGaps) },
  };
  const alsoAt: Array<Record<string, unknown>> = [];
  for (const c of concurrency ? [] : (t.alsoAt ?? [])) {
    const x = await w.fresh(`c${c}`);
    const r = await runPhoenix(['up', '--json', '--concurrency', String(c), '--config', w.config, '--driver', 'sim'], { cwd: w.config, env: env(x.state, x.log, model) });
    const xcalls = readCallLog(x.log);
    const [xc, xs] = phasesOf(parseEvents(r.stdout));
    const xb = boundsOf(xcalls, xc, xs, needs, model, c);
    alsoAt.push({ concurrency: c, exit: r.code, wallMs: Math.round(r.wallMs), boundMs: Math.round(xb.bound), binding: xb.rb.binding, ratio: round(r.wallMs / xb.bound), criticalPathBoundMs: Math.round(xb.cpBound), ratioCriticalPath: round(r.wallMs / xb.cpBound) });
  }
  if (alsoAt.length) result.alsoAt = alsoAt;
  if (serial) {
    const s = await w.fresh('serial');
    const one = await runPhoenix(['up', '--concurrency', '1', '--config', w.config, '--driver', 'sim'], { cwd: w.config, env: env(s.state, s.log, model) });
    result.serialExit = one.code;
    result.serialWallMs = Math.round(one.wallMs);
    result.speedup = round(one.wallMs / up.wallMs);
  }
  return result;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const started = Date.now();
  const results: Array<Record<string, unknown>> = [];
  for (const t of TARGETS) {
    if (scaleOnly || startupOnly || (only && !only.includes(t.name))) continue;
    if (!t.available()) {
      console.log(`bench: ${t.name}: skipped (${t.name.startsWith('original') ? '../shared/reference/original-config absent' : 'unavailable'})`);
      continue;
    }
    const root = mkdtempSync(join(tmpdir(), `phoenix-bench-${t.name.replace(/\W/g, '')}-`));
    try {
      // Calls first (the one-field edit happens there), then a fresh copy for the timed runs.
      const wCalls = await workdir(t, join(root, 'a'));
      const { nodes, needs } = await needsOf(wCalls.config);
      const t0 = Date.now();
      const calls = timingOnly ? undefined : await measureCalls(t, wCalls, needs, nodes.length);
      const wTime = await workdir(t, join(root, 'b'));
      const timing = await measureTime(t, wTime, nodes, needs);
      const r = { name: t.name, about: t.about, guests: nodes.length, calls, timing, benchSeconds: Math.round((Date.now() - t0) / 1000) };
      results.push(r);
      console.log(summaryLine(r));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const startup = withStartup && !scaleOnly ? measureStartup() : undefined;
  if (startup) console.log(`bench: startup: phoenix --version ${startup.versionMs} ms, node -e 0 ${startup.nodeMs} ms (median of ${startup.runs}): ${startup.ratio}×`);
  const scale = scaleSizes.length && !startupOnly ? await runScale({ sizes: scaleSizes, existingMax: scaleExistingMax, modelMax: scaleModelMax, concurrency, log: (l) => console.log(l) }) : [];
  // --driver api's requests per guest (up, no-op converge), counted in the same run (--no-api skips).
  const api = args.includes('--no-api') || scaleOnly || startupOnly ? [] : await measureAllApiCalls((l) => console.log(l));
  // Three nodes through --driver api: `up` of the generated 50-guest graph against the cluster's bound (--no-cluster-api skips).
  const clusterApi = args.includes('--no-cluster-api') || args.includes('--no-api') || scaleOnly || startupOnly || (only && !only.includes('cluster-api')) ? undefined : await measureClusterApi({ scale: scaleOverride, ...(concurrency ? { concurrency: Number(concurrency) } : {}), log: (l) => console.log(l) });
  mkdirSync(outDir, { recursive: true });
  const doc = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    latencyModel: REAL_HOST,
    simWork: total ? 'included in the modelled time (PHOENIX_SIM_LATENCY total=1)' : 'on top of the modelled time',
    concurrency: concurrency ? Number(concurrency) : 'default',
    note: 'latencies in ms; "scale" multiplies the model for a target; wall times are of the whole child process',
    totalSeconds: Math.round((Date.now() - started) / 1000),
    results,
    startup,
    scale,
    api,
    clusterApi,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(join(outDir, 'results.md'), markdown(doc));
  console.log(`\n${markdown(doc)}`);
  console.log(`bench: written ${join(outDir, 'results.json')} and results.md in ${doc.totalSeconds}s`);
}

function summaryLine(r: any): string {
  const tm = r.timing;
  return `bench: ${r.name}: ${r.guests} guests; up ${s(tm.wallMs)} vs bound ${s(tm.boundMs)} [${tm.binding}] (ratio ${tm.ratio}; to the critical path ${tm.ratioCriticalPath}); --concurrency 1 ${tm.serialWallMs ? s(tm.serialWallMs) : '-'}; took ${r.benchSeconds}s`;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function markdown(doc: any): string {
  const L: string[] = [];
  L.push(`# Benchmark results (${doc.date.slice(0, 16)}Z, ${doc.machine.cpus} CPUs, Node ${doc.machine.node})`, '');
  L.push(`Latency model (ms, scale 1): ${latencyEnv(doc.latencyModel)}; each target states its scale. Simulator work: ${doc.simWork}. Concurrency of the timed \`up\`: ${doc.concurrency}.`, '');
  L.push('## Proxmox calls (from the simulator call log; per guest = total / guests in the config)', '');
  L.push('| config | guests | scenario | exit | read | exec in guest | mutating | per guest read / exec / mutating |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of doc.results) {
    if (!r.calls) continue;
    for (const k of ['create', 'noop', 'change'] as const) {
      const c = r.calls[k];
      const label = k === 'create' ? 'create from nothing (`up`)' : k === 'noop' ? 'no-op `converge`' : `one-field change (${c.what})`;
      L.push(`| ${r.name} | ${r.guests} | ${label} | ${c.exit} | ${c.calls.read} | ${c.calls.exec} | ${c.calls.mutating} | ${c.perGuest.read} / ${c.perGuest.exec} / ${c.perGuest.mutating} |`);
    }
  }
  L.push('', '## Wall time of `up` against its lower bounds', '');
  L.push('Resource-aware bound = max(critical path, modelled work / concurrency, longest lock chain) + start phase; critical-path bound = critical path + start phase.', '');
  L.push(
    '| config | scale | guests run | `up` wall | resource-aware bound (what binds) | **ratio** | critical-path bound (path) | ratio to it | work / concurrency | longest lock chain | `--concurrency 1` wall | speed-up | converge / observed critical path | gap on the critical path: simulator work / Phoenix between calls / rest |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of doc.results) {
    const t = r.timing;
    const chain = t.longestLockChain ? `${t.longestLockChain.what}: ${s(t.longestLockChain.ms)} (${t.longestLockChain.calls} calls)` : '-';
    L.push(
      `| ${r.name} | ${t.scale} | ${t.guestsRun} | ${s(t.wallMs)} | ${s(t.boundMs)} (${t.binding}) | **${t.ratio}** | ${s(t.criticalPathBoundMs)} (${t.criticalPath.join('→')}) | ${t.ratioCriticalPath} | ${s(t.modelWorkMs)} / ${t.concurrency} = ${s(t.workPerSlotMs)} | ${chain} | ${t.serialWallMs ? s(t.serialWallMs) : '-'} | ${t.speedup ?? '-'}× | ${t.schedulerRatio} | ${s(t.gapOnCriticalPath.simulatorWorkMs)} / ${s(t.gapOnCriticalPath.phoenixBetweenCallsMs)} / ${s(t.gapOnCriticalPath.rest)} |`,
    );
  }
  const extra = doc.results.filter((r: any) => r.timing.alsoAt);
  if (extra.length) {
    L.push('', '### Same graph, other `--concurrency`', '', '| config | concurrency | `up` wall | resource-aware bound (binds) | ratio | critical-path bound | ratio to it |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of extra) for (const a of r.timing.alsoAt) L.push(`| ${r.name} | ${a.concurrency} | ${s(a.wallMs)} | ${s(a.boundMs)} (${a.binding}) | ${a.ratio} | ${s(a.criticalPathBoundMs)} | ${a.ratioCriticalPath} |`);
  }
  if (doc.startup) {
    const u = doc.startup;
    L.push('', '## Start-up', '', `\`phoenix --version\` ${u.versionMs} ms against \`node -e 0\` ${u.nodeMs} ms (medians of ${u.runs} alternating runs): **${u.ratio}×**.`);
  }
  if (doc.scale?.length) {
    L.push('', "## Scale: generated configs (no latency unless said; peak = the child's max RSS)", '');
    L.push('| guests | `validate` | `plan`, empty host | `plan`, all exist | no-op `converge` | no-op `converge` calls: read / exec / mutating (per guest) | under the host model: no-op `converge` / `validate` |', '| --- | --- | --- | --- | --- | --- | --- |');
    const cell = (m: any) => (m ? `${s(m.wallMs)}, ${m.peakMb ?? '?'} MB, ${m.calls.total} calls${m.exit ? ` (exit ${m.exit})` : ''}` : 'not run');
    for (const r of doc.scale.filter((x: any) => x.guests)) {
      const c = r.noopConverge?.calls;
      const um = r.underModel ? `${s(r.underModel.noopConvergeMs)} / ${s(r.underModel.validateMs)} = **${r.underModel.ratioToValidate}×**` : 'not run';
      L.push(`| ${r.guests} | ${cell(r.validate)} | ${cell(r.planEmpty)} | ${cell(r.planExisting)} | ${cell(r.noopConverge)} | ${c ? `${c.read} / ${c.exec} / ${c.mutating} (${r.noopConverge.callsPerGuest})` : '-'} | ${um} |`);
    }
    const g = doc.scale.find((x: any) => x.growth);
    if (g) {
      const f = (x: any, unit: string) => (x ? `${x.from} → ${x.to} ${unit} (×${x.ratio} for ×${x.sizeRatio} guests; ${x.perGuest} ${unit}/guest)` : '-');
      L.push('', `Growth ${g.growth}: validate ${f(g.validateMs, 'ms')}, ${f(g.validateMb, 'MB')}; plan on an empty host ${f(g.planEmptyMs, 'ms')}, ${f(g.planEmptyMb, 'MB')}.`);
    }
  }
  if (doc.api?.length) L.push(...apiMarkdown(doc.api));
  if (doc.clusterApi) L.push(...clusterApiMarkdown(doc.clusterApi));
  const failed = doc.results.filter((r: any) => r.calls?.failed.length);
  if (failed.length) {
    L.push('', '## Guests that did not converge (reported, not measured)', '');
    for (const r of failed) for (const f of r.calls.failed) L.push(`- ${r.name} ${f.guest}: ${f.status}${f.error ? ` — ${f.error}` : ''}`);
  }
  L.push('');
  return L.join('\n');
}

await main();
