// selectDriver: which transport and host files each --driver choice gets, and that the choice
// is honest (calls really go where it says).
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { UsageError } from '../../diag/errors.js';
import { MutationRefused } from '../../proxmox/driver.js';
import type { ExecResult } from '../../proxmox/exec/types.js';
import { SIM_SHIM_MARKER } from '../../proxmox/exec/which.js';
import { selectDriver, simStateDir } from './select.js';

let dir: string;
let hostBin: string;
let etcPve: string;
let shimState: string;

// A stand-in `pct` that answers `status` like the real one and logs its argv.
const FAKE_PCT = `#!/bin/sh
printf '%s\\n' "$*" >> "$(dirname "$0")/calls.log"
case "$1" in status) echo "status: running" ;; esac
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'phx-select-'));
  hostBin = join(dir, 'host-bin');
  etcPve = join(dir, 'etc-pve');
  shimState = join(dir, 'sim-state');
  await mkdir(hostBin, { recursive: true });
  await mkdir(join(etcPve, 'firewall'), { recursive: true });
  await writeFile(join(etcPve, 'firewall', '101.fw'), 'host fw\n');
  await writeFile(join(hostBin, 'pct'), FAKE_PCT);
  await chmod(join(hostBin, 'pct'), 0o755);
  await mkdir(join(shimState, 'bin'), { recursive: true });
  await mkdir(join(shimState, 'etc', 'pve', 'firewall'), { recursive: true });
  await writeFile(join(shimState, 'host.json'), JSON.stringify({ node: 'pve2' }));
  await writeFile(join(shimState, 'etc', 'pve', 'firewall', '101.fw'), 'sim fw\n');
  await writeFile(join(shimState, 'bin', 'pct'), `#!/bin/sh\n# phoenix sim shim\nexec node /opt/phoenix/dist/sim-cli.js pct "$@"\n`);
  await chmod(join(shimState, 'bin', 'pct'), 0o755);
});
after(() => rm(dir, { recursive: true, force: true }));

const base = { configDir: '/nonexistent-config', readOnly: false };

test('api: without an address or a token, a usage error that says where they come from', async () => {
  await assert.rejects(selectDriver({ ...base, driver: 'api', env: {} }), (e) => e instanceof UsageError && /--driver api needs the API address: PHOENIX_API_URL=https:\/\/HOST:8006/.test(e.message));
  await assert.rejects(selectDriver({ ...base, driver: 'api', env: { PHOENIX_API_URL: 'https://127.0.0.1:1' } }), (e) => e instanceof UsageError && /none in \$PHOENIX_API_TOKEN or \$PHOENIX_API_TOKEN_FILE/.test(e.message));
  await assert.rejects(selectDriver({ ...base, driver: 'api', env: { PHOENIX_API_URL: 'http://pve:8006' } }), (e) => e instanceof UsageError && /over https only/.test(e.message));
  await assert.rejects(selectDriver({ ...base, driver: 'api', env: { PHOENIX_API_URL: 'https://pve:8006', PHOENIX_API_TOKEN: 'root@pam!x=s3cret', PHOENIX_API_FINGERPRINT: 'nope' } }), (e) => e instanceof UsageError && /SHA-256 fingerprint/.test(e.message) && !/s3cret/.test(e.message));
});

test('api: an unreachable host is one line, exit 1 (OperationError), never the token', async () => {
  await assert.rejects(
    selectDriver({ ...base, driver: 'api', env: { PHOENIX_API_URL: 'https://127.0.0.1:1', PHOENIX_API_TOKEN: 'root@pam!x=s3cret', PHOENIX_API_INSECURE: '1' }, api: { retryDelaysMs: [] } }),
    (e) => e instanceof Error && e.name === 'OperationError' && /cannot reach the Proxmox API: GET \/version: connection refused by 127\.0\.0\.1:1/.test(e.message) && !/s3cret/.test(e.message),
  );
});

test('pve-cli without pct on PATH is a usage error', async () => {
  await assert.rejects(selectDriver({ ...base, driver: 'pve-cli', env: { PATH: join(dir, 'empty') } }), UsageError);
});

test('pve-cli: local pct through the run env PATH, /etc/pve host files, every call reported', async () => {
  const calls: ExecResult[] = [];
  const s = await selectDriver({ ...base, driver: 'pve-cli', env: { PATH: `${hostBin}:/usr/bin:/bin` }, etcPve, onCall: (r) => calls.push(r) });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.transport, 'local');
  assert.equal(s.notice, undefined);
  assert.equal((await s.driver.status('lxc', 101))?.status, 'running');
  assert.deepEqual(
    calls.map((c) => [c.argv, c.exitCode]),
    [[['pct', 'status', '101', '--verbose', '1'], 0]],
  );
  assert.equal(await s.driver.readFirewall(101), 'host fw\n');
});

test('auto: pct on PATH and /etc/pve present is the host', async () => {
  const s = await selectDriver({ ...base, driver: 'auto', env: { PATH: hostBin }, etcPve });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.notice, undefined);
});

test('auto: nothing found is the built-in simulator, with a one-line notice naming its state', async () => {
  const s = await selectDriver({ ...base, driver: 'auto', env: { PATH: join(dir, 'empty') }, etcPve: join(dir, 'no-etc-pve') });
  assert.equal(s.kind, 'sim');
  assert.equal(s.transport, 'sim');
  assert.equal(s.stateDir, join('/nonexistent-config', '.phoenix', 'sim'));
  assert.equal(s.notice, `no Proxmox found here; using the built-in simulator (state: ${s.stateDir})`);
  assert.equal(s.notice?.includes('\n'), false);
  const withEnv = await selectDriver({ ...base, driver: 'auto', env: { PATH: '', PHOENIX_SIM_STATE: join(dir, 'st') }, etcPve: join(dir, 'x') });
  assert.equal(withEnv.stateDir, join(dir, 'st'));
});

test('pve-cli with the simulator shim on PATH: the sim state etc/pve and node', async () => {
  const s = await selectDriver({ ...base, driver: 'pve-cli', env: { PATH: join(shimState, 'bin') }, etcPve });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.stateDir, shimState);
  assert.equal(s.driver.node, 'pve2');
  assert.equal(await s.driver.readFirewall(101), 'sim fw\n');
});

test("the simulator's real shims: the state baked into the script wins over PHOENIX_SIM_STATE", async () => {
  const { writeShims } = await import('../../sim/shims.js');
  const state = join(dir, "it's state");
  const bin = writeShims(state, process.execPath, '/nonexistent/sim-cli.js');
  const s = await selectDriver({ ...base, driver: 'auto', env: { PATH: bin, PHOENIX_SIM_STATE: join(dir, 'other') }, etcPve: join(dir, 'none') });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.stateDir, state);
  assert.equal(s.notice, undefined);
});

test('a marker file beside the shims names the state', async () => {
  const bin = join(dir, 'marked-bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'pct'), '#!/bin/sh\nexit 0\n');
  await chmod(join(bin, 'pct'), 0o755);
  await writeFile(join(bin, SIM_SHIM_MARKER), JSON.stringify({ stateDir: shimState }));
  const s = await selectDriver({ ...base, driver: 'auto', env: { PATH: bin }, etcPve: join(dir, 'none') });
  assert.equal(s.kind, 'pve-cli');
  assert.equal(s.stateDir, shimState);
});

test('readOnly: every mutating method refuses, reads still work', async () => {
  const s = await selectDriver({ ...base, driver: 'pve-cli', env: { PATH: `${hostBin}:/usr/bin:/bin` }, etcPve, readOnly: true });
  await assert.rejects(s.driver.start('lxc', 101), MutationRefused);
  await assert.rejects(s.driver.writeFirewall(101, null), MutationRefused);
  assert.equal((await s.driver.status('lxc', 101))?.status, 'running');
});

test('simStateDir: PHOENIX_SIM_STATE, else <configDir>/.phoenix/sim', () => {
  assert.equal(simStateDir('/cfg', {}), '/cfg/.phoenix/sim');
  assert.equal(simStateDir('/cfg', { PHOENIX_SIM_STATE: '/s' }), '/s');
});
