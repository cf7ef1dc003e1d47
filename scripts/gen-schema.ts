// Writes schema/*.schema.json from the config schemas: `npx tsx scripts/gen-schema.ts`.
// A test (src/config/schema/json-schema.test.ts) fails when the committed files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedSchemas } from '../src/config/schema/json-schema.js';

const dir = join(import.meta.dirname, '..', 'schema');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(publishedSchemas())) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote schema/${name}`);
}
