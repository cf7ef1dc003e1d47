// What `up` prints, as a user sees it off a terminal (examples/homelab on the built-in simulator,
// chosen by --driver auto as on a fresh machine): one run, one log directory, the simulator named
// once (with -q too), config warnings counted; -q keeps only errors and the summary; the summary,
// `list` and `status` show each guest's name, address and its features' URLs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliCaptured } from '../helpers/cli.js';
import { workspace, type Workspace } from './harness.js';

let w: Workspace;
const auto = (...argv: string[]) => runCliCaptured([...argv, '--config', w.config], { env: w.env, cwd: w.root });

before(() => {
  w = workspace({ from: join(import.meta.dirname, '..', '..', 'examples', 'homelab') });
  // A feature with an access URL (ollama's port from its `ports` input), and one config warning.
  w.edit('phoenix_lxc_configs.json', (d) => {
    d.lxc_configs['220'].ports = ['8080:11500'];
    d.lxc_configs['220'].colour = 'blue';
  });
  w.write('features/ollama/manifest.json', JSON.stringify({ name: 'ollama', description: 'stub with the built-in url', kinds: ['lxc'], inputs: ['ports'], timeoutSec: 60, url: 'http://{host}:{port:ports:11434}' }));
  w.write('features/ollama/install.sh', '#!/bin/sh\nexit 0\n', 0o755);
  w.edit('phoenix_lxc_configs.json', (d) => {
    d.lxc_configs['220'].features.push('ollama');
  });
});
after(() => w?.cleanup());

test('up prints one run: one "run started", one summary, one log directory, the simulator named once, warnings as a count', async () => {
  const r = await auto('up');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.match(/run started/g)?.length, 1, r.stdout);
  assert.equal(r.stdout.match(/^GUEST /gm)?.length, 1, r.stdout);
  assert.doesNotMatch(r.stdout, /0 guests/);
  assert.equal(r.stderr.match(/using the built-in simulator/g)?.length, 1, r.stderr);
  assert.match(r.stderr, /^phoenix: the configuration has 1 warning \(phoenix validate, or phoenix plan, lists them\)$/m);
  assert.doesNotMatch(r.stderr, /^warning: /m);
  assert.equal(readdirSync(join(w.config, '.phoenix', 'logs')).length, 1);
  // The summary names each guest, its address and the URL its features declare.
  assert.match(r.stdout, /^GUEST +OUTCOME +STEPS +ELAPSED +ADDRESS +REASON$/m);
  assert.match(r.stdout, /^210 docker-host +ok +\S+ +\S+ +192\.168\.10\.21 +changed$/m);
  assert.match(r.stdout, /^220 jumpbox +ok +\S+ +\S+ +192\.168\.10\.22 http:\/\/192\.168\.10\.22:11500 +changed$/m);
  assert.match(r.stdout, /^9000 noble-cloud-template +ok +\S+ +\S+ +dhcp +changed$/m);
});

test('up -q off a terminal: the simulator once, then only the summary (no event lines, no totals)', async () => {
  const r = await auto('-q', 'up');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, `phoenix: no Proxmox found here; using the built-in simulator (state: ${w.state})\n`);
  assert.doesNotMatch(r.stdout, /run started|\d{4}-\d\d-\d\dT/);
  assert.match(r.stdout, /^GUEST /);
});

test("list and status show each guest's address and its features' URLs", async () => {
  const l = await auto('list');
  assert.match(l.stdout, /^220 +lxc +jumpbox +.*192\.168\.10\.22 http:\/\/192\.168\.10\.22:11500$/m);
  assert.match(l.stdout, /^9100 +vm +apps-vm +.*192\.168\.10\.\d+$/m);
  const j = JSON.parse((await auto('--json', 'list')).stdout) as Array<{ id: number; address: string | null; urls: string[] }>;
  assert.deepEqual(
    j.find((g) => g.id === 220),
    { ...j.find((g) => g.id === 220), address: '192.168.10.22', urls: ['http://192.168.10.22:11500'] },
  );
  const s = await auto('status');
  assert.match(s.stdout, /^ID +KIND +NAME +EXISTS +STATUS +DRIFT +HEALTH +ADDRESS$/m);
  assert.match(s.stdout, /^220 +lxc +jumpbox +yes +running +no +\S+ +192\.168\.10\.22 http:\/\/192\.168\.10\.22:11500$/m);
});

test('the README shows what the first command really prints (times, durations, paths and call counts aside)', async () => {
  const fresh = workspace({ from: join(import.meta.dirname, '..', '..', 'examples', 'homelab') });
  try {
    const r = await runCliCaptured(['up', '--config', fresh.config], { env: fresh.env, cwd: fresh.root });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const norm = (text: string, root: string) =>
      text
        .split('\n')
        .map((l) =>
          l
            .replaceAll(root, 'ROOT')
            .replace(/\d{4}-\d\d-\d\dT[\d:-]+(\.\d+)?Z/g, 'TIME')
            .replace(/\b\d+(\.\d+)?(ms|s)\b/g, 'D')
            .replace(/\d+ read and \d+ mutating/, 'N read and M mutating')
            .replace(/\s+/g, ' ')
            .trimEnd(),
        )
        .filter(Boolean)
        .sort();
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const block = /On a machine without Proxmox, `up` prints this[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)![1];
    // Off a terminal stdout and stderr interleave as in the README: compare the lines as a set.
    const got = norm(`${r.stderr}\n${r.stdout}`, fresh.config.replace(/\/config$/, '/config'));
    const want = norm(block, '/home/me/phoenix/examples/homelab');
    assert.deepEqual(
      got.map((l) => l.replace(/state: \S+/, 'state: S').replace(/logs in \S+/, 'logs in L')),
      want.map((l) => l.replace(/state: \S+/, 'state: S').replace(/logs in \S+/, 'logs in L')),
    );
  } finally {
    fresh.cleanup();
  }
});
