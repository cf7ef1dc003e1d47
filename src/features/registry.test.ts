import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FeatureRegistry, builtinFeaturesDir, packageRoot, resolveGuestFeatures } from './registry.js';

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-reg-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const manifest = (name: string, extra: object = {}) => JSON.stringify({ name, description: `user ${name}`, kinds: ['lxc', 'vm'], timeoutSec: 60, ...extra });

test('the package root is found by walking up to package.json named phoenix-pve', () => {
  assert.ok(builtinFeaturesDir().startsWith(packageRoot()));
  assert.ok(builtinFeaturesDir().endsWith('features'));
});

test('built-in features are found; a user feature beside the config overrides the built-in', () => {
  const dir = configDir({
    'features/docker/manifest.json': manifest('docker'),
    'features/docker/install.sh': '#!/bin/sh\necho mine\n',
    'features/mine/manifest.json': manifest('mine'),
    'features/mine/install.sh': '#!/bin/sh\n',
  });
  try {
    const reg = new FeatureRegistry({ configDir: dir });
    const docker = reg.find('docker');
    assert.ok(docker.ok);
    assert.equal(docker.ok && docker.feature.source, 'user');
    assert.equal(docker.ok && docker.feature.scriptPath, join(dir, 'features/docker/install.sh'));
    const base = reg.find('base_setup');
    assert.equal(base.ok && base.feature.source, 'builtin');
    assert.equal(base.ok && base.feature.scriptPath, join(builtinFeaturesDir(), 'base_setup/install.sh'));
    assert.equal(reg.find('mine').ok, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the original config's unknown features fail per guest with the directories searched", () => {
  const dir = configDir({});
  try {
    const reg = new FeatureRegistry({ configDir: dir });
    const r = resolveGuestFeatures(reg, { id: 102, kind: 'lxc', features: ['base_setup', 'trusted_ca', 'step_cli', 'traefik'] });
    assert.deepEqual(r.problems, [`container 102: feature "traefik" not found (looked in ${join(dir, 'features')}, ${builtinFeaturesDir()})`]);
    assert.deepEqual(
      r.features.map((f) => f.name),
      ['base_setup', 'trusted_ca', 'step_cli'],
    );
    const ca = resolveGuestFeatures(reg, { id: 103, kind: 'lxc', features: ['base_setup', 'step_ca'] });
    assert.match(ca.problems[0]!, /^container 103: feature "step_ca" not found \(looked in /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('requires: a missing requirement is an error; listed earlier or inherited from the clone source is fine', () => {
  const reg = new FeatureRegistry({ configDir: configDir({}) });
  const alone = resolveGuestFeatures(reg, { id: 801, kind: 'lxc', features: ['vllm'] });
  assert.equal(alone.problems.length, 1);
  assert.match(alone.problems[0]!, /^container 801: feature "vllm" requires "nvidia"/);
  const wrongOrder = resolveGuestFeatures(reg, { id: 910, kind: 'lxc', features: ['vllm', 'nvidia'] });
  assert.match(wrongOrder.problems[0]!, /requires "nvidia"/);
  assert.deepEqual(resolveGuestFeatures(reg, { id: 910, kind: 'lxc', features: ['nvidia', 'vllm'] }).problems, []);
  assert.deepEqual(resolveGuestFeatures(reg, { id: 801, kind: 'lxc', features: ['vllm'], inherited: ['nvidia', 'vllm'] }).problems, []);
});

test('kinds, duplicates, bad manifests and missing install.sh are reported, all at once', () => {
  const dir = configDir({
    'features/lxconly/manifest.json': JSON.stringify({ name: 'lxconly', description: 'd', kinds: ['lxc'], timeoutSec: 5 }),
    'features/lxconly/install.sh': '#!/bin/sh\n',
    'features/broken/manifest.json': '{ not json',
    'features/broken/install.sh': '#!/bin/sh\n',
    'features/noscript/manifest.json': manifest('noscript'),
    'features/misnamed/manifest.json': manifest('other'),
    'features/misnamed/install.sh': '#!/bin/sh\n',
  });
  try {
    const reg = new FeatureRegistry({ configDir: dir });
    const r = resolveGuestFeatures(reg, { id: 1001, kind: 'vm', features: ['lxconly', 'docker', 'docker', 'broken', 'noscript', 'misnamed'] });
    assert.equal(r.problems.length, 5);
    assert.match(r.problems[0]!, /^VM 1001: feature "lxconly" does not support vm guests \(supports: lxc\)$/);
    assert.match(r.problems[1]!, /^VM 1001: feature "docker" is listed twice$/);
    assert.match(r.problems[2]!, /feature "broken": .*manifest\.json is not valid JSON/);
    assert.match(r.problems[3]!, /feature "noscript" has no install\.sh/);
    assert.match(r.problems[4]!, /"other" does not match its directory "misnamed"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('application_script: found in <configDir>/scripts, then <configDir>; runs last; missing is a clear error', () => {
  const dir = configDir({ 'scripts/app.sh': '#!/bin/sh\necho app\n', 'top.sh': '#!/bin/sh\n' });
  try {
    const reg = new FeatureRegistry({ configDir: dir });
    const r = resolveGuestFeatures(reg, { id: 101, kind: 'lxc', features: ['base_setup'], applicationScript: 'app.sh' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.features.map((f) => f.name),
      ['base_setup', 'application_script'],
    );
    assert.equal(r.features[1]!.scriptPath, join(dir, 'scripts/app.sh'));
    assert.equal(r.features[1]!.receivesAllGuestInputs, true);
    const top = reg.findApplicationScript('top.sh');
    assert.equal(top.ok && top.feature.scriptPath, join(dir, 'top.sh'));
    const missing = resolveGuestFeatures(reg, { id: 910, kind: 'lxc', features: [], applicationScript: 'phoenix_hypervisor_lxc_vllm.sh' });
    assert.deepEqual(missing.problems, [`container 910: application_script "phoenix_hypervisor_lxc_vllm.sh" not found (looked in ${join(dir, 'scripts/phoenix_hypervisor_lxc_vllm.sh')}, ${join(dir, 'phoenix_hypervisor_lxc_vllm.sh')})`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('builtinInputKeys lists the keys the shipped features receive', async () => {
  const { builtinInputKeys } = await import('./registry.js');
  const keys = builtinInputKeys();
  for (const k of ['vllm_engine_config', 'nvidia_driver_version', 'ports', 'bootstrap_ca_url', 'timezone']) assert.ok(keys.includes(k), k);
  assert.deepEqual(keys, [...keys].sort());
});
