// Issue 9, item 10: a control character in a string that reaches a Proxmox option. A newline in
// a mount path passed validate, became a raw `lxc.hook.mount` line in the guest's config, and
// every later run added another mpN. `validate` now refuses control characters in every such
// string (located, exit 2, nothing executed); the simulator refuses a newline in a property
// string as Proxmox's parse_property_string does (and a newline in any value as write_pct_config
// does), checked against Proxmox's own code with ../shared/pve-oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConf } from '../../src/sim/state/conf.js';
import { writeConf } from '../../src/sim/state/guests.js';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';

const evil = '/data\nlxc.hook.mount: /bin/sh -c "touch /tmp/pwned"';

test('validate refuses a control character in every string that reaches Proxmox, located, exit 2; up runs nothing', { skip: NO_CLI }, async (t) => {
  const w = workspace('ctl', {
    'phoenix_lxc_configs.json': {
      lxc_configs: {
        300: ctConfig({
          mount_points: [{ host_path: '/srv/data', container_path: evil }],
          lxc_options: ['lxc.apparmor.profile=unconfined\nlxc.hook.pre-start=/bin/evil'],
          pct_options: ['nesting=1\r'],
          tags: ['web\u001b[31m'],
        }),
      },
    },
    'phoenix_vm_configs.json': { vms: [{ vmid: 9100, name: 'vm\u009b2J', template_image: 'noble-server-cloudimg-amd64.img' }] },
  });
  t.after(w.cleanup);
  const r = await w.run(['--json', 'validate']);
  assert.equal(r.code, 2, r.out);
  const diags = JSON.parse(r.stdout) as Array<{ severity: string; path: string; message: string; line?: number }>;
  const ctl = diags.filter((d) => d.severity === 'error' && /control character/.test(d.message));
  const paths = ctl.map((d) => d.path).sort();
  assert.deepEqual(paths, ['lxc_configs."300".lxc_options[0]', 'lxc_configs."300".mount_points[0].container_path', 'lxc_configs."300".pct_options[0]', 'lxc_configs."300".tags[0]', 'vms[0].name'].sort(), r.stdout);
  assert.ok(
    ctl.every((d) => typeof d.line === 'number'),
    'every error has a line',
  );
  assert.match(ctl.find((d) => d.path.includes('container_path'))!.message, /\\n/);
  // The human output never prints the raw character.
  const human = await w.run(['validate']);
  assert.equal(human.code, 2);
  assert.doesNotMatch(human.out, /[\u001b\u009b\r]|lxc\.hook\.mount: \/bin/);

  const log = join(w.root, 'calls.jsonl');
  const up = await w.run(['up'], { env: { PHOENIX_SIM_LOG: log } });
  assert.equal(up.code, 2, up.out);
  assert.deepEqual(crashLines(up.out), []);
  assert.ok(!existsSync(log), 'up made Proxmox calls on an invalid config');
});

test('the simulator refuses a newline inside a property string as Proxmox does (mount path → raw lxc.hook line)', { skip: NO_CLI }, async (t) => {
  const w = workspace('simctl', { 'phoenix_lxc_configs.json': { lxc_configs: { 300: ctConfig() } } });
  t.after(w.cleanup);
  assert.equal((await w.run(['up'])).code, 0);
  const bin = execFileSync(process.execPath, [join(w.root, '..', '..', process.cwd(), 'dist', 'cli.js'), 'sim', 'path', '--config', w.config], { env: { ...process.env, ...w.env }, encoding: 'utf8' }).trim();
  const conf = join(w.state, 'etc/pve/nodes/pve/lxc/300.conf');
  const before = readFileSync(conf, 'utf8');
  const pct = (...args: string[]) => {
    try {
      execFileSync(join(bin, 'pct'), args, { env: { ...process.env, ...w.env }, stdio: 'pipe' });
      return { code: 0, err: '' };
    } catch (e) {
      const x = e as { status: number; stderr: Buffer };
      return { code: x.status, err: x.stderr.toString() };
    }
  };
  const r = pct('set', '300', '--mp0', `local-lvm:4,mp=${evil}`);
  assert.equal(r.code, 255);
  assert.match(r.err, /^400 Parameter verification failed\.\nmp0: invalid format - missing key in comma-separated list property\n/);
  const c = pct('create', '301', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--mp0', `local-lvm:4,mp=${evil}`);
  assert.equal(c.code, 255);
  assert.match(c.err, /mp0: invalid format - missing key in comma-separated list property/);
  assert.equal(readFileSync(conf, 'utf8'), before, 'the config changed');
  assert.doesNotMatch(readFileSync(conf, 'utf8'), /lxc\.hook/);
});

test('the simulator never writes a config value with a line break (write_pct_config / write_vm_config)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-adv-conf-'));
  try {
    const conf = parseConf('arch: amd64\n');
    conf.options.mp0 = 'local-lvm:vm-300-disk-1,mp=/data\nlxc.hook.mount: /bin/evil';
    assert.throws(() => writeConf({ kind: 'lxc', node: 'pve', vmid: 300, path: join(dir, '300.conf') }, conf), /^SimError: detected invalid newline inside property 'mp0'$/);
    conf.options.mp0 = 'x\ry';
    assert.doesNotThrow(() => writeConf({ kind: 'lxc', node: 'pve', vmid: 300, path: join(dir, '300.conf') }, conf));
    const vm = parseConf('name: a\n');
    vm.options.args = '-x\r-y';
    assert.throws(() => writeConf({ kind: 'qemu', node: 'pve', vmid: 9100, path: join(dir, '9100.conf') }, vm), /unable to parse value of 'args' - property contains a line feed/);
    assert.ok(!existsSync(join(dir, '9100.conf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
