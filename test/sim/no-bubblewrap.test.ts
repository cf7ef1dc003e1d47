// Issue 11: on a fresh machine without bubblewrap, `phoenix up` ended with guests failed (`guest
// exec needs bubblewrap`). Now the simulator runs guest commands in util-linux unshare's jail when
// bwrap is not on PATH: a feature installs and its health check passes, as with bubblewrap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { crashLines, ctConfig, NO_CLI, workspace } from '../helpers/built-cli.js';
import { sandboxSkipReason } from '../../src/sim/guestfs/testing.js';

const skip = NO_CLI || (await sandboxSkipReason('unshare'));

test("without bubblewrap on PATH, up installs a feature and passes its checks inside unshare's jail", { skip }, async (t) => {
  // The host's PATH, as one dir of links to every program on it except bwrap (as on a machine without it).
  const bin = mkdtempSync(join(tmpdir(), 'phx-nobwrap-path-'));
  const seen = new Set(['bwrap']);
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (!seen.has(name)) symlinkSync(join(dir, name), join(bin, name));
      seen.add(name);
    }
  }
  const w = workspace('nobwrap', {
    'phoenix_lxc_configs.json': {
      lxc_configs: {
        300: ctConfig({
          features: ['base_setup'],
          // pid 1 of unshare's jail is its set-up script (bwrap's is bwrap): proves which sandbox ran.
          health_checks: [{ type: 'command', command: 'grep -q phoenix-sandbox /proc/1/cmdline && echo in-unshare-jail' }],
        }),
      },
    },
  });
  t.after(() => (w.cleanup(), rmSync(bin, { recursive: true, force: true })));
  const r = await w.run(['up'], { env: { PATH: bin }, timeoutMs: 120_000 });
  assert.deepEqual(crashLines(r.out), []);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /needs bubblewrap|[1-9][0-9]* failed/);
  assert.match(r.stdout, /^300 \S+\s+ok\s+create,start,feature,health\b/m);
  const hc = await w.run(['health-check', '300'], { env: { PATH: bin } });
  assert.equal(hc.code, 0, hc.out);
  assert.match(hc.stdout, /ok\s+.*in-unshare-jail/);
});
