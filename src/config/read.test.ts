import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPhoenixConfig } from './index.js';
import { ct, lines, lxcFile, tempConfigDir, vm, vmFile } from '../../test/helpers/config.js';

const lxc = lxcFile({ '200': ct({ name: 'base' }) });
const vms = vmFile([vm(9000)]);
const hyp = (core: Record<string, string> = {}) => ({ domain_name: 'lab.example', core_paths: core });
const nowhere = join(tmpdir(), 'phoenix-no-such-default-dir');
const load = (o: { config?: string; env?: Record<string, string>; cwd?: string; defaultDir?: string }) => loadPhoenixConfig({ env: {}, cwd: tmpdir(), defaultDir: nowhere, ...o } as Parameters<typeof loadPhoenixConfig>[0]);
const ids = (r: Awaited<ReturnType<typeof load>>) => [...(r.config?.guests.keys() ?? [])];

test('--config DIR loads the three files of the original layout', async () => {
  const dir = tempConfigDir({ hypervisor: hyp(), lxc, vm: vms });
  const r = await load({ config: dir });
  assert.deepEqual(lines(r, 'error'), []);
  assert.deepEqual(ids(r), [200, 9000]);
  assert.equal(r.config!.dir, dir);
  assert.equal(r.config!.files.lxc, join(dir, 'phoenix_lxc_configs.json'));
  assert.equal(r.config!.host.domainName, 'lab.example');
});

test('--config naming one file loads it and its siblings', async () => {
  const dir = tempConfigDir({ hypervisor: hyp(), lxc, vm: vms });
  const r = await load({ config: join(dir, 'phoenix_vm_configs.json') });
  assert.deepEqual(ids(r), [200, 9000]);
});

test('a relative --config is resolved against the working directory', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'phoenix-rel-'));
  mkdirSync(join(parent, 'etc'));
  writeFileSync(join(parent, 'etc', 'phoenix_lxc_configs.json'), JSON.stringify(lxc));
  const r = await load({ config: 'etc', cwd: parent });
  assert.deepEqual(ids(r), [200]);
});

test('a file with another name is recognised by its content (e.g. the golden subsets)', async () => {
  const dir = tempConfigDir({ 'subset.json': lxc });
  const r = await load({ config: join(dir, 'subset.json') });
  assert.deepEqual(ids(r), [200]);
  assert.equal(r.config!.guests.get(200)!.origin.file, 'subset.json');
});

test('a file Phoenix cannot place is an error', async () => {
  const dir = tempConfigDir({ 'other.json': { hello: 1 } });
  const r = await load({ config: join(dir, 'other.json') });
  assert.equal(r.config, undefined);
  assert.match(lines(r, 'error').join('\n'), /cannot tell which Phoenix file this is/);
});

test('PHOENIX_CONFIG is used when --config is absent, and --config wins over it', async () => {
  const a = tempConfigDir({ lxc });
  const b = tempConfigDir({ vm: vms });
  assert.deepEqual(ids(await load({ env: { PHOENIX_CONFIG: a } })), [200]);
  assert.deepEqual(ids(await load({ config: b, env: { PHOENIX_CONFIG: a } })), [9000]);
});

test('without --config or PHOENIX_CONFIG: the working directory when it holds the files, else the default directory', async () => {
  const here = tempConfigDir({ lxc });
  assert.deepEqual(ids(await load({ cwd: here })), [200]);
  const empty = mkdtempSync(join(tmpdir(), 'phoenix-empty-'));
  const fallback = tempConfigDir({ vm: vms });
  assert.deepEqual(ids(await load({ cwd: empty, defaultDir: fallback })), [9000]);
  const r = await load({ cwd: empty });
  assert.match(lines(r, 'error').join('\n'), /no Phoenix config found.*pass --config DIR or set PHOENIX_CONFIG/);
});

test('core_paths from another machine: the same file names beside the hypervisor file, said at debug level', async () => {
  const dir = tempConfigDir({
    hypervisor: hyp({ lxc_config_file: '/usr/local/phoenix_hypervisor/etc/phoenix_lxc_configs.json', vm_config_file: '/elsewhere/phoenix_vm_configs.json' }),
    lxc,
    vm: vms,
  });
  const r = await load({ config: dir });
  assert.deepEqual(ids(r), [200, 9000]);
  const debug = r.diagnostics.items.filter((d) => d.severity === 'debug');
  assert.equal(debug.length, 2);
  assert.equal(debug[0].path, 'core_paths.lxc_config_file');
  assert.match(debug[0].message, /does not exist here; using phoenix_lxc_configs.json beside phoenix_hypervisor_config.json/);
  assert.deepEqual(lines(r, 'warning'), []);
});

test('core_paths that exist are followed, relative ones from the hypervisor file', async () => {
  const dir = tempConfigDir({ hypervisor: hyp({ lxc_config_file: 'guests/cts.json' }) });
  mkdirSync(join(dir, 'guests'));
  writeFileSync(join(dir, 'guests', 'cts.json'), JSON.stringify(lxc));
  const r = await load({ config: dir });
  assert.deepEqual(ids(r), [200]);
  assert.equal(r.config!.files.lxc, join(dir, 'guests', 'cts.json'));
});

test('either guest file may be absent; a core_path that leads nowhere is a warning', async () => {
  assert.deepEqual(ids(await load({ config: tempConfigDir({ hypervisor: hyp(), vm: vms }) })), [9000]);
  assert.deepEqual(ids(await load({ config: tempConfigDir({ hypervisor: hyp(), lxc }) })), [200]);
  const r = await load({ config: tempConfigDir({ hypervisor: hyp({ lxc_config_file: '/gone/cts.json' }) }) });
  assert.deepEqual(ids(r), []);
  assert.match(lines(r, 'warning').join('\n'), /\/gone\/cts.json does not exist, nor does cts.json beside .*no containers loaded/);
});

test('without a hypervisor file the guest files are found by name', async () => {
  const r = await load({ config: tempConfigDir({ lxc, vm: vms }) });
  assert.deepEqual(ids(r), [200, 9000]);
  assert.deepEqual(r.config!.host.raw, {});
});

test('a missing directory and a directory without any file are errors', async () => {
  const gone = await load({ config: join(tmpdir(), 'phoenix-surely-missing-dir') });
  assert.match(lines(gone, 'error').join('\n'), /--config .*phoenix-surely-missing-dir: no such file or directory/);
  const env = await load({ env: { PHOENIX_CONFIG: '/nonexistent/phoenix' } });
  assert.match(lines(env, 'error').join('\n'), /PHOENIX_CONFIG \/nonexistent\/phoenix: no such file or directory/);
  const empty = await load({ config: mkdtempSync(join(tmpdir(), 'phoenix-empty-')) });
  assert.equal(empty.config, undefined);
  assert.match(lines(empty, 'error').join('\n'), /no Phoenix config files in .* \(expected phoenix_hypervisor_config.json/);
});

test('malformed JSON is an error with line and column, and the other files are still checked', async () => {
  const dir = tempConfigDir({ lxc: '{\n  "lxc_configs": {\n    "200": {"name": "a",}\n  }\n}\n', vm: vmFile([vm(9000, { name: 'bad_name' })]) });
  const r = await load({ config: dir });
  assert.equal(r.config, undefined);
  const json = r.diagnostics.errors.find((d) => d.file === 'phoenix_lxc_configs.json')!;
  assert.deepEqual([json.line, json.column], [3, 25]);
  assert.match(json.message, /^invalid JSON: trailing comma before '}'/);
  assert.ok(r.diagnostics.errors.some((d) => d.file === 'phoenix_vm_configs.json' && d.path === 'vms[0].name'));
});
