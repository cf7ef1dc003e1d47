// Writes schema/*.schema.json and docs/config.md from the config schemas: `npx tsx scripts/gen-schema.ts`.
// Tests (src/config/schema/json-schema.test.ts) fail when the committed files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../src/config/schema/docs-page.js';
import { publishedSchemas } from '../src/config/schema/json-schema.js';

const root = join(import.meta.dirname, '..');
mkdirSync(join(root, 'schema'), { recursive: true });
for (const [name, text] of Object.entries(publishedSchemas())) {
  writeFileSync(join(root, 'schema', name), text);
  console.log(`wrote schema/${name}`);
}
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs', 'config.md'), configReference());
console.log('wrote docs/config.md');
