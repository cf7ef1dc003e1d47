import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { publishedSchemaObjects, publishedSchemas, undocumented } from './json-schema.js';
import { configReference } from './docs-page.js';

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
  assert.deepEqual(
    guest.properties.clone_from_ctid.anyOf.map((s: { type: string }) => s.type),
    ['integer', 'string'],
  );
  assert.equal(guest.properties.memory_mb.minimum, 16);
  assert.equal(guest.properties.apparmor_manages_nesting.deprecated, true);
  const vm = JSON.parse(publishedSchemas()['phoenix_vm_configs.schema.json']);
  assert.deepEqual(vm.properties.vms.items.required, ['vmid', 'name']);
  const secret = vm.properties.vms.items.properties.user_config.properties.password;
  assert.equal(secret.anyOf.length, 3);
});

// --- editors: every key described, unknown keys rejected, examples hooked up, the reference page current

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `doc` the schema rejects (what an editor underlines): properties, patternProperties, additionalProperties: false. */
function rejectedKeys(schema: Node, doc: unknown, path = ''): string[] {
  if (Array.isArray(doc)) return isNode(schema.items) ? doc.flatMap((d, i) => rejectedKeys(schema.items as Node, d, `${path}[${i}]`)) : [];
  if (!isNode(doc)) return [];
  const alts = (schema.anyOf ?? schema.oneOf) as Node[] | undefined;
  if (alts) {
    const objs = alts.filter((a) => a.type === 'object' || isNode(a.properties));
    const results = objs.map((a) => rejectedKeys(a, doc, path));
    return results.find((r) => r.length === 0) ?? results[0] ?? [];
  }
  const props = isNode(schema.properties) ? schema.properties : {};
  const patterns = isNode(schema.patternProperties) ? Object.keys(schema.patternProperties).map((p) => new RegExp(p)) : [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    const p = `${path}${path ? '.' : ''}${k}`;
    if (isNode(props[k])) out.push(...rejectedKeys(props[k] as Node, v, p));
    else if (patterns.some((r) => r.test(k))) continue;
    else if (schema.additionalProperties === false) out.push(p);
    else if (isNode(schema.additionalProperties)) out.push(...rejectedKeys(schema.additionalProperties, v, p));
  }
  return out;
}

test('every key of every schema has a description (with unit), and defaults and examples where they apply', () => {
  const all = publishedSchemaObjects();
  assert.deepEqual([...new Set(undocumented)], [], 'keys without an entry in src/config/schema/docs.ts');
  const guest = (all['phoenix_lxc_configs.schema.json'].properties as Node).lxc_configs as Node;
  const g = (guest.additionalProperties as Node).properties as Record<string, Node>;
  assert.match(String(g.memory_mb.description), /MiB/);
  assert.match(String(g.storage_size_gb.description), /GB/);
  assert.deepEqual(g.memory_mb.examples, [2048]);
  assert.equal(g.start_at_boot.default, false);
});

test('the schemas reject unknown keys, so an editor flags memroy_mb (nvidia_* container keys still pass)', () => {
  const all = publishedSchemaObjects();
  const lxc = all['phoenix_lxc_configs.schema.json'];
  assert.deepEqual(rejectedKeys(lxc, { lxc_configs: { '200': { name: 'a', memroy_mb: 512, nvidia_x: 1, network_config: { brige: 'vmbr0' } } } }), ['lxc_configs.200.memroy_mb', 'lxc_configs.200.network_config.brige']);
  const vm = all['phoenix_vm_configs.schema.json'];
  assert.deepEqual(rejectedKeys(vm, { vms: [{ vmid: 1, name: 'a', user_config: { password: { env: 'X', extra: 1 } }, disk_sise_gb: 3 }] }), ['vms[0].user_config.password.extra', 'vms[0].disk_sise_gb']);
});

test('examples/homelab names its schemas ($schema) and every key in it is one they know', () => {
  const ex = join(import.meta.dirname, '..', '..', '..', 'examples', 'homelab');
  const all = publishedSchemaObjects();
  for (const f of ['phoenix_hypervisor_config.json', 'phoenix_lxc_configs.json', 'phoenix_vm_configs.json']) {
    const doc = JSON.parse(readFileSync(join(ex, f), 'utf8'));
    const ref = join(dirname(join(ex, f)), doc.$schema);
    assert.ok(existsSync(ref), `${f}: $schema ${doc.$schema} does not exist`);
    assert.deepEqual(rejectedKeys(all[f.replace('.json', '.schema.json')], doc), [], f);
  }
});

test('docs/config.md is what the generator writes (else run: npx tsx scripts/gen-schema.ts) and lists every key', () => {
  const page = readFileSync(join(dir, '..', 'docs', 'config.md'), 'utf8');
  assert.ok(page === configReference(), 'docs/config.md is stale; run: npx tsx scripts/gen-schema.ts');
  for (const k of ['lxc_configs.<id>.memory_mb', 'vms[].template_image', 'vm_defaults.cores', 'domain_name', 'lxc_configs.<id>.firewall.rules[].dport']) assert.ok(page.includes(`| \`${k}\` |`), k);
});
