// The simulator's own refusals — harness, not Proxmox rules (src/sim/RULES.md says so): what lies
// outside the simulated set is refused in the simulator's words, never answered as if it were done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simHarness } from '../helpers/sim.js';
import { parseFaultSpec } from '../../src/sim/faults/spec.js';

test("harness: a tool, a pvesh path or output format, a --type or pveversion form outside the simulated set is refused in the simulator's words, exit 255", async () => {
  const h = simHarness();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['vzdump', '100'], /^simulator: unknown tool 'vzdump' \(expected pct, qm, pvesh or pveversion\)\n$/],
      [['pveversion', '--verbose'], /^USAGE: pveversion \[--verbose\] {2}\(--verbose: not simulated\)\n$/],
      [['pvesh', 'get', '/cluster/resources', '--type', 'vm'], /^pvesh \(simulator\): only --output-format json is simulated\n$/],
      [['pvesh', 'get', '/cluster/resources', '--type', 'storage', '--output-format', 'json'], /^pvesh \(simulator\): only 'get \/cluster\/resources --type vm' is simulated\n$/],
      [['pvesh', 'get', '/nodes/pve/qemu'], /^pvesh \(simulator\): only 'get \/cluster\/resources'/],
    ];
    for (const [argv, text] of cases) {
      const r = await h.run(...argv);
      assert.equal(r.exitCode, 255, argv.join(' '));
      assert.match(r.stderr, text, argv.join(' '));
    }
  } finally {
    h.cleanup();
  }
});

test('harness: PHOENIX_SIM_FAULTS with an unknown kind or setting, or a rate outside 0..1, is refused', () => {
  assert.throws(() => parseFaultSpec('rate=0.1,kinds=lock,bogus'), /PHOENIX_SIM_FAULTS: unknown kind 'bogus'/);
  assert.throws(() => parseFaultSpec('rate=0.1,colour=red'), /PHOENIX_SIM_FAULTS: unknown setting 'colour'/);
  assert.throws(() => parseFaultSpec('rate=2'), /PHOENIX_SIM_FAULTS: rate must be between 0 and 1/);
});
