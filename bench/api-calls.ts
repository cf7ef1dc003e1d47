// API requests per guest for `up --driver api` (then a no-op `converge`) on examples/homelab,
// against the simulator's REST API with no latency. Run: npx tsx bench/api-calls.ts
// Categories: reads (GET, task status polls counted apart), mutating (POST/PUT/DELETE but the guest
// agent's exec/ping), in-guest (agent exec/ping/exec-status), and node-side calls (pct exec/push and
// host files that went to the node, here the simulator's, counted from its call log).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/main.js';
import { startSimApi, type SimApiRequest } from '../src/sim/api/server.js';

const root = mkdtempSync(join(tmpdir(), 'phx-bench-api-'));
const config = join(root, 'config');
cpSync(join(import.meta.dirname, '..', 'examples', 'homelab'), config, { recursive: true, filter: (s) => !s.includes('/.phoenix') });
const state = join(root, 'sim');
const log = join(root, 'sim.log');
const env = { ...process.env, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LOG: log, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, PHOENIX_CONFIG: undefined, PHOENIX_LOCK_DIR: join(root, 'locks') };
const requests: SimApiRequest[] = [];
const api = await startSimApi({ stateDir: state, tlsDir: join(root, 'tls'), env, onRequest: (r) => requests.push(r) });
const runEnv = { ...env, PHOENIX_API_URL: api.url, PHOENIX_API_TOKEN: api.token.replace(/^PVEAPIToken=/, ''), PHOENIX_API_FINGERPRINT: api.fingerprint, PHOENIX_API_SIM_STATE: state };
const guests = (() => {
  const lxc = JSON.parse(readFileSync(join(config, 'phoenix_lxc_configs.json'), 'utf8')).lxc_configs ?? {};
  const vms = existsSync(join(config, 'phoenix_vm_configs.json')) ? (JSON.parse(readFileSync(join(config, 'phoenix_vm_configs.json'), 'utf8')).vms ?? []) : [];
  return Object.keys(lxc).length + vms.length;
})();
const nodeCalls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);

async function measure(verb: string) {
  const r0 = requests.length;
  const n0 = nodeCalls();
  const t0 = performance.now();
  let err = '';
  const code = await runCli([verb, '--config', config, '--driver', 'api', '--quiet'], { stdout: () => {}, stderr: (s) => (err += s), env: runEnv, cwd: root, isTTY: false });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${verb} exited ${code}: ${err}`);
  const rs = requests.slice(r0);
  const agent = (r: SimApiRequest) => /\/agent\//.test(r.path);
  const polls = rs.filter((r) => r.path.includes('/tasks/')).length;
  const reads = rs.filter((r) => r.method === 'GET' && !agent(r) && !r.path.includes('/tasks/')).length;
  const inGuest = rs.filter(agent).length;
  const mutating = rs.length - polls - reads - inGuest;
  const node = nodeCalls() - n0;
  const per = (n: number) => (n / guests).toFixed(1);
  console.log(
    `${verb.padEnd(9)} ${String(rs.length).padStart(5)} requests (${per(rs.length)}/guest): reads ${reads} (${per(reads)}), task polls ${polls} (${per(polls)}), mutating ${mutating} (${per(mutating)}), guest agent ${inGuest} (${per(inGuest)}); node-side pct calls ${node} (${per(node)}); ${Math.round(ms)} ms`,
  );
}

try {
  console.log(`examples/homelab: ${guests} guests, --driver api against the simulated API (no latency)`);
  await measure('up');
  await measure('converge');
  console.log(`most requests in flight at once: ${api.maxInFlight()}; TLS connections: ${api.connections()}`);
} finally {
  await api.close();
  rmSync(root, { recursive: true, force: true });
}
