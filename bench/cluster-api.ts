// A three-node cluster through the REST API driver: `up` of the generated graph (50 guests, the
// hypervisor file listing pve1, pve2, pve3, so the placement rule spreads them) against
// `phoenix sim serve --nodes pve1,pve2,pve3`'s API under the host model, its wall time against the
// cluster's resource-aware bound, and the API requests per guest, in one run. Part of
// `npm run bench` (`--no-cluster-api` skips it); alone: npx tsx bench/cluster-api.ts [--guests N]
//
// The bound, as for one node (bench/run.ts boundsOf), with the cluster's limits: --concurrency is
// per node (app/converge.ts placeLimits), so
//   max(critical path, max over nodes of (that node's modelled work / concurrency), longest lock
//   chain on one node) + the start phase,
// each guest's work on the node its calls ran on (the simulator's log records it).

import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimApi, type SimApiRequest } from '../src/sim/api/server.js';
import { writeGenConfig } from '../test/helpers/gen-config.js';
import { DEFAULT_CONCURRENCY } from '../src/cli/run/converge-command.js';
import { attribute, criticalPath, latencyEnv, parseEvents, phasesOf, runPhoenix, scaled, type LoggedCall } from './lib.js';
import { HOST_MODEL, lockChains, modelMs, resourceBound } from './model.js';

export interface ClusterApiResult {
  guests: number;
  nodes: string[];
  scale: number;
  concurrency: number;
  exit: number | null;
  wallMs: number;
  boundMs: number;
  binding: string;
  ratio: number;
  criticalPathMs: number;
  /** Per node: guests placed there and their modelled work. */
  perNode: Record<string, { guests: number; workMs: number }>;
  longestChain: string | null;
  startModelMs: number;
  requests: number;
  requestsPerGuest: number;
  mutatingPerGuest: number;
  taskPollsPerGuest: number;
  /** Requests that named each node's path (/nodes/{node}/…). */
  requestsByNode: Record<string, number>;
  nodeSideCalls: number;
  failed: string[];
}

const NODES = ['pve1', 'pve2', 'pve3'];
const round = (x: number) => Math.round(x * 100) / 100;

export async function measureClusterApi(o: { guests?: number; seed?: number; scale?: number; concurrency?: number; log?: (l: string) => void } = {}): Promise<ClusterApiResult> {
  const guests = o.guests ?? 50;
  const scale = o.scale ?? 0.25;
  const slots = o.concurrency ?? DEFAULT_CONCURRENCY;
  const root = mkdtempSync(join(tmpdir(), 'phx-bench-clapi-'));
  const config = join(root, 'config');
  writeGenConfig(config, { guests, seed: o.seed ?? 1 });
  const hypFile = join(config, 'phoenix_hypervisor_config.json');
  writeFileSync(hypFile, `${JSON.stringify({ ...JSON.parse(readFileSync(hypFile, 'utf8')), nodes: NODES }, null, 2)}\n`);
  const state = join(root, 'sim');
  const log = join(root, 'calls.jsonl');
  const model = scaled(HOST_MODEL, scale);
  const latency = `${latencyEnv(model)},total=1`;
  const base = { PHOENIX_SIM_STATE: state, PHOENIX_CONFIG: undefined, PHOENIX_LOCK_DIR: join(root, 'locks') };
  try {
    const reset = await runPhoenix(['sim', 'reset', '--nodes', NODES.join(',')], { cwd: root, env: base });
    if (reset.code !== 0) throw new Error(`sim reset: ${reset.stderr}`);
    const g = await runPhoenix(['graph', '--json', '--config', config, '--driver', 'sim'], { cwd: config, env: base });
    const graph = JSON.parse(g.stdout) as { nodes: Array<{ id: number }>; edges: Array<[number, number]> };
    const needs = new Map<number, number[]>();
    for (const [from, to] of graph.edges) needs.set(from, [...(needs.get(from) ?? []), to]);

    const requests: SimApiRequest[] = [];
    const serverEnv = { ...process.env, ...base, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: latency, PHOENIX_SIM_FAULTS: undefined };
    const api = await startSimApi({ stateDir: state, tlsDir: join(root, 'tls'), env: serverEnv, onRequest: (r) => requests.push(r) });
    let up;
    try {
      // The node-side calls (pct exec/push) run in Phoenix's process, into the simulator's node: the same model and log.
      up = await runPhoenix(['up', '--json', '--concurrency', String(slots), '--config', config, '--driver', 'api'], {
        cwd: config,
        env: { ...base, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: latency, PHOENIX_API_URL: api.url, PHOENIX_API_TOKEN: api.token.replace(/^PVEAPIToken=/, ''), PHOENIX_API_FINGERPRINT: api.fingerprint, PHOENIX_API_SIM_STATE: state },
      });
    } finally {
      await api.close();
    }
    const raw = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as LoggedCall & { node?: string })
      : [];
    const nodeOfCall = new Map(raw.map((c) => [c, c.node ?? NODES[0]!]));
    const [conv, start] = phasesOf(parseEvents(up.stdout));
    if (!conv) throw new Error(`up --driver api gave no run events (exit ${up.code}): ${up.stderr.slice(0, 400)}`);
    const { byGuest } = attribute(raw, conv, needs);
    const ran = [...conv.windows.keys()];
    const cost = (id: number) => (byGuest.get(id) ?? []).reduce((s, c) => s + modelMs(c.argv, model), 0);
    const cp = criticalPath(ran, needs, cost);
    // Each guest's node: where its calls ran (the most of them).
    const perNode: Record<string, { guests: number; workMs: number }> = {};
    for (const id of ran) {
      const count = new Map<string, number>();
      for (const c of byGuest.get(id) ?? []) count.set(nodeOfCall.get(c)!, (count.get(nodeOfCall.get(c)!) ?? 0) + 1);
      const node = [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? NODES[0]!;
      const p = (perNode[node] ??= { guests: 0, workMs: 0 });
      p.guests += 1;
      p.workMs += cost(id);
    }
    const inConverge = raw.filter((c) => c.start >= conv.start - 5 && c.start <= conv.end + 5);
    // Lock chains hold on one node: a local storage's allocations and a source's clones are per node.
    const chains = NODES.flatMap((n) =>
      lockChains(
        inConverge.filter((c) => nodeOfCall.get(c) === n),
        model,
      ).map((ch) => ({ ...ch, what: `${ch.what} on ${n}` })),
    ).sort((a, b) => b.ms - a.ms);
    const busiest = Math.max(0, ...Object.values(perNode).map((p) => p.workMs));
    // resourceBound's work / concurrency with the busiest node's work: each node has its own slots.
    const rb = resourceBound(cp.length, busiest, slots, chains);
    const startCalls = start ? raw.filter((c) => c.start >= start.start - 5) : [];
    const startModel = startCalls.reduce((s, c) => s + modelMs(c.argv, model), 0);
    const bound = rb.ms + startModel;
    const upRequests = requests;
    const taskPolls = upRequests.filter((r) => r.path.includes('/tasks/')).length;
    const agent = (r: SimApiRequest) => /\/agent\//.test(r.path);
    const mutating = upRequests.filter((r) => r.method !== 'GET' && !agent(r)).length;
    const requestsByNode: Record<string, number> = {};
    for (const r of upRequests) {
      const n = /^\/nodes\/([^/]+)\//.exec(r.path)?.[1];
      if (n) requestsByNode[n] = (requestsByNode[n] ?? 0) + 1;
    }
    const failed: string[] = [];
    for (const e of parseEvents(up.stdout) as unknown as Array<Record<string, unknown>>) {
      if (e.event === 'run-end') break;
      if (e.event === 'node-end' && e.status !== 'ok') failed.push(`${String(e.guest)}: ${String(e.status)} ${String(e.error ?? '').slice(0, 160)}`);
    }
    const n = graph.nodes.length;
    const r: ClusterApiResult = {
      guests: n,
      nodes: NODES,
      scale,
      concurrency: slots,
      exit: up.code,
      wallMs: Math.round(up.wallMs),
      boundMs: Math.round(bound),
      binding: rb.binding === 'work / concurrency' ? 'busiest node’s work / concurrency' : rb.binding,
      ratio: round(up.wallMs / bound),
      criticalPathMs: Math.round(cp.length),
      perNode: Object.fromEntries(Object.entries(perNode).sort(([a], [b]) => a.localeCompare(b))),
      longestChain: chains[0] ? `${chains[0].what}: ${(chains[0].ms / 1000).toFixed(1)} s (${chains[0].calls} calls)` : null,
      startModelMs: Math.round(startModel),
      requests: upRequests.length,
      requestsPerGuest: round(upRequests.length / n),
      mutatingPerGuest: round(mutating / n),
      taskPollsPerGuest: round(taskPolls / n),
      requestsByNode: Object.fromEntries(Object.entries(requestsByNode).sort(([a], [b]) => a.localeCompare(b))),
      nodeSideCalls: raw.filter((c) => c.argv[0] === 'pct' && (c.argv[1] === 'exec' || c.argv[1] === 'push')).length,
      failed,
    };
    o.log?.(clusterApiLine(r));
    return r;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function clusterApiLine(r: ClusterApiResult): string {
  const spread = Object.entries(r.perNode)
    .map(([n, p]) => `${n} ${p.guests} (${sec(p.workMs)})`)
    .join(', ');
  return `bench cluster-api: ${r.guests} guests on ${r.nodes.join(',')} (scale ${r.scale}, --concurrency ${r.concurrency} per node): up ${sec(r.wallMs)} vs bound ${sec(r.boundMs)} [${r.binding}] = ratio ${r.ratio}; critical path ${sec(r.criticalPathMs)}; placed ${spread}; ${r.requests} API requests (${r.requestsPerGuest}/guest: mutating ${r.mutatingPerGuest}, task polls ${r.taskPollsPerGuest}); exit ${r.exit}${r.failed.length ? `; failed: ${r.failed.join('; ')}` : ''}`;
}

export function clusterApiMarkdown(r: ClusterApiResult): string[] {
  return [
    '',
    '## Three nodes through the API (`up --driver api` against `sim serve --nodes pve1,pve2,pve3`)',
    '',
    'Bound = max(critical path, busiest node’s modelled work / concurrency, longest lock chain on one node) + start phase (--concurrency is per node).',
    '',
    '| guests | scale | `up` wall | bound (binds) | **ratio** | critical path | guests (modelled work) per node | API requests (per guest) | mutating / task polls per guest | exit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${r.guests} | ${r.scale} | ${sec(r.wallMs)} | ${sec(r.boundMs)} (${r.binding}) | **${r.ratio}** | ${sec(r.criticalPathMs)} | ${Object.entries(r.perNode)
      .map(([n, p]) => `${n}: ${p.guests} (${sec(p.workMs)})`)
      .join(', ')} | ${r.requests} (${r.requestsPerGuest}) | ${r.mutatingPerGuest} / ${r.taskPollsPerGuest} | ${r.exit} |`,
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const opt = (k: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const r = await measureClusterApi({ guests: opt('guests'), scale: opt('scale'), concurrency: opt('concurrency'), log: (l) => console.log(l) });
  console.log(JSON.stringify({ ...r }, null, 2));
}
