import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from './json-schema.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'schema');

test('the committed schema/*.schema.json match the zod schemas (else run: npx tsx scripts/gen-schema.ts)', () => {
  for (const [name, text] of Object.entries(publishedSchemas())) {
    let committed = '';
    try {
      committed = readFileSync(join(dir, name), 'utf8');
    } catch {
      assert.fail(`schema/${name} is missing; run: npx tsx scripts/gen-schema.ts`);
    }
    assert.ok(committed === text, `schema/${name} is stale; run: npx tsx scripts/gen-schema.ts`);
  }
});

test('the published schemas describe what users write: ids as strings or integers, deprecated ignored keys', () => {
  const lxc = JSON.parse(publishedSchemas()['phoenix_lxc_configs.schema.json']);
  const guest = lxc.properties.lxc_configs.additionalProperties;
  assert.deepEqual(guest.required, ['name']);
  assert.deepEqual(guest.properties.clone_from_ctid.anyOf.map((s: { type: string }) => s.type), ['integer', 'string']);
  assert.equal(guest.properties.memory_mb.minimum, 16);
  assert.equal(guest.properties.apparmor_manages_nesting.deprecated, true);
  const vm = JSON.parse(publishedSchemas()['phoenix_vm_configs.schema.json']);
  assert.deepEqual(vm.properties.vms.items.required, ['vmid', 'name']);
  const secret = vm.properties.vms.items.properties.user_config.properties.password;
  assert.equal(secret.anyOf.length, 3);
});
