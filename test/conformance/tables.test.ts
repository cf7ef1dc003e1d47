// (a) Our hand-written option tables agree with Proxmox's own schema for every option we list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { haveApidata } from './apidata.js';
import { compareAllTables } from './compare-tables.js';

const skip = !haveApidata() && 'needs ../shared/pve/apidata-pve9.1.js (absent)';

test('every option in src/proxmox/schema agrees with apidata / the synopsis (type, enum, range, sub-keys)', { skip }, (t) => {
  const r = compareAllTables();
  t.diagnostic(`${r.checkedOptions} options compared (indexed families once)`);
  t.diagnostic(`apidata options we leave out (rejected like unknown ones): ${r.omitted.join(', ')}`);
  assert.ok(r.checkedOptions > 300);
  assert.deepEqual(r.disagreements, []);
});
