// A guest's firewall through the API's firewall endpoints: the simulator answers them from the
// guest's .fw file as pve-firewall does (a new rule goes first, `enable` is 0 unless sent, a rule
// position past the end is refused, an unknown parameter is a 400), and the API driver makes the
// file equal to what the managers render — then reads back the same text — with requests valid per
// both schemas. The file format codec round-trips what Phoenix renders.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { selectDriver } from '../../src/app/drivers/select.js';
import { ApiClient } from '../../src/proxmox/api/client.js';
import { formatFirewall, parseFirewallText } from '../../src/proxmox/api/firewall.js';
import { parseApiToken } from '../../src/proxmox/api/token.js';
import type { ProxmoxDriver } from '../../src/proxmox/driver.js';
import { renderFirewall } from '../../src/managers/common/firewall.js';
import { haveApiSchemas } from '../conformance/check-api.js';
import { schemaProblems, simApi, type SimApiFixture } from './sim-api.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
let f: SimApiFixture;
let d: ProxmoxDriver;
let c: ApiClient;
const fw = (vmid: number) => {
  const p = join(f.state, 'etc', 'pve', 'firewall', `${vmid}.fw`);
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
};

before(async () => {
  f = await simApi();
  d = (await selectDriver({ driver: 'api', env: { ...process.env, ...f.env }, configDir: f.root, readOnly: false })).driver;
  c = new ApiClient({ url: f.api.url, token: parseApiToken(f.api.token, 'test'), tls: { mode: 'pin', fingerprint: f.api.fingerprint }, retryDelaysMs: [] });
  await d.create('lxc', 401, { hostname: 'fw', rootfs: 'local-lvm:4', net0: 'name=eth0,bridge=vmbr0,ip=dhcp,firewall=1' }, TEMPLATE);
});
after(async () => {
  c?.close();
  await f?.close();
});

test('sim: a rule is added first, with enable 0 unless sent; a position past the end is a 500; an unknown parameter a 400', async () => {
  const base = '/nodes/pve/lxc/401/firewall';
  await c.call('POST', `${base}/rules`, { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22' });
  await c.call('POST', `${base}/rules`, { type: 'out', action: 'DROP', enable: true, comment: 'second' });
  const rules = await c.call<Array<Record<string, unknown>>>('GET', `${base}/rules`);
  assert.deepEqual(
    rules.map((r) => [r.pos, r.type, r.action, r.enable]),
    [
      [0, 'out', 'DROP', 1],
      [1, 'in', 'ACCEPT', 0],
    ],
  );
  assert.equal(fw(401), '[RULES]\n\nOUT DROP # second\n|IN ACCEPT -p tcp -dport 22\n\n');
  await assert.rejects(c.call('DELETE', `${base}/rules/5`), /500 no rule at position 5/);
  await assert.rejects(c.call('PUT', `${base}/options`, { enable: true, bogus: '1' }), /400 Parameter verification failed\. bogus: property is not defined in schema/);
  await c.call('DELETE', `${base}/rules/1`);
  await c.call('DELETE', `${base}/rules/0`);
  assert.equal(fw(401), null, 'nothing left: no file');
});

test('driver: writeFirewall makes the file equal to the rendering; readFirewall reads the same text back; a second write sends nothing', async () => {
  const want = renderFirewall({
    enabled: true,
    policyIn: 'DROP',
    rules: [
      { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', source: '192.168.50.0/24', comment: 'ssh', enable: true },
      { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', enable: false },
      { type: 'out', action: 'REJECT', dest: '10.0.0.0/8', enable: true },
    ],
  } as never);
  await d.writeFirewall(401, want);
  assert.equal(fw(401), want, 'the file is what the CLI driver would have written');
  assert.equal(await d.readFirewall(401), want);
  const n = f.requests.length;
  await d.writeFirewall(401, want);
  assert.deepEqual(
    f.requests.slice(n).filter((r) => r.method !== 'GET'),
    [],
  );
  // One option and one rule fewer: the option deleted, the rules re-made.
  const less = renderFirewall({ enabled: true, rules: [{ type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '22', source: '192.168.50.0/24', comment: 'ssh', enable: true }] } as never);
  await d.writeFirewall(401, less);
  assert.equal(fw(401), less);
  await d.writeFirewall(401, null);
  assert.equal(fw(401), null);
  assert.equal(await d.readFirewall(401), null);
});

test('every firewall request is valid per apidata-pve9.1.js and 8.4', { skip: !haveApiSchemas() && 'needs ../shared/pve/apidata-pve9.1.js and 8.4 (absent)' }, () => {
  const fwReqs = f.requests.filter((r) => r.path.includes('/firewall/') && r.status < 400);
  assert.ok(fwReqs.length > 5);
  assert.deepEqual(schemaProblems(fwReqs), []);
  assert.deepEqual(schemaProblems(fwReqs, '8.4'), []);
});

test('codec: what Phoenix renders parses and formats back to the same text', () => {
  const text = '[OPTIONS]\n\nenable: 1\npolicy_in: DROP\n\n[RULES]\n\nGROUP web -i net0\n|IN SSH(ACCEPT) -source 10.0.0.0/8 -log info # a # b\nOUT ACCEPT -p icmp -icmp-type echo-request\n\n';
  assert.equal(formatFirewall(parseFirewallText(text)), text);
  assert.throws(() => parseFirewallText('[IPSET x]\n'), /no API counterpart/);
  assert.throws(() => parseFirewallText('[RULES]\nIN ACCEPT -bogus 1\n'), /cannot read '-bogus'/);
});
