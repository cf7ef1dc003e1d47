// The JSON Schemas published for editors (schema/*.schema.json), generated from the same zod
// schemas the loader uses, describing what a user may write (io: 'input').
import { z } from 'zod';
import { HypervisorSchema } from './hypervisor.js';
import { LxcFileSchema } from './lxc.js';
import { VmFileSchema } from './vm.js';

const FILES = {
  'phoenix_hypervisor_config.schema.json': HypervisorSchema,
  'phoenix_lxc_configs.schema.json': LxcFileSchema,
  'phoenix_vm_configs.schema.json': VmFileSchema,
} as const;

/** File name → schema text (stable formatting, trailing newline). */
export function publishedSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(FILES))
    out[name] = `${JSON.stringify(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }), null, 2)}\n`;
  return out;
}
