// `phoenix sim api`: serves the simulator's API, prints the four exports a run needs (the token by
// its 0600 file, never the secret), and a run with exactly those exports works; Ctrl-C stops it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { runCliCaptured } from '../helpers/cli.js';

test('phoenix sim api prints URL, token file, fingerprint and state; a run with them reaches it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'phx-simapi-'));
  const state = join(root, 'sim');
  writeFileSync(join(root, 'phoenix_lxc_configs.json'), JSON.stringify({ lxc_configs: {} }));
  const ac = new AbortController();
  let stdout = '';
  let stderr = '';
  const env = { ...process.env, PHOENIX_SIM_STATE: state, PHOENIX_SIM_LATENCY: undefined, PHOENIX_SIM_FAULTS: undefined };
  const serving = runCli(['sim', 'api', '--listen', '127.0.0.1:0'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env, cwd: root, isTTY: false, signal: ac.signal });
  try {
    for (let i = 0; i < 200 && !/PHOENIX_API_SIM_STATE/.test(stdout); i++) await new Promise((r) => setTimeout(r, 25));
    const exports = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    assert.deepEqual(Object.keys(exports), ['PHOENIX_API_URL', 'PHOENIX_API_TOKEN_FILE', 'PHOENIX_API_FINGERPRINT', 'PHOENIX_API_SIM_STATE'], stdout + stderr);
    assert.match(exports.PHOENIX_API_URL, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(statSync(exports.PHOENIX_API_TOKEN_FILE).mode & 0o777, 0o600);
    const secret = readFileSync(exports.PHOENIX_API_TOKEN_FILE, 'utf8').trim().split('=')[1];
    assert.ok(secret && !stdout.includes(secret), 'the secret is not printed');
    const r = await runCliCaptured(['status', '--driver', 'api', '--config', root], { env: { ...env, ...exports, PHOENIX_API_TOKEN: undefined }, cwd: root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  } finally {
    ac.abort();
    assert.equal(await serving, 0);
    rmSync(root, { recursive: true, force: true });
  }
});
