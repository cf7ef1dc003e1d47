// delete racing up: the dependents guard must hold when `delete` waits for the guest locks while
// `up` creates the clones of the guest being deleted (issue 9, item 1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readGuests } from '../helpers/sim-state.js';
import { skip, until, workspace } from './cli.js';

test('delete 200 racing up (which clones 210/220 from it) waits for the locks, then refuses: 200 stays', { skip }, async (t) => {
  const w = workspace('delete-race');
  t.after(w.cleanup);
  const up = w.start(['up', '--yes'], { PHOENIX_SIM_LATENCY: 'create=1500' });
  const locks = join(w.state, 'phoenix-locks', 'guests');
  // up holds every guest's lock while 200 is still being created (1.5 s): no clone exists yet.
  await until('up to lock its guests', () => ['200', '210', '220', '9000', '9100'].every((id) => existsSync(join(locks, `${id}.lock`))));
  const del = await w.run(['delete', '200', '--yes']);
  const u = await up.done;
  assert.equal(u.code, 0, u.stderr);
  assert.equal(del.code, 2, `delete should refuse, got ${del.code}:\n${del.stdout}\n${del.stderr}`);
  assert.match(del.stderr, /waiting for another run to finish/);
  assert.match(del.stderr, /not deleting: 210 depends on 200; 220 depends on 200/);
  const ids = readGuests(w.state).map((g) => g.vmid);
  assert.ok(ids.includes(200), `200 was destroyed: ${ids.join(' ')}`);
});

test('delete: a dependent that exists blocks (exit 2, nothing destroyed); one that does not exist does not', { skip }, async (t) => {
  const w = workspace('delete-deps');
  t.after(w.cleanup);
  assert.equal((await w.run(['create', '220', '--yes'])).code, 0);
  const refused = await w.run(['delete', '200', '--yes']);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /not deleting: 220 depends on 200/);
  assert.deepEqual(
    readGuests(w.state)
      .map((g) => g.vmid)
      .sort(),
    [200, 220],
  );
  // 210 is configured as a clone of 200 but was never created: it does not hold 200 back.
  const del = await w.run(['delete', '220', '200', '--yes']);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual(
    readGuests(w.state).map((g) => g.vmid),
    [],
  );
});
