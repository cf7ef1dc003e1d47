// The code path of a real Proxmox host: `--driver pve-cli` spawning the `pct`/`qm` executables
// found on PATH — here the simulator's shims from `phoenix sim path` (they run dist/sim-cli.js,
// which `npm test` builds first). A container (feature, firewall, raw line, bind mount) and a VM
// from a cloud image are created as configured; a re-run makes no mutating call; a memory
// change is one `pct set`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliCaptured, type CliRun } from '../helpers/cli.js';
import { firewallMismatches, lxcMismatches, vmMismatches } from './expect-config.js';
import { isMutatingCall, userFeature, workspace, type Workspace } from './harness.js';

const SIM_CLI = join(import.meta.dirname, '..', '..', 'dist', 'sim-cli.js');
const skip = !existsSync(SIM_CLI) && 'needs dist/sim-cli.js (run `npm run build`; `npm test` builds it)';
const LXC = 'phoenix_lxc_configs.json';
const VM = 'phoenix_vm_configs.json';

let w: Workspace;
let env: Record<string, string | undefined>;
const run = (...argv: string[]): Promise<CliRun> => runCliCaptured([...argv, '--config', w.config, '--driver', 'pve-cli'], { env, cwd: w.root });
const mutations = () =>
  w
    .since()
    .filter(isMutatingCall)
    .map((c) => c.argv.join(' '));
const doc = (f: string) => JSON.parse(readFileSync(join(w.config, f), 'utf8'));

before(async () => {
  if (skip) return;
  w = workspace({
    files: {
      [LXC]: {
        lxc_configs: {
          '600': {
            name: 'shim-ct',
            template: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            memory_mb: 256,
            swap_mb: 128,
            cores: 1,
            storage_pool: 'local-lvm',
            storage_size_gb: 4,
            start_at_boot: true,
            boot_order: 2,
            boot_delay: 3,
            network_config: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.50.60/24', gw: '192.168.50.1', nameservers: '192.168.50.1' },
            mac_address: 'BC:24:11:50:06:00',
            pct_options: ['nesting=1'],
            lxc_options: ['lxc.cgroup2.devices.allow=c 10:200 rwm'],
            mount_points: [{ host_path: '/srv/shared', container_path: '/shared' }],
            features: ['stamp'],
            firewall: { enabled: true, rules: [{ type: 'in', action: 'ACCEPT', proto: 'tcp', port: '22', source: '192.168.50.0/24', comment: 'ssh' }] },
          },
        },
      },
      [VM]: {
        vms: [
          {
            vmid: 610,
            name: 'shim-vm',
            template_image: 'local:import/debian-12-genericcloud-amd64.qcow2',
            cores: 1,
            memory_mb: 1024,
            disk_size_gb: 6,
            storage_pool: 'local-lvm',
            network_bridge: 'vmbr0',
            network_config: { ip: '192.168.50.61/24', gw: '192.168.50.1', nameserver: '192.168.50.1' },
            user_config: { username: 'ops' },
          },
        ],
      },
    },
  });
  userFeature(w, 'stamp', '#!/bin/sh\nset -eu\necho stamped > /etc/stamp\n');
  const p = await runCliCaptured(['sim', 'path'], { env: w.env, cwd: w.root });
  assert.equal(p.code, 0, p.stderr);
  const bin = p.stdout.trim();
  assert.ok(existsSync(join(bin, 'pct')) && existsSync(join(bin, 'qm')));
  env = { ...w.env, PATH: `${bin}:${process.env.PATH}` };
});
after(() => w?.cleanup());

test('pve-cli through the pct/qm shims: every guest created as configured', { skip }, async () => {
  const r = await run('converge');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stderr, /built-in simulator/, 'pct/qm on PATH were used, not the in-process simulator');
  const g = doc(LXC).lxc_configs['600'];
  const vms = doc(VM);
  assert.deepEqual([...lxcMismatches(600, g, w.conf('lxc', 600)), ...firewallMismatches(w.firewall(600), g.firewall), ...vmMismatches(vms.vms[0], {}, w.conf('vm', 610))], []);
  // The feature ran in the container (pushed and executed through pct).
  assert.equal((await w.sim('pct', 'exec', '600', '--', 'cat', '/etc/stamp')).stdout, 'stamped\n');
  const verbs = new Set(w.calls().map((c) => c.argv.slice(0, 2).join(' ')));
  for (const v of ['pct create', 'pct start', 'pct push', 'pct exec', 'qm create', 'qm resize', 'qm start']) assert.ok(verbs.has(v), v);
  // The boot disk comes from the image inside qm create (import-from=); qm disk import takes only host files.
  assert.ok(!verbs.has('qm disk'), 'no qm disk import');
});

test('pve-cli: a second run makes zero mutating calls; a memory change is exactly one pct set', { skip }, async () => {
  w.mark();
  const again = await run('converge');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(mutations(), []);
  w.edit(LXC, (d) => (d.lxc_configs['600'].memory_mb = 320));
  w.mark();
  const r = await run('converge', '600');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(mutations(), ['pct set 600 --memory 320']);
});
