// Test helper: a simulated Proxmox REST API on a fresh simulator state, its requests recorded for
// the schema check, and the environment a Phoenix run needs to reach it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimApi, type SimApi, type SimApiFault, type SimApiRequest } from '../../src/sim/api/server.js';
import { checkApiRequest, type ApiVersion } from '../conformance/check-api.js';

export interface SimApiFixture {
  api: SimApi;
  root: string;
  state: string;
  requests: SimApiRequest[];
  /** PHOENIX_API_* for a run against it (token in the environment, certificate pinned). */
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Shared by the API tests: one certificate for all (openssl costs ~50 ms per key). */
const TLS_DIR = join(tmpdir(), `phoenix-test-api-tls-${process.getuid?.() ?? 0}`);

/**
 * `env` is copied over the process's (the simulator's latency and faults off unless it sets them);
 * `liveEnv` is used as it is, read at each call (the e2e harness's workspace environment, which
 * tests change between runs).
 */
export async function simApi(o: { faults?: SimApiFault[]; state?: string; env?: Record<string, string | undefined>; liveEnv?: Record<string, string | undefined> } = {}): Promise<SimApiFixture> {
  const root = mkdtempSync(join(tmpdir(), 'phx-api-'));
  const state = o.state ?? join(root, 'sim');
  const requests: SimApiRequest[] = [];
  const api = await startSimApi({ stateDir: state, tlsDir: TLS_DIR, faults: o.faults, env: o.liveEnv ?? { ...process.env, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined, ...o.env }, onRequest: (r) => requests.push(r) });
  return {
    api,
    root,
    state,
    requests,
    env: {
      PHOENIX_API_URL: api.url,
      PHOENIX_API_TOKEN: api.token.replace(/^PVEAPIToken=/, ''),
      PHOENIX_API_TOKEN_FILE: undefined,
      PHOENIX_API_FINGERPRINT: api.fingerprint,
      PHOENIX_API_INSECURE: undefined,
      PHOENIX_API_NODE: undefined,
      PHOENIX_NODE_SSH: undefined,
      PHOENIX_API_SIM_STATE: state,
    },
    async close() {
      await api.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every answered request (not the ones refused for auth or injected faults) against the schema. */
export function schemaProblems(requests: SimApiRequest[], v: ApiVersion = '9.1'): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of requests) {
    if (r.status === 401 || r.status >= 590) continue;
    // The task ids are runtime values, checked as the schema's `upid` string like any other.
    const key = `${r.method} ${r.path} ${JSON.stringify(r.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(...checkApiRequest(r.method, r.path, r.params, v).map((p) => `${r.method} ${r.path}: ${p}`));
  }
  return out;
}
