// Test builders for guests: just enough of the model for graph tests. Not used by production code.
import type { Guest, GuestId, LxcGuest, VmGuest } from '../../src/model/guest.js';

interface Spec {
  name?: string;
  cloneFrom?: GuestId;
  dependencies?: GuestId[];
}

const common = (id: GuestId, file: string, path: string, s: Spec) => ({
  id,
  origin: { file, path },
  name: s.name ?? `guest-${id}`,
  cloneFrom: s.cloneFrom,
  dependencies: s.dependencies ?? [],
  features: [],
  healthChecks: [],
  snapshots: { lifecycle: false, named: [] },
  isTemplate: false,
  inputs: {},
});

export const lxc = (id: GuestId, s: Spec = {}): LxcGuest => ({
  ...common(id, 'phoenix_lxc_configs.json', `lxc_configs."${id}"`, s),
  kind: 'lxc',
  pveFeatures: {},
  rawLxc: [],
  mounts: [],
  idMaps: [],
  gpus: [],
});

export const vm = (id: GuestId, s: Spec = {}): VmGuest => ({
  ...common(id, 'phoenix_vm_configs.json', `vms[${id}]`, s),
  kind: 'vm',
  cloudInit: {},
  volumes: [],
  agentTimeoutSec: 300,
  cloudInitTimeoutSec: 600,
  fullClone: true,
});

export const guestMap = (...gs: Guest[]): Map<GuestId, Guest> => new Map(gs.map((g) => [g.id, g]));

/**
 * The original config's shape (ids, clones and dependencies only), so graph tests exercise the
 * real mixed LXC/VM chains without reading files.
 */
export const originalShape = (): Map<GuestId, Guest> =>
  guestMap(
    lxc(900, { name: 'Copy-Base' }),
    lxc(901, { name: 'Copy-Cuda12.8', cloneFrom: 900, dependencies: [1002] }),
    lxc(910, { cloneFrom: 901 }),
    lxc(911, { name: 'Copy-VLLM-GPU0', cloneFrom: 901 }),
    lxc(912, { cloneFrom: 901 }),
    lxc(801, { name: 'granite-embedding', cloneFrom: 911, dependencies: [1002] }),
    lxc(802, { cloneFrom: 911, dependencies: [1002] }),
    lxc(101, { cloneFrom: 900, dependencies: [103] }),
    lxc(914, { cloneFrom: 901, dependencies: [1002] }),
    lxc(917, { cloneFrom: 901, dependencies: [1002] }),
    lxc(103, { name: 'Step-CA', cloneFrom: 900 }),
    lxc(102, { name: 'Traefik-Internal', cloneFrom: 900, dependencies: [103] }),
    vm(9000, { name: 'ubuntu-2404-cloud-template' }),
    vm(1001, { name: 'Portainer', cloneFrom: 9000, dependencies: [102] }),
    vm(1002, { name: 'drphoenix', cloneFrom: 9000, dependencies: [1001] }),
  );
