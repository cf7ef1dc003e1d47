// The configs the benchmark measures, each written into a fresh directory, with what its
// simulated host needs first and the one field the "one-field change" scenario edits.

import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addStorage, addTemplate } from '../src/sim/index.js';
import { writeGenConfig } from '../test/helpers/gen-config.js';
import { ROOT } from './lib.js';

export const ORIGINAL = join(ROOT, '..', 'shared', 'reference', 'original-config');

export interface Target {
  name: string;
  about: string;
  /** Latency scale for the timed runs (1 = the real-host model). */
  scale: number;
  /** Extra timed `up` runs at these --concurrency values (the effect of the limit). */
  alsoAt?: number[];
  /** Writes the config into dir. */
  write(dir: string): void;
  /** Prepares a fresh simulator state (storages, templates an admin would have). */
  setupState?(state: string): Promise<void>;
  /** The one-field change: file and edit. */
  change: { file: string; what: string; edit: (doc: any) => void };
  available(): boolean;
}

async function originalStorages(state: string): Promise<void> {
  await addStorage(state, 'quickOS-lxc-disks', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'quickOS-vm-disks', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'fastData-shared-bulk-data', { type: 'zfspool', content: ['rootdir', 'images'] });
  await addStorage(state, 'fastData-shared-iso', { type: 'dir', content: ['iso', 'vztmpl', 'import'], path: '/fastData/shared-iso' });
  await addTemplate(state, 'fastData-shared-iso:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst');
}

const copyConfig = (from: string, dir: string) => {
  mkdirSync(dir, { recursive: true });
  cpSync(from, dir, { recursive: true, filter: (s) => !s.includes('/.phoenix') });
};

/**
 * Stand-ins for every feature and application script the original config names: the shipped
 * config references features and scripts that do not exist, and GPU features cannot succeed on a
 * host without GPUs. With these the whole 15-guest graph converges, so its shape can be timed.
 */
function writeOriginalStubs(dir: string): string[] {
  const names = new Set<string>();
  const scripts = new Set<string>();
  const lxc = JSON.parse(readFileSync(join(dir, 'phoenix_lxc_configs.json'), 'utf8')).lxc_configs as Record<string, any>;
  const vms = JSON.parse(readFileSync(join(dir, 'phoenix_vm_configs.json'), 'utf8')).vms as any[];
  const checks = new Set<string>();
  for (const g of [...Object.values(lxc), ...vms]) {
    for (const f of g.features ?? []) names.add(f);
    if (g.application_script) scripts.add(g.application_script);
    for (const h of [g.health_check, ...(g.health_checks ?? [])]) if (typeof h?.command === 'string' && h.command.startsWith('/')) checks.add(h.command);
  }
  // The health-check scripts the config runs in its guests come with the original's features: the
  // stand-ins install a passing one at each path.
  const installChecks = [...checks].map((c) => `mkdir -p "$(dirname '${c}')"\nprintf '#!/bin/sh\\nexit 0\\n' > '${c}'\nchmod 755 '${c}'\n`).join('');
  for (const n of names) {
    const d = join(dir, 'features', n);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'manifest.json'), JSON.stringify({ name: n, description: `benchmark stand-in for ${n}`, kinds: ['lxc', 'vm'], requires: [], inputs: [], timeoutSec: 60 }));
    writeFileSync(join(d, 'install.sh'), `#!/bin/sh\nset -eu\n. "$(dirname "$0")/phoenix-lib.sh"\nphx_write_file /etc/bench-${n} 0644 "${n} stand-in"\n${installChecks}`, { mode: 0o755 });
  }
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  for (const s of scripts) writeFileSync(join(dir, 'scripts', s), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return [...names, ...scripts];
}

const setMemory = (id: string, mb: number) => (doc: any) => {
  if (doc.lxc_configs) doc.lxc_configs[id].memory_mb = mb;
  else doc.vms.find((v: any) => String(v.vmid) === id).memory_mb = mb;
};

export const TARGETS: Target[] = [
  {
    name: 'homelab',
    about: 'examples/homelab: 3 containers (a base with a template snapshot, two clones), a VM template from a cloud image and a VM clone',
    scale: 1,
    write: (dir) => copyConfig(join(ROOT, 'examples', 'homelab'), dir),
    change: { file: 'phoenix_lxc_configs.json', what: 'CT 220 memory_mb 256 → 384', edit: setMemory('220', 384) },
    available: () => true,
  },
  {
    name: 'original',
    about: "the original project's config as shipped (15 guests); guests whose features or scripts do not exist fail, their dependents are skipped",
    scale: 1,
    write: (dir) => copyConfig(ORIGINAL, dir),
    setupState: originalStorages,
    change: { file: 'phoenix_lxc_configs.json', what: 'CT 900 memory_mb → 4096', edit: setMemory('900', 4096) },
    available: () => existsSync(ORIGINAL),
  },
  {
    name: 'original+stubs',
    about: 'the original config unchanged, with stand-in features and application scripts beside it so all 15 guests converge',
    scale: 0.5,
    write: (dir) => {
      copyConfig(ORIGINAL, dir);
      writeOriginalStubs(dir);
    },
    setupState: originalStorages,
    change: { file: 'phoenix_lxc_configs.json', what: 'CT 102 memory_mb → 4096', edit: setMemory('102', 4096) },
    available: () => existsSync(ORIGINAL),
  },
  {
    name: 'generated-50',
    about: 'test/helpers/gen-config.ts, 50 guests: 3 LXC bases, 4 mid-level clones, 3 services, 31 leaf clones (60 % depend on a service), a VM template and 8 VM clones (half full, half linked; half depend on a container)',
    scale: 0.25,
    alsoAt: [16],
    write: (dir) => void writeGenConfig(dir, { guests: 50, seed: 1 }),
    change: { file: 'phoenix_lxc_configs.json', what: 'CT 205 memory_mb → 3072', edit: setMemory('205', 3072) },
    available: () => true,
  },
];
