// Phoenix's own files on the host are private (issue 9, item 5): run logs, journals (in-flight,
// pending restarts), lock files are 0600 in 0700 directories, .phoenix itself 0700, whatever the
// umask, and directories an older version left wider are tightened.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { skip, until, workspace } from './cli.js';

/** "mode path" for every entry under dir (dir included) whose mode is not 0700 (dirs) / 0600 (files). */
function wider(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${mode.toString(8)} ${p}`);
      for (const e of readdirSync(p)) walk(join(p, e));
    } else if (mode !== 0o600) out.push(`${mode.toString(8)} ${p}`);
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

for (const umask of [0o000, 0o022]) {
  test(`umask ${umask.toString(8).padStart(3, '0')}: logs, journals and lock files are 0600 in 0700 directories, during and after a run`, { skip }, async (t) => {
    const w = workspace('perms', { umask });
    t.after(w.cleanup);
    const dotPhoenix = join(w.config, '.phoenix');
    const locks = join(w.state, 'phoenix-locks', 'guests');
    // What an older version left: wide directories.
    for (const d of [join(dotPhoenix, 'logs'), locks]) {
      mkdirSync(d, { recursive: true });
      chmodSync(d, 0o755);
    }
    chmodSync(dotPhoenix, 0o755);
    const up = w.start(['up', '--yes'], { PHOENIX_SIM_LATENCY: 'create=800,clone=300' });
    // In the middle of the run: a create journaled, every guest locked, logs being written.
    await until('a journaled create and the guest locks', () => existsSync(join(dotPhoenix, 'in-flight')) && readdirSync(join(dotPhoenix, 'in-flight')).length > 0 && existsSync(join(locks, '200.lock')));
    const during = [...wider(dotPhoenix), ...wider(join(w.state, 'phoenix-locks'))];
    const r = await up.done;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(during, [], 'during the run');
    assert.deepEqual([...wider(dotPhoenix), ...wider(join(w.state, 'phoenix-locks'))], [], 'after the run');
    assert.ok(readdirSync(join(dotPhoenix, 'logs')).length > 0, 'logs were written');
  });
}
