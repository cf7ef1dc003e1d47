// The simulated guest tools, run for real inside a guest sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGuestRoot, guestRootDir, runInGuest, setGuestRunning } from './index.js';
import { sandboxSkipReason, tempStateDir } from './testing.js';

const skip = await sandboxSkipReason();

async function withGuest(kind: 'lxc' | 'vm', fn: (sh: (script: string, input?: string) => ReturnType<typeof runInGuest>, dir: string) => Promise<void>) {
  const { dir, cleanup } = await tempStateDir();
  try {
    await createGuestRoot(dir, 101, { kind });
    await fn((script, input) => runInGuest(dir, 101, ['sh', '-c', script], { input, timeoutMs: 20000 }), dir);
  } finally {
    await cleanup();
  }
}

test('apt-get install docker.io, systemctl enable --now docker, is-active → 0; unknown unit → 3', { skip }, () =>
  withGuest('lxc', async (sh, dir) => {
    const flow = await sh('apt-get update -qq && apt-get install -y docker.io && systemctl enable --now docker && systemctl is-active docker');
    assert.equal(flow.exitCode, 0, flow.stderr);
    assert.match(flow.stdout, /Setting up docker\.io/);
    assert.match(flow.stdout, /active\n$/);
    const none = await sh('systemctl is-active nothing');
    assert.deepEqual([none.exitCode, none.stdout], [3, 'inactive\n']);
    const quiet = await sh('systemctl is-active --quiet docker && echo yes');
    assert.equal(quiet.stdout, 'yes\n');
    assert.ok(existsSync(join(guestRootDir(dir, 101), 'var/lib/phoenix-sim/dpkg/docker.io')));
    const docker = await sh('command -v docker && docker --version && docker ps >/dev/null && echo daemon-ok');
    assert.match(docker.stdout, /^\/usr\/local\/bin\/docker\nDocker version .*\ndaemon-ok\n$/);
    const stopped = await sh('systemctl stop docker; systemctl is-active docker; docker ps');
    assert.equal(stopped.exitCode, 1);
    assert.match(stopped.stderr, /Cannot connect to the Docker daemon/);
  }),
);

test('dpkg -s / dpkg-query -W answer from the record; remove forgets the package', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const before = await sh('dpkg -s jq');
    assert.equal(before.exitCode, 1);
    assert.match(before.stderr, /package 'jq' is not installed and no information is available/);
    await sh('apt-get install -y jq curl some-unknown-package=1.2.3');
    const q = await sh("dpkg-query -W -f '${Status}|${Version}\\n' some-unknown-package; dpkg-query -W jq; dpkg -s jq | head -2");
    assert.equal(q.stdout, 'install ok installed|1.2.3\njq\t0.0.0-phoenix-sim\nPackage: jq\nStatus: install ok installed\n');
    const again = await sh('apt-get install -y jq');
    assert.match(again.stdout, /jq is already the newest version/);
    const rm = await sh('apt-get remove -y docker.io jq >/dev/null; dpkg-query -W jq');
    assert.deepEqual([rm.exitCode, rm.stderr], [1, 'dpkg-query: no packages found matching jq\n']);
  }),
);

test('apt-get install without -y and no answer aborts like apt', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const r = await sh('apt-get install nginx');
    assert.equal(r.exitCode, 1);
    assert.match(r.stdout, /Do you want to continue\? \[Y\/n\] Abort\.\n$/);
    const yes = await sh('apt-get install nginx && systemctl is-enabled nginx', 'y\n');
    assert.equal(yes.exitCode, 0, yes.stderr);
    assert.match(yes.stdout, /enabled\n$/);
  }),
);

test('systemctl: admin unit files, errors for missing units, service(8)', { skip }, () =>
  withGuest('lxc', async (sh, dir) => {
    const missing = await sh('systemctl start nothing');
    assert.deepEqual([missing.exitCode, missing.stderr], [5, 'Failed to start nothing.service: Unit nothing.service not found.\n']);
    const en = await sh('systemctl enable nothing');
    assert.deepEqual([en.exitCode, en.stderr], [1, 'Failed to enable unit: Unit file nothing.service does not exist.\n']);
    writeFileSync(join(guestRootDir(dir, 101), 'etc/systemd/system/api.service'), '[Unit]\nDescription=My API\n[Service]\nExecStart=/usr/bin/true\n');
    const api = await sh('systemctl daemon-reload && systemctl is-enabled api; systemctl enable api.service && systemctl start api && systemctl is-active api && service api restart && systemctl status api');
    assert.equal(api.exitCode, 0, api.stderr);
    assert.match(api.stdout, /^disabled\nactive\n● api\.service - My API\n.*enabled.*\n\s+Active: active \(running\)\n$/);
    assert.match(api.stderr, /Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/api\.service/);
  }),
);

test('guest start activates enabled units, stop deactivates all', { skip }, () =>
  withGuest('lxc', async (sh, dir) => {
    await sh('apt-get install -y nginx && systemctl disable nginx');
    await setGuestRunning(dir, 101, false);
    assert.equal((await sh('systemctl is-active ssh nginx')).stdout, 'inactive\ninactive\n');
    await setGuestRunning(dir, 101, true);
    assert.equal((await sh('systemctl is-active ssh; systemctl is-active nginx')).stdout, 'active\ninactive\n');
  }),
);

test('curl and wget fail as on an offline machine', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const c = await sh('curl -fsSL https://get.docker.com/install.sh -o /tmp/x');
    assert.deepEqual([c.exitCode, c.stderr], [6, 'curl: (6) Could not resolve host: get.docker.com\n']);
    const silent = await sh('curl -s http://example.com:8080/x');
    assert.deepEqual([silent.exitCode, silent.stderr], [6, '']);
    const w = await sh('wget -q -O - https://example.org/a');
    assert.deepEqual([w.exitCode, w.stderr], [4, '']);
    const wl = await sh('wget https://example.org/a');
    assert.match(wl.stderr, /wget: unable to resolve host address ‘example\.org’\n$/);
  }),
);

test('VM tools: cloud-init status --wait says done; qemu-ga is present', { skip }, () =>
  withGuest('vm', async (sh) => {
    const r = await sh('cloud-init status --wait && command -v qemu-ga && dpkg -s qemu-guest-agent >/dev/null && echo ok');
    assert.equal(r.stdout, 'status: done\n/usr/local/sbin/qemu-ga\nok\n');
  }),
);

test('update-ca-certificates adds certificates from /usr/local/share/ca-certificates', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const r = await sh('printf "CERT\\n" > /usr/local/share/ca-certificates/lab.crt && update-ca-certificates && cat /etc/ssl/certs/ca-certificates.crt && update-ca-certificates | sed -n 2p');
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /^Updating certificates in \/etc\/ssl\/certs\.\.\.\n1 added, 0 removed; done\.\n.*\ndone\.\nCERT\n0 added, 0 removed; done\.\n$/s);
  }),
);

test('real host tools from /usr work in the guest (awk via /etc/alternatives, python3)', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const r = await sh("echo 'a b' | awk '{print $2}'; command -v python3 >/dev/null && python3 -c 'print(6*7)' || echo 42");
    assert.equal(r.stdout, 'b\n42\n');
  }),
);

test('install-script staples work: useradd creates a user group, chown to it, su/runuser', { skip }, () =>
  withGuest('lxc', async (sh) => {
    const r = await sh('set -e; useradd -r -m -d /var/lib/svc -s /usr/sbin/nologin svc; touch /tmp/f; chown svc:svc /tmp/f; stat -c %U:%G /tmp/f; runuser -u svc -- id -un; su -s /bin/sh svc -c "id -gn"');
    assert.equal(r.stdout, 'svc:svc\nsvc\nsvc\n', r.stderr);
  }),
);
