// examples/homelab must stay a clean, working example: it validates without a single warning, it
// only uses what the simulator's fresh host has, and every feature it names can be found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPhoenixConfig } from '../src/config/index.js';
import { FeatureRegistry } from '../src/features/registry.js';
import { runCliCaptured } from './helpers/cli.js';

const dir = 'examples/homelab';

// The simulator's fresh host (issue 3): what a new user's first `phoenix up` can rely on.
const FRESH_HOST = {
  bridges: ['vmbr0'],
  guestStorages: ['local-lvm'],
  ctTemplates: ['local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst'],
  images: ['local:import/debian-12-genericcloud-amd64.qcow2', 'local:import/noble-server-cloudimg-amd64.qcow2'],
};

test('phoenix validate passes on examples/homelab with no warnings', async () => {
  const r = await runCliCaptured(['validate', '--config', dir]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /^(warning|error):/m);
  assert.match(r.stdout, /0 errors, 0 warnings/);
});

test('examples/homelab has what the README promises: a base, two clones, a VM template and its clone', async () => {
  const { config } = await loadPhoenixConfig({ config: dir, env: {}, cwd: process.cwd() });
  assert.ok(config);
  const g = config.guests;
  const base = g.get(200)!;
  assert.equal(base.kind, 'lxc');
  assert.ok(base.kind === 'lxc' && base.template && base.snapshots.templateSnapshotName && base.firewall?.rules.length);
  const clones = [...g.values()].filter((x) => x.kind === 'lxc' && x.cloneFrom === 200);
  assert.equal(clones.length, 2);
  assert.ok(clones.every((c) => c.features.length > 0));
  assert.ok(clones.some((c) => c.healthChecks.some((h) => h.kind === 'command')));
  const tmpl = [...g.values()].find((x) => x.kind === 'vm' && x.isTemplate)!;
  assert.ok(tmpl.kind === 'vm' && tmpl.image);
  assert.ok([...g.values()].some((x) => x.kind === 'vm' && x.cloneFrom === tmpl.id));
});

test("examples/homelab only uses the simulator fresh host's bridges, storages, templates and images", async () => {
  const { config } = await loadPhoenixConfig({ config: dir, env: {}, cwd: process.cwd() });
  assert.ok(config);
  for (const guest of config.guests.values()) {
    const where = `${guest.kind} ${guest.id}`;
    if (guest.network) assert.ok(FRESH_HOST.bridges.includes(guest.network.bridge), `${where} bridge`);
    if (guest.storage) assert.ok(FRESH_HOST.guestStorages.includes(guest.storage), `${where} storage`);
    if (guest.kind === 'lxc' && guest.template) assert.ok(FRESH_HOST.ctTemplates.includes(guest.template), `${where} template`);
    if (guest.kind === 'vm' && guest.image) assert.ok(FRESH_HOST.images.includes(guest.image), `${where} image`);
    const ip = guest.network?.ip;
    if (ip && ip !== 'dhcp') assert.match(ip, /^(192\.168|10)\./, `${where} private address`);
  }
});

test('every feature examples/homelab names resolves, including its user feature', async () => {
  const { config } = await loadPhoenixConfig({ config: dir, env: {}, cwd: process.cwd() });
  assert.ok(config);
  const reg = new FeatureRegistry({ configDir: config.dir });
  const names = new Set([...config.guests.values()].flatMap((x) => x.features));
  for (const name of names) {
    const found = reg.find(name);
    assert.ok(found.ok, `feature ${name} resolves`);
    if (name === 'homelab_motd') assert.equal(found.feature.source, 'user');
  }
  assert.ok(names.has('homelab_motd'));
});
