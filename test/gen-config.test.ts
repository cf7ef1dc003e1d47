// The synthetic config generator (bench, fault and kill tests) at every size the bench uses: each
// guest once, clone sources and dependencies that exist, no cycles, and `phoenix validate` exit 0.
// (It used fixed id blocks that overlapped above ~300 guests: guests overwrote each other and a
// clone could name itself as its source.)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliCaptured } from './helpers/cli.js';
import { genConfig, writeGenConfig } from './helpers/gen-config.js';

for (const n of [50, 500, 5000]) {
  test(`gen-config ${n}: ${n} distinct guests, every reference resolves, no cycle`, () => {
    const g = genConfig({ guests: n, seed: 1 });
    const lxc = JSON.parse(g.files['phoenix_lxc_configs.json']).lxc_configs as Record<string, { clone_from_ctid?: string; dependencies?: string[] }>;
    const vms = JSON.parse(g.files['phoenix_vm_configs.json']).vms as Array<{ vmid: number; clone_from_vmid?: number; dependencies?: string[] }>;
    const ids = [...Object.keys(lxc).map(Number), ...vms.map((v) => v.vmid)];
    assert.equal(new Set(ids).size, n);
    assert.equal(ids.length, n);
    const r = g.roles;
    assert.equal(r.bases.length + r.mids.length + r.services.length + r.leaves.length + 1 + r.vms.length, n);
    const needs = new Map<number, number[]>();
    for (const [id, c] of Object.entries(lxc)) needs.set(Number(id), [...(c.clone_from_ctid ? [Number(c.clone_from_ctid)] : []), ...(c.dependencies ?? []).map(Number)]);
    for (const v of vms) needs.set(v.vmid, [...(v.clone_from_vmid ? [v.clone_from_vmid] : []), ...(v.dependencies ?? []).map(Number)]);
    for (const [id, ds] of needs) for (const d of ds) assert.ok(needs.has(d) && d !== id, `${id} needs ${d}`);
    // Depth-first: a guest on the current path seen again is a cycle.
    const state = new Map<number, 1 | 2>();
    const visit = (id: number): void => {
      assert.notEqual(state.get(id), 1, `cycle through ${id}`);
      if (state.get(id) === 2) return;
      state.set(id, 1);
      for (const d of needs.get(id) ?? []) visit(d);
      state.set(id, 2);
    };
    for (const id of needs.keys()) visit(id);
  });
}

test('gen-config: the 50-guest shape keeps its ids (the bench and the tests name them)', () => {
  const r = genConfig({ guests: 50, seed: 1 }).roles;
  assert.deepEqual([r.bases[0], r.mids[0], r.services[0], r.leaves[0], r.vmTemplate, r.vms[0]], [100, 120, 140, 200, 9000, 9100]);
});

test('gen-config 500: phoenix validate accepts it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'phx-gen-'));
  try {
    writeGenConfig(dir, { guests: 500, seed: 1 });
    const r = await runCliCaptured(['validate', '--config', dir], { env: { PHOENIX_CONFIG: undefined }, cwd: tmpdir() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /valid: 500 guests/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
