// (c) Codec round trips on real strings: the config samples in cli-output-samples.md and the
// golden final /etc/pve configs. Every property-string value must parse, pass our validator, and
// print back to a string Proxmox reads as equal; options Proxmox itself prints with
// print_property_string must come back byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPropertyString, parsePropertyString } from '../../src/proxmox/codecs/property-string.js';
import { optionSchema, optionValuesEqual } from '../../src/proxmox/codecs/compare.js';
import { checkProp } from '../../src/proxmox/schema/check.js';

const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const SAMPLES = `${SHARED}pve/cli-output-samples.md`;
const GOLDEN = `${SHARED}reference/golden/expected/`;

/** Keys whose stored form is print_property_string output (others are stored as the user wrote them). */
const PRINTED = /^(net\d+|rootfs|mp\d+|scsi\d+|ide\d+|sata\d+|virtio\d+|efidisk0|unused\d+)$/;

function configLines(text: string): Array<[string, string]> {
  return text.split('\n').flatMap((l) => {
    const m = /^([a-z][\w-]*): (.+)$/.exec(l);
    return m && !m[1].startsWith('lxc') ? [[m[1], m[2]] as [string, string]] : [];
  });
}

function checkConfig(tool: 'pct' | 'qm', lines: Array<[string, string]>, where: string): number {
  let n = 0;
  for (const [key, value] of lines) {
    const schema = optionSchema(tool, key);
    if (!schema || typeof schema.format !== 'object') continue;
    n++;
    const errors: Record<string, string> = {};
    checkProp(value, schema, key, errors);
    assert.deepEqual(errors, {}, `${where} ${key}: ${value}`);
    const printed = formatPropertyString(parsePropertyString(schema.format, value), schema.format);
    assert.ok(optionValuesEqual(tool, key, value, printed), `${where} ${key}: ${value} -> ${printed}`);
    if (PRINTED.test(key)) assert.equal(printed, value, `${where} ${key} byte for byte`);
  }
  return n;
}

test('config samples in cli-output-samples.md round-trip', { skip: !existsSync(SAMPLES) && 'needs ../shared/pve (absent)' }, () => {
  // Fenced blocks, paired by walking the fences (``` opens with an optional language, ``` closes).
  const blocks: string[] = [];
  let open: string[] | undefined;
  for (const line of readFileSync(SAMPLES, 'utf8').split('\n')) {
    if (line.startsWith('```')) {
      if (open) blocks.push(open.join('\n'));
      open = open ? undefined : [];
    } else open?.push(line);
  }
  let n = 0;
  for (const b of blocks) {
    // Task output shares the `key: text` shape (`scsi0: successfully created disk ...`); skip it.
    const lines = configLines(b).filter(([, v]) => !v.startsWith('successfully '));
    if (lines.length < 4) continue;
    const tool = lines.some(([k]) => k === 'hostname' || k === 'rootfs') ? 'pct' : 'qm';
    n += checkConfig(tool, lines, 'sample');
  }
  assert.ok(n >= 15, `expected many property strings in the samples, got ${n}`);
});

test('golden final-etc-pve configs round-trip', { skip: !existsSync(GOLDEN) && 'needs ../shared/reference/golden (absent)' }, () => {
  let n = 0;
  for (const c of readdirSync(GOLDEN)) {
    for (const [sub, tool] of [
      ['lxc', 'pct'],
      ['qemu-server', 'qm'],
    ] as const) {
      const dir = `${GOLDEN}${c}/final-etc-pve/${sub}/`;
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) n += checkConfig(tool, configLines(readFileSync(dir + f, 'utf8')), `${c}/${sub}/${f}`);
    }
  }
  assert.ok(n >= 50, `expected many property strings in the golden configs, got ${n}`);
});
