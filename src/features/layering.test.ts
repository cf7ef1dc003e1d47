// STYLE §6: features/ and health/ sit below plan/managers/cli; they reach Proxmox only through the
// driver interface (types), never the simulator or a concrete driver.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = new Set(['features', 'health', 'model', 'proxmox', 'diag', 'util']);
const PROXMOX_OK = new Set(['proxmox/driver.ts', 'proxmox/types.ts']);

test('features/ and health/ import only model, proxmox interfaces, diag and util', () => {
  const bad: string[] = [];
  let seen = 0;
  for (const layer of ['features', 'health']) {
    for (const name of readdirSync(join(src, layer))) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const file = join(src, layer, name);
      for (const m of readFileSync(file, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)) {
        const target = relative(src, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts');
        seen++;
        const top = target.split('/')[0]!;
        if (!ALLOWED.has(top) || (top === 'proxmox' && !PROXMOX_OK.has(target))) bad.push(`${layer}/${name} imports ${m[1]}`);
      }
    }
  }
  assert.ok(seen > 10, 'the scan found the imports');
  assert.deepEqual(bad, []);
});
