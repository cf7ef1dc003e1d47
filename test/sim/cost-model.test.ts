// The bench's cost model in PHOENIX_SIM_LATENCY: a start-up cost for every pct/qm/pveversion
// call (`cli`), one for a pvesh request (`pvesh`), one for each /etc/pve file request (`file`,
// applied by the driver selection). Only what is modelled is checked here, never a wall time.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileLatencyMs } from '../../src/app/drivers/sim-files.js';
import { selectDriver } from '../../src/app/drivers/select.js';
import { frontEndMs as front } from '../../src/sim/frontend/cost.js';
import { parseLatency } from '../../src/sim/frontend/run.js';

/** What a call is modelled at in all: run.ts's verb latency (the key it sleeps) plus the front-end. */
const VERB_KEY: Record<string, string> = { create: 'create', exec: 'exec', 'disk import': 'import' };
const pveToolMs = (l: Record<string, number>, command: string) => front(['pct'], l) + (l[VERB_KEY[command] ?? 'default'] ?? l.default ?? 0);
const frontEndMs = (l: Record<string, number>, tool: 'pvesh' | 'pveversion') => front([tool], l);

const MODEL = parseLatency('create=4000,clone=6000,start=1500,exec=300,default=150,cli=500,pvesh=800,file=10');

test('cost model: every pct/qm call pays the front-end start-up on top of its work', () => {
  assert.equal(pveToolMs(MODEL, 'create'), 4500);
  assert.equal(pveToolMs(MODEL, 'config'), 650);
  assert.equal(pveToolMs(MODEL, 'exec'), 800);
  assert.equal(front(['qm', 'guest', 'exec-status', '100', '1'], MODEL), 500);
  assert.equal(front(['hostfile', 'read', 'x'], MODEL), 0);
  assert.equal(pveToolMs(MODEL, 'disk import'), 650); // no `import` key: default
  assert.equal(frontEndMs(MODEL, 'pvesh'), 800);
  assert.equal(frontEndMs(MODEL, 'pveversion'), 650);
});

test('cost model: without cli/pvesh keys the old meaning holds (tests that set create=… are unchanged)', () => {
  const old = parseLatency('create=800,default=150');
  assert.equal(pveToolMs(old, 'create'), 800);
  assert.equal(pveToolMs(old, 'status'), 150);
  assert.equal(frontEndMs(old, 'pvesh'), 150);
  assert.equal(frontEndMs(parseLatency(''), 'pvesh'), 0);
  assert.equal(fileLatencyMs('create=1,file=10,total=1'), 10);
  assert.equal(fileLatencyMs('create=1'), 0);
  assert.equal(fileLatencyMs(undefined), 0);
});

test('cost model: /etc/pve requests of the simulated host are logged beside the pct/qm calls when asked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'phx-cost-'));
  try {
    const log = join(dir, 'calls.jsonl');
    const env = { PHOENIX_SIM_STATE: join(dir, 'sim'), PHOENIX_SIM_LOG: log, PHOENIX_SIM_LOG_HOSTFILES: '1', PATH: process.env.PATH };
    const { driver } = await selectDriver({ driver: 'sim', env, configDir: dir, readOnly: true });
    await driver.list();
    const inv = await driver.inventory();
    assert.deepEqual(inv?.guests, []);
    const lines = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] });
    assert.deepEqual(lines.map((l) => l.argv.slice(0, 3)).sort(), [
      ['hostfile', 'readDir', 'nodes/pve/lxc'],
      ['hostfile', 'readDir', 'nodes/pve/qemu-server'],
      ['pct', 'list'],
      ['pvesh', 'get', '/cluster/resources'],
      ['qm', 'list'],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
