// The JSON Schemas published for editors (schema/*.schema.json), generated from the same zod
// schemas the loader uses, describing what a user may write (io: 'input'). Each key gets its
// description, default and an example from docs.ts, and every object of declared keys rejects
// others (`additionalProperties: false`), so an editor flags `memroy_mb` as validate warns about it.
import { z } from 'zod';
import { NVIDIA_KEY } from './common.js';
import { keyDoc } from './docs.js';
import { HypervisorSchema } from './hypervisor.js';
import { LxcFileSchema } from './lxc.js';
import { VmFileSchema } from './vm.js';

export const SCHEMA_FILES = {
  'phoenix_hypervisor_config.schema.json': HypervisorSchema,
  'phoenix_lxc_configs.schema.json': LxcFileSchema,
  'phoenix_vm_configs.schema.json': VmFileSchema,
} as const;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of `node` (a JSON Schema) without a doc entry, as `context.key`; for the completeness test. */
export const undocumented: string[] = [];

/** Adds docs and closes objects, walking the schema; `context` is the nearest enclosing key. */
function enrich(node: unknown, context: string, lxcGuest: boolean): void {
  if (Array.isArray(node)) return node.forEach((n) => enrich(n, context, lxcGuest));
  if (!isNode(node)) return;
  const props = node.properties;
  if (isNode(props)) {
    for (const [key, child] of Object.entries(props)) {
      if (!isNode(child)) continue;
      const doc = keyDoc(context, key);
      if (!doc) undocumented.push(`${context}.${key}`);
      else {
        // The zod description stays for ignored keys (it says why); otherwise the doc's, with its default.
        if (child.description === undefined || doc.d !== 'Ignored.') child.description = doc.d + (doc.default !== undefined ? ` Default: ${defaultText(doc.default)}.` : '');
        // A default an editor may insert: a value, not a phrase ("Proxmox: 512 (container)").
        if (isValue(doc.default) && child.default === undefined) child.default = doc.default;
        if (doc.example !== undefined && child.examples === undefined) child.examples = [doc.example];
      }
      enrich(child, key, false);
    }
    if (node.additionalProperties === undefined) {
      node.additionalProperties = false;
      // Containers (and the LXC file's root) also take nvidia_* keys, which reach the nvidia feature.
      if (lxcGuest || context === 'root-lxc') node.patternProperties = { [NVIDIA_KEY.source]: { description: 'Feature input of the nvidia feature (nvidia_*).' } };
    }
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'properties' && k !== 'patternProperties') enrich(v, context, k === 'additionalProperties' && context === 'lxc_configs');
}

const isValue = (v: unknown) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && /^[\w.-]+$/.test(v));
export const defaultText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** File name → the JSON Schema object. */
export function publishedSchemaObjects(): Record<string, Node> {
  undocumented.length = 0;
  const out: Record<string, Node> = {};
  for (const [name, schema] of Object.entries(SCHEMA_FILES)) {
    const js = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Node;
    enrich(js, name.includes('lxc') ? 'root-lxc' : 'root', false);
    out[name] = js;
  }
  return out;
}

/** File name → schema text (stable formatting, trailing newline). */
export function publishedSchemas(): Record<string, string> {
  return Object.fromEntries(Object.entries(publishedSchemaObjects()).map(([n, js]) => [n, `${JSON.stringify(js, null, 2)}\n`]));
}
