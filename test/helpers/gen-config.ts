// A synthetic but realistic Phoenix config of N guests (default 50), for the benchmark and the
// fault/kill/concurrency tests: a few LXC base containers created from templates, clone chains
// (base → mid-level → leaf, cloned from each source's template snapshot), a VM template built
// from a cloud image with full and linked clones, and cross dependencies on a few "service"
// guests (every leaf needs one of them up first). Deterministic for a given seed.
//
// The features are small user features written beside the config (a marker file and a health
// check), so the time a run takes is the Proxmox calls', not the simulated package installs'.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GenOptions {
  /** Guests in all (at least 8). */
  guests?: number;
  seed?: number;
}

export interface GeneratedConfig {
  files: Record<string, string>;
  /** Guest ids by role, for tests that pick a guest to change. */
  roles: { bases: number[]; mids: number[]; services: number[]; leaves: number[]; vmTemplate: number; vms: number[] };
}

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEMPLATES = ['local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst'];

const FEATURE_SCRIPT = `#!/bin/sh
# bench_app: a light feature: one file naming the guest (idempotent through phx_write_file).
set -eu
. "$(dirname "$0")/phoenix-lib.sh"
host=$(cat /etc/hostname 2>/dev/null || echo unknown)
phx_write_file /etc/bench-app 0644 "bench app on \${host}"
`;

const featureManifest = (name: string) =>
  JSON.stringify(
    {
      name,
      description: `synthetic benchmark feature ${name}`,
      kinds: ['lxc', 'vm'],
      requires: [],
      inputs: [],
      timeoutSec: 60,
      healthCheck: { command: ['test', '-s', '/etc/bench-app'], retries: 2, intervalSec: 1, timeoutSec: 10 },
    },
    null,
    2,
  );

export function genConfig(opts: GenOptions = {}): GeneratedConfig {
  const n = Math.max(8, opts.guests ?? 50);
  const rnd = rng(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  let ipNext = 10;
  const ip = () => `10.20.${Math.floor(ipNext / 250)}.${(ipNext++ % 250) + 2}/16`;
  const net = () => ({ name: 'eth0', bridge: 'vmbr0', ip: ip(), gw: '10.20.0.1', nameservers: '10.20.0.1' });

  const lxc: Record<string, Record<string, unknown>> = {};
  const vms: Array<Record<string, unknown>> = [];
  const roles: GeneratedConfig['roles'] = { bases: [], mids: [], services: [], leaves: [], vmTemplate: 9000, vms: [] };

  // Sizes of each role, scaled from the 50-guest shape: 3 bases, 4 mids, 3 services, 1 VM template
  // with ~8 clones, the rest leaves.
  const nBases = Math.max(1, Math.round((3 * n) / 50));
  const nMids = Math.max(1, Math.round((4 * n) / 50));
  const nServices = Math.max(1, Math.round((3 * n) / 50));
  const nVms = Math.max(1, Math.round((8 * n) / 50));
  const nLeaves = n - nBases - nMids - nServices - 1 - nVms;
  // Each role gets its own block of ids: the usual starts (100, 120, 140, 200; VMs 9000/9100) while
  // the blocks fit, else right after the previous block. (Fixed blocks overlapped above ~300
  // guests: later roles overwrote earlier ones, and a guest could end up cloned from itself.)
  const blocks: number[] = [];
  let next = 100;
  for (const [start, count] of [
    [100, nBases],
    [120, nMids],
    [140, nServices],
    [200, nLeaves],
  ] as const) {
    next = Math.max(start, next);
    blocks.push(next);
    next += count;
  }
  const [baseStart, midStart, svcStart, leafStart] = blocks;
  roles.vmTemplate = Math.max(9000, next);
  const vmStart = Math.max(9100, roles.vmTemplate + 1);

  for (let i = 0; i < nBases; i++) {
    const id = baseStart + i;
    roles.bases.push(id);
    lxc[id] = {
      name: `base-${i}`,
      template: TEMPLATES[i % TEMPLATES.length],
      start_at_boot: false,
      memory_mb: 512,
      cores: 1,
      storage_pool: 'local-lvm',
      storage_size_gb: 2,
      network_config: net(),
      unprivileged: true,
      features: ['bench_app'],
      template_snapshot_name: 'base-ready',
    };
  }
  for (let i = 0; i < nMids; i++) {
    const id = midStart + i;
    roles.mids.push(id);
    lxc[id] = {
      name: `mid-${i}`,
      clone_from_ctid: String(roles.bases[i % roles.bases.length]),
      start_at_boot: false,
      memory_mb: 1024,
      cores: 1,
      storage_pool: 'local-lvm',
      storage_size_gb: 3,
      network_config: net(),
      unprivileged: true,
      pct_options: ['nesting=1'],
      features: ['bench_app'],
      template_snapshot_name: 'mid-ready',
    };
  }
  const sources = [...roles.bases, ...roles.mids];
  for (let i = 0; i < nServices; i++) {
    const id = svcStart + i;
    roles.services.push(id);
    lxc[id] = {
      name: `svc-${i}`,
      clone_from_ctid: String(pick(sources)),
      start_at_boot: true,
      boot_order: 1,
      memory_mb: 512,
      cores: 1,
      storage_pool: 'local-lvm',
      storage_size_gb: 3,
      network_config: net(),
      unprivileged: true,
      features: ['bench_svc'],
      enable_lifecycle_snapshots: true,
    };
  }
  for (let i = 0; i < nLeaves; i++) {
    const id = leafStart + i;
    roles.leaves.push(id);
    const deps = rnd() < 0.6 ? [String(pick(roles.services))] : [];
    lxc[id] = {
      name: `app-${i}`,
      clone_from_ctid: String(pick(sources)),
      ...(deps.length ? { dependencies: deps } : {}),
      start_at_boot: true,
      boot_order: 2 + (i % 3),
      memory_mb: 512 + 256 * (i % 4),
      cores: 1 + (i % 2),
      storage_pool: 'local-lvm',
      storage_size_gb: 4,
      network_config: net(),
      unprivileged: true,
      features: ['bench_app'],
      ...(rnd() < 0.3 ? { enable_lifecycle_snapshots: true } : {}),
    };
  }
  vms.push({
    vmid: roles.vmTemplate,
    name: 'bench-cloud-template',
    is_template: true,
    template_image: 'local:import/noble-server-cloudimg-amd64.qcow2',
    network_config: { ip: 'dhcp', nameserver: '10.20.0.1' },
    user_config: { username: 'bench' },
  });
  for (let i = 0; i < nVms; i++) {
    const vmid = vmStart + i;
    roles.vms.push(vmid);
    const ipv = ip();
    vms.push({
      vmid,
      name: `vm-${i}`,
      clone_from_vmid: roles.vmTemplate,
      full_clone: i % 2 === 0,
      memory_mb: 2048,
      disk_size_gb: 8,
      start_at_boot: true,
      boot_order: 5,
      ...(rnd() < 0.5 ? { dependencies: [String(pick([...roles.services, ...roles.leaves.slice(0, 5)]))] } : {}),
      features: ['bench_app'],
      network_config: { ip: ipv, gw: '10.20.0.1', nameserver: '10.20.0.1' },
      user_config: { username: 'bench' },
    });
  }

  const hypervisor = {
    version: '1.0.0',
    domain_name: 'bench.arpa',
    timezone: 'Etc/UTC',
    network: { interfaces: { name: 'vmbr0', address: '10.20.0.2/16', gateway: '10.20.0.1', dns_nameservers: ['10.20.0.1'] }, default_subnet: '10.20.0.0/16' },
  };
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    roles,
    files: {
      'phoenix_hypervisor_config.json': json(hypervisor),
      'phoenix_lxc_configs.json': json({ lxc_configs: lxc }),
      'phoenix_vm_configs.json': json({ vm_defaults: { cores: 2, memory_mb: 2048, disk_size_gb: 4, storage_pool: 'local-lvm', network_bridge: 'vmbr0' }, vms }),
      'features/bench_app/manifest.json': featureManifest('bench_app'),
      'features/bench_app/install.sh': FEATURE_SCRIPT,
      'features/bench_svc/manifest.json': featureManifest('bench_svc'),
      'features/bench_svc/install.sh': FEATURE_SCRIPT,
    },
  };
}

/** Writes a generated config into `dir` (created if missing); returns the roles. */
export function writeGenConfig(dir: string, opts: GenOptions = {}): GeneratedConfig['roles'] {
  const g = genConfig(opts);
  for (const [rel, content] of Object.entries(g.files)) {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
  }
  return g.roles;
}
