// docs/config.md: every key of the three files, from the published JSON Schemas (themselves from
// the zod schemas and docs.ts), so the page, the editors' schemas and the loader cannot disagree.
// Written by `npx tsx scripts/gen-schema.ts`; a test fails when the committed page is stale.
import { defaultText, publishedSchemaObjects } from './json-schema.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(n: Node): string {
  if (Array.isArray(n.enum)) return n.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  if (n.const !== undefined) return JSON.stringify(n.const);
  const alts = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  if (alts) return [...new Set(alts.map(typeOf))].join(' or ');
  if (n.type === 'array') return `list of ${isNode(n.items) ? typeOf(n.items) : 'any'}`;
  if (n.type === 'integer') {
    const min = n.minimum as number | undefined;
    const max = n.maximum as number | undefined;
    const range = min !== undefined && max !== undefined && max < Number.MAX_SAFE_INTEGER ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : '';
    return `integer${range}`;
  }
  if (n.type === 'object') return 'object';
  if (typeof n.type === 'string') return n.type;
  return 'any';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (v: unknown) => (v === undefined ? '' : `\`${cell(typeof v === 'string' ? v : JSON.stringify(v))}\``);

function rows(n: Node, path: string, out: string[]): void {
  const alts = (n.anyOf ?? n.oneOf) as Node[] | undefined;
  if (isNode(n.properties)) {
    for (const [k, c] of Object.entries(n.properties)) {
      if (!isNode(c)) continue;
      const p = path ? `${path}.${k}` : k;
      const desc = String(c.description ?? '');
      const def = c.default !== undefined ? code(c.default) : (/Default: (.*)\.$/.exec(desc)?.[1] ?? '');
      const ex = Array.isArray(c.examples) ? code(c.examples[0]) : '';
      out.push(`| \`${cell(p)}\` | ${cell(typeOf(c))} | ${cell(def === '' ? '' : def)} | ${ex} | ${cell(desc.replace(/ Default: .*\.$/, ''))}${c.deprecated ? ' (deprecated)' : ''} |`);
      rows(c, p, out);
    }
  }
  if (isNode(n.additionalProperties)) rows(n.additionalProperties, `${path}.<id>`, out);
  if (isNode(n.items)) rows(n.items, `${path}[]`, out);
  if (alts) for (const a of alts) if (isNode(a) && isNode(a.properties) && !('env' in a.properties) && !('file' in a.properties)) rows(a, path, out);
}

const TITLES: Record<string, string> = {
  'phoenix_hypervisor_config.schema.json': '`phoenix_hypervisor_config.json` — host settings',
  'phoenix_lxc_configs.schema.json': '`phoenix_lxc_configs.json` — containers',
  'phoenix_vm_configs.schema.json': '`phoenix_vm_configs.json` — VMs',
};

export function configReference(): string {
  const parts = [
    '# Configuration reference',
    '',
    'Generated from the config schemas by `npx tsx scripts/gen-schema.ts` (do not edit by hand; a test',
    'checks it is current). The same descriptions are in the JSON Schemas in `schema/`, which editors',
    'use (see `examples/README.md`). Sizes are in GB, memory in MiB, times in seconds. A key marked',
    'deprecated is accepted from the original Phoenix and ignored (`validate` says so); any other key',
    'not listed here is reported by `validate` and flagged by an editor. `<id>` is a CTID such as `"200"`.',
    'Health-check keys are listed once per check type. Any value may be a secret reference where the',
    'description says so: `{"env": "NAME"}` or `{"file": "PATH"}` (a path relative to the config directory).',
  ];
  for (const [name, schema] of Object.entries(publishedSchemaObjects())) {
    const out: string[] = [];
    rows(schema, '', out);
    // A key may appear once per union alternative (health checks): keep the first of identical rows.
    parts.push('', `## ${TITLES[name] ?? name}`, '', `Schema: \`schema/${name}\``, '', '| key | type | default | example | meaning |', '|---|---|---|---|---|', ...[...new Set(out)]);
  }
  return `${parts.join('\n')}\n`;
}
