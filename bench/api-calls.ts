// API requests per guest for `up --driver api`, then a no-op `converge`, on examples/homelab (and
// the generated config of 12 guests), against the simulator's REST API with no latency. Part of
// `npm run bench` (bench/run.ts, `--no-api` skips it); alone: npx tsx bench/api-calls.ts
// Categories: reads (GET, task status polls counted apart), mutating (POST/PUT/DELETE but the guest
// agent's), in-guest (agent exec/ping/exec-status/file-write), and node-side calls (pct exec/push
// and host files that went to the node, here the simulator's, counted from its call log).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../src/cli/main.js';
import { startSimApi, type SimApiRequest } from '../src/sim/api/server.js';
import { writeGenConfig } from '../test/helpers/gen-config.js';

export interface ApiCallCounts {
  verb: string;
  requests: number;
  reads: number;
  taskPolls: number;
  mutating: number;
  guestAgent: number;
  nodeSide: number;
  perGuest: { requests: number; reads: number; taskPolls: number; mutating: number; guestAgent: number; nodeSide: number };
  ms: number;
}

export interface ApiCallsResult {
  config: string;
  guests: number;
  runs: ApiCallCounts[];
  maxInFlight: number;
  connections: number;
}

/** `up` then a no-op `converge` through --driver api on a copy of `source` (or a generated config). */
export async function measureApiCalls(name: string, source: string | { generated: number }): Promise<ApiCallsResult> {
  const root = mkdtempSync(join(tmpdir(), 'phx-bench-api-'));
  const config = join(root, 'config');
  if (typeof source === 'string') cpSync(source, config, { recursive: true, filter: (s) => !s.includes('/.phoenix') });
  else writeGenConfig(config, { guests: source.generated, seed: 5 });
  const state = join(root, 'sim');
  const log = join(root, 'sim.log');
  const env = { ...process.env, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, PHOENIX_CONFIG: undefined, PHOENIX_LOCK_DIR: join(root, 'locks'), PHOENIX_AUTO_APPROVE: '1' };
  const requests: SimApiRequest[] = [];
  const api = await startSimApi({ stateDir: state, tlsDir: join(root, 'tls'), env, onRequest: (r) => requests.push(r) });
  const runEnv = { ...env, PHOENIX_API_URL: api.url, PHOENIX_API_TOKEN: api.token.replace(/^PVEAPIToken=/, ''), PHOENIX_API_FINGERPRINT: api.fingerprint, PHOENIX_API_SIM_STATE: state };
  const lxc = JSON.parse(readFileSync(join(config, 'phoenix_lxc_configs.json'), 'utf8')).lxc_configs ?? {};
  const vms = existsSync(join(config, 'phoenix_vm_configs.json')) ? (JSON.parse(readFileSync(join(config, 'phoenix_vm_configs.json'), 'utf8')).vms ?? []) : [];
  const guests = Object.keys(lxc).length + vms.length;
  const nodeCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
  const runs: ApiCallCounts[] = [];
  const one = (n: number) => Number((n / guests).toFixed(1));
  try {
    for (const verb of ['up', 'converge']) {
      const r0 = requests.length;
      const n0 = nodeCalls();
      const t0 = performance.now();
      let err = '';
      const code = await runCli([verb, '--config', config, '--driver', 'api', '--quiet'], { stdout: () => {}, stderr: (s) => (err += s), env: runEnv, cwd: root, isTTY: false });
      const ms = Math.round(performance.now() - t0);
      if (code !== 0) throw new Error(`${name}: ${verb} --driver api exited ${code}: ${err}`);
      const rs = requests.slice(r0);
      const agent = (r: SimApiRequest) => /\/agent\//.test(r.path);
      const taskPolls = rs.filter((r) => r.path.includes('/tasks/')).length;
      const reads = rs.filter((r) => r.method === 'GET' && !agent(r) && !r.path.includes('/tasks/')).length;
      const guestAgent = rs.filter(agent).length;
      const mutating = rs.length - taskPolls - reads - guestAgent;
      const nodeSide = nodeCalls() - n0;
      runs.push({ verb, requests: rs.length, reads, taskPolls, mutating, guestAgent, nodeSide, perGuest: { requests: one(rs.length), reads: one(reads), taskPolls: one(taskPolls), mutating: one(mutating), guestAgent: one(guestAgent), nodeSide: one(nodeSide) }, ms });
    }
    return { config: name, guests, runs, maxInFlight: api.maxInFlight(), connections: api.connections() };
  } finally {
    await api.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The two configs `npm run bench` measures. */
export async function measureAllApiCalls(log: (l: string) => void = () => {}): Promise<ApiCallsResult[]> {
  const out: ApiCallsResult[] = [];
  for (const [name, src] of [
    ['homelab', join(import.meta.dirname, '..', 'examples', 'homelab')],
    ['generated-12', { generated: 12 }],
  ] as const) {
    const r = await measureApiCalls(name, src);
    for (const x of r.runs) log(apiLine(r, x));
    out.push(r);
  }
  return out;
}

export function apiLine(r: ApiCallsResult, x: ApiCallCounts): string {
  const p = x.perGuest;
  return `bench api: ${r.config} (${r.guests} guests) ${x.verb.padEnd(8)} ${x.requests} requests (${p.requests}/guest): reads ${x.reads} (${p.reads}), task polls ${x.taskPolls} (${p.taskPolls}), mutating ${x.mutating} (${p.mutating}), guest agent ${x.guestAgent} (${p.guestAgent}); node-side pct calls ${x.nodeSide} (${p.nodeSide}); ${x.ms} ms`;
}

/** The markdown section of results.md. */
export function apiMarkdown(results: ApiCallsResult[]): string[] {
  const L = ['', '## API requests per guest (`--driver api` against `phoenix sim serve`, no latency)', '', '| config | guests | run | requests | reads | task polls | mutating | guest agent | node-side pct (SSH) | per guest: requests / mutating |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of results) for (const x of r.runs) L.push(`| ${r.config} | ${r.guests} | ${x.verb === 'up' ? '`up` from nothing' : 'no-op `converge`'} | ${x.requests} | ${x.reads} | ${x.taskPolls} | ${x.mutating} | ${x.guestAgent} | ${x.nodeSide} | ${x.perGuest.requests} / ${x.perGuest.mutating} |`);
  return L;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rs = await measureAllApiCalls((l) => console.log(l));
  for (const r of rs) console.log(`${r.config}: most requests in flight at once: ${r.maxInFlight}; TLS connections: ${r.connections}`);
}
