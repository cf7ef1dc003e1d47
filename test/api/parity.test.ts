// Parity (issue 12): the `pve-cli` driver (the pct/qm shims of `phoenix sim path` on PATH, as on a
// Proxmox host) and the `api` driver (the simulator's REST front-end, `phoenix sim serve`) leave
// the same simulated host for the same config — every guest's options, snapshots, volumes and
// power state (stateDigest), its firewall file and its feature markers — after `up`, after a
// no-change `up` and after a one-field change. Two configs: examples/homelab and the generated
// config of the fault/kill tests (clone chains, a VM template with linked and full clones).
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliCaptured, type CliRun } from '../helpers/cli.js';
import { writeGenConfig } from '../helpers/gen-config.js';
import { stateDigest } from '../helpers/sim-state.js';
import { workspace, type Workspace } from '../e2e/harness.js';
import { schemaProblems, simApi, type SimApiFixture } from './sim-api.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { endpointOf } from '../../src/proxmox/api/privileges.js';

const SIM_CLI = join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js');
const skip = !existsSync(SIM_CLI) && 'needs dist/sim-cli.js (run `npm run build`; `npm test` builds it)';

interface Pair {
  cli: Workspace;
  api: Workspace;
  f: SimApiFixture;
  runCli: (...argv: string[]) => Promise<CliRun>;
  runApi: (...argv: string[]) => Promise<CliRun>;
  done: () => Promise<void>;
}

async function pair(make: () => Workspace): Promise<Pair> {
  const cli = make();
  const api = make();
  const p = await runCliCaptured(['sim', 'path'], { env: cli.env, cwd: cli.root });
  assert.equal(p.code, 0, p.stderr);
  const cliEnv = { ...cli.env, PATH: `${p.stdout.trim()}:${process.env.PATH}` };
  const f = await simApi({ state: api.state, env: api.env });
  return {
    cli,
    api,
    f,
    runCli: (...argv) => runCliCaptured([...argv, '--config', cli.config, '--driver', 'pve-cli', '--yes'], { env: cliEnv, cwd: cli.root }),
    runApi: (...argv) => runCliCaptured([...argv, '--config', api.config, '--driver', 'api', '--yes'], { env: { ...api.env, ...f.env }, cwd: api.root }),
    done: async () => {
      await f.close();
      cli.cleanup();
      api.cleanup();
    },
  };
}

/** Feature markers and firewall files: host state the digest does not read. */
function extras(w: Workspace): Record<string, unknown> {
  const fw = join(w.state, 'etc', 'pve', 'firewall');
  const out: Record<string, unknown> = {};
  if (existsSync(fw)) for (const f of readdirSync(fw).sort()) out[`firewall/${f}`] = w.firewall(Number(f.replace(/\.fw$/, '')));
  return out;
}

async function markers(w: Workspace, ids: number[]): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  for (const id of ids) {
    const conf = w.conf('lxc', id);
    if (!conf || conf.options.template === '1') continue;
    const r = await w.sim('pct', 'exec', String(id), '--', 'sh', '-c', 'ls /var/lib/phoenix/features 2>/dev/null || true');
    out[id] = r.stdout;
  }
  return out;
}

async function same(p: Pair, what: string): Promise<void> {
  assert.deepEqual(stateDigest(p.api.state), stateDigest(p.cli.state), `${what}: guests differ`);
  assert.deepEqual(extras(p.api), extras(p.cli), `${what}: firewall files differ`);
  const ids = Object.keys(stateDigest(p.cli.state)).map(Number);
  assert.deepEqual(await markers(p.api, ids), await markers(p.cli, ids), `${what}: feature markers differ`);
}

async function parity(p: Pair, edit: (w: Workspace) => void): Promise<void> {
  for (const [what, go] of [
    ['up', () => true],
    ['a no-change up', () => true],
    [
      'an up after one change',
      () => {
        edit(p.cli);
        edit(p.api);
        return true;
      },
    ],
  ] as const) {
    go();
    const c = await p.runCli('up');
    assert.equal(c.code, 0, `pve-cli ${what}:\n${c.stdout}${c.stderr}`);
    const a = await p.runApi('up');
    assert.equal(a.code, 0, `api ${what}:\n${a.stdout}${a.stderr}`);
    await same(p, what);
  }
  if (haveApiSchemas()) assert.deepEqual(schemaProblems(p.f.requests), [], 'every request valid per apidata-pve9.1.js');
  // token-setup's role covers every endpoint the driver called (src/proxmox/api/privileges.ts).
  assert.deepEqual([...new Set(p.f.requests.filter((r) => !endpointOf(r.method, r.path)).map((r) => `${r.method} ${r.path}`))], [], 'endpoints missing from privileges.ts');
  assert.ok(p.f.api.maxInFlight() <= 3, `at most 3 requests in flight, saw ${p.f.api.maxInFlight()}`);
}

test('parity: examples/homelab — pve-cli and api leave the same host after up, a no-change up and a change', { skip }, async () => {
  const p = await pair(() => workspace({ from: 'examples/homelab' }));
  try {
    await parity(p, (w) =>
      w.edit('phoenix_lxc_configs.json', (d) => {
        const id = Object.keys(d.lxc_configs)[0];
        d.lxc_configs[id].memory_mb = (d.lxc_configs[id].memory_mb ?? 512) + 128;
      }),
    );
  } finally {
    await p.done();
  }
});

test('parity: the generated config (clone chains, VM template, linked and full clones) — same host both ways', { skip }, async () => {
  let roles: ReturnType<typeof writeGenConfig> | undefined;
  const p = await pair(() => {
    const w = workspace({});
    roles = writeGenConfig(w.config, { guests: 12, seed: 5 });
    return w;
  });
  try {
    const leaf = roles!.leaves[0];
    await parity(p, (w) =>
      w.edit('phoenix_lxc_configs.json', (d) => {
        d.lxc_configs[String(leaf)].cores = 3;
      }),
    );
  } finally {
    await p.done();
  }
});
