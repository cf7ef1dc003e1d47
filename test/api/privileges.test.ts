// The role `phoenix token-setup` prints: every endpoint the API driver calls is listed with its
// privileges (src/proxmox/api/privileges.ts), each listed endpoint exists in both schemas, each
// `permissions.check` of apidata-pve8.4.js and -9.1.js is satisfied by the role of that release
// (for `any` lists, one of them), and no privilege of the role is unknown to that release's
// schema. The printed commands are pveum's, for PVE 8 and 9, and are never run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { test } from 'node:test';
import { API_ENDPOINTS, endpointOf, rolePrivileges, type PveMajor } from '../../src/proxmox/api/privileges.js';
import { API_VERSIONS, haveApiSchemas } from '../conformance/check-api.js';
import { runCliCaptured } from '../helpers/cli.js';

type Check = unknown[];
interface Node {
  path: string;
  info?: Record<string, { permissions?: { check?: Check; user?: string } }>;
  children?: Node[];
}
const skip = !haveApiSchemas() && 'needs ../shared/pve/apidata-pve9.1.js and 8.4 (absent)';

function flat(v: '8.4' | '9.1'): Map<string, Node> {
  const tree = vm.runInNewContext(`${readFileSync(API_VERSIONS[v], 'utf8')};apiSchema`) as Node[];
  const m = new Map<string, Node>();
  const walk = (n: Node) => {
    m.set(n.path, n);
    (n.children ?? []).forEach(walk);
  };
  tree.forEach(walk);
  return m;
}

/** Does a role holding `privs` everywhere pass this `check` (PVE::RPCEnvironment's forms)? */
function passes(check: Check, privs: Set<string>): boolean {
  const [kind, ...rest] = check as [string, ...unknown[]];
  if (kind === 'and') return rest.every((c) => passes(c as Check, privs));
  if (kind === 'or') return rest.some((c) => passes(c as Check, privs));
  if (kind === 'perm') {
    const [, list, mode] = rest as [string, string[], string?];
    // ['perm', path, privs, 'require_param', name] holds only when that parameter is sent: Phoenix never sends `pool`.
    if (mode === 'require_param') return false;
    return mode === 'any' ? list.some((p) => privs.has(p)) : list.every((p) => privs.has(p));
  }
  if (kind === 'userid-group' || kind === 'userid-param') return false;
  throw new Error(`unknown check ${JSON.stringify(check)}`);
}

for (const [v, major] of [
  ['8.4', 8],
  ['9.1', 9],
] as const) {
  test(`PVE ${v}: every endpoint Phoenix calls exists, and the ${major}.x role passes its permission check`, { skip }, () => {
    const tree = flat(v);
    const role = new Set(rolePrivileges(major as PveMajor));
    const problems: string[] = [];
    for (const e of API_ENDPOINTS) {
      const info = tree.get(e.path)?.info?.[e.method];
      if (!info) {
        problems.push(`${e.method} ${e.path}: not in apidata-pve${v}.js`);
        continue;
      }
      const check = info.permissions?.check;
      if (check && !passes(check, role)) problems.push(`${e.method} ${e.path}: ${JSON.stringify(check)} not met by the role`);
    }
    assert.deepEqual(problems, []);
  });
}

test('the two releases differ where their schemas do: VM.Monitor in 8, VM.GuestAgent.* in 9', { skip }, () => {
  const known = (v: '8.4' | '9.1') => readFileSync(API_VERSIONS[v], 'utf8');
  const r8 = rolePrivileges(8);
  const r9 = rolePrivileges(9);
  assert.ok(r8.includes('VM.Monitor') && !r8.some((p) => p.startsWith('VM.GuestAgent')));
  assert.ok(!r9.includes('VM.Monitor') && r9.includes('VM.GuestAgent.Unrestricted'));
  // Every privilege of a role is named somewhere in that release's schema.
  for (const [v, r] of [
    ['8.4', r8],
    ['9.1', r9],
  ] as const) {
    const text = known(v);
    assert.deepEqual(
      r.filter((p) => !text.includes(`"${p}"`) && !text.includes(`'${p}'`)),
      [],
      `unknown to apidata-pve${v}.js`,
    );
  }
});

test('the endpoints listed are the ones the API driver calls (every request of the driver tests matches one)', () => {
  for (const [m, p] of [
    ['GET', '/nodes/pve/lxc/100/config'],
    ['POST', '/nodes/pve/qemu/101/agent/file-write'],
    ['GET', '/nodes/pve/tasks/UPID:pve:00000001:00000002:00000003:vzcreate:100:root@pam!x:/status'],
    ['DELETE', '/nodes/pve/lxc/100/firewall/rules/0'],
  ] as const) {
    assert.ok(endpointOf(m, p), `${m} ${p}`);
  }
  assert.equal(endpointOf('POST', '/nodes/pve/lxc/100/migrate'), undefined);
});

test('phoenix token-setup prints pveum commands for 9 (default) and 8; refuses anything else', async () => {
  const nine = await runCliCaptured(['token-setup']);
  assert.equal(nine.code, 0, nine.stderr);
  const role = /^pveum role add PhoenixOrchestrator --privs '([^']+)'$/m.exec(nine.stdout);
  assert.ok(role, nine.stdout);
  assert.deepEqual(role[1].split(','), rolePrivileges(9));
  assert.match(nine.stdout, /^pveum user token add phoenix@pve phoenix --privsep 0$/m);
  assert.match(nine.stdout, /^pveum acl modify \/ --users phoenix@pve --roles PhoenixOrchestrator$/m);
  assert.match(nine.stdout, /need root over SSH/);
  const eight = await runCliCaptured(['token-setup', '--pve', '8', '--user', 'ops@pam', '--token', 'ci']);
  assert.equal(eight.code, 0, eight.stderr);
  assert.match(eight.stdout, /VM\.Monitor/);
  assert.doesNotMatch(eight.stdout, /VM\.GuestAgent/);
  assert.match(eight.stdout, /^pveum user token add ops@pam ci --privsep 0$/m);
  const bad = await runCliCaptured(['token-setup', '--pve', '7']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--pve expects 8 or 9/);
  const inj = await runCliCaptured(['token-setup', '--user', "x@pve'; rm -rf /"]);
  assert.equal(inj.code, 2);
});
