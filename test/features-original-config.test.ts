// The original config's feature lists, resolved against the built-ins: every guest either gets its
// features or clear messages naming it and what is missing (step_ca, traefik, the application
// scripts the original kept elsewhere), never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureRegistry, resolveGuestFeatures } from '../src/features/registry.js';

const dir = join(import.meta.dirname, '../../shared/reference/original-config');
const skip = !existsSync(dir) && 'needs ../shared/reference/original-config (absent)';

test('original config: features resolve or fail per guest with a clear message', { skip }, () => {
  const lxc = JSON.parse(readFileSync(join(dir, 'phoenix_lxc_configs.json'), 'utf8')).lxc_configs as Record<
    string,
    {
      features?: string[];
      application_script?: string;
      clone_from_ctid?: string;
    }
  >;
  const vms = JSON.parse(readFileSync(join(dir, 'phoenix_vm_configs.json'), 'utf8')).vms as Array<{ vmid: number; features?: string[] }>;
  const reg = new FeatureRegistry({ configDir: dir });
  const inherited = (id: string): string[] => {
    const out: string[] = [];
    for (let src = lxc[id]?.clone_from_ctid; src && lxc[src]; src = lxc[src]!.clone_from_ctid) out.push(...(lxc[src]!.features ?? []));
    return out;
  };
  const problems: string[] = [];
  for (const [id, g] of Object.entries(lxc)) {
    const r = resolveGuestFeatures(reg, { id: Number(id), kind: 'lxc', features: g.features ?? [], applicationScript: g.application_script, inherited: inherited(id) });
    problems.push(...r.problems);
  }
  for (const vm of vms) problems.push(...resolveGuestFeatures(reg, { id: vm.vmid, kind: 'vm', features: vm.features ?? [] }).problems);

  const short = problems.map((p) => p.replace(/ \(looked in .*\)$/, ''));
  assert.deepEqual(short.sort(), [
    'container 101: application_script "phoenix_hypervisor_lxc_101.sh" not found',
    'container 102: application_script "phoenix_hypervisor_lxc_102.sh" not found',
    'container 102: feature "traefik" not found',
    'container 103: application_script "phoenix_hypervisor_lxc_103.sh" not found',
    'container 103: feature "step_ca" not found',
    'container 801: application_script "phoenix_hypervisor_lxc_vllm.sh" not found',
    'container 802: application_script "phoenix_hypervisor_lxc_vllm.sh" not found',
    'container 910: application_script "phoenix_hypervisor_lxc_vllm.sh" not found',
    'container 911: application_script "phoenix_hypervisor_lxc_vllm.sh" not found',
    'container 912: application_script "phoenix_hypervisor_lxc_vllm.sh" not found',
    'container 914: application_script "phoenix_hypervisor_lxc_955.sh" not found',
    'container 917: application_script "phoenix_hypervisor_lxc_957.sh" not found',
  ]);
  assert.ok(
    problems.every((p) => / \(looked in \/.+\)$/.test(p)),
    'each message says where it looked',
  );
});
