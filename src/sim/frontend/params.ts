// argv → (command spec, typed params, extra args) through the schema helper's checkArgv (PVE
// option syntax, positional filling, every value against the PVE rules), so a bad call fails
// exactly like Proxmox: formatParamError's text on stderr, exit 255. The simulator never parses
// options itself.

import { checkArgv, formatParamError, getOptions, type CommandSpec } from '../../proxmox/schema/index.js';
import { SimError } from '../state/errors.js';

export type Tool = 'pct' | 'qm';

export interface Call {
  tool: Tool;
  /** The resolved command name (`disk import` for `importdisk`). */
  command: string;
  spec: CommandSpec;
  /** Options and positional parameters by name; booleans normalised to '1'/'0'. */
  params: Record<string, string>;
  /** `extra-args` (exec / guest exec). */
  extra: string[];
}

const VMID = { type: 'integer', minimum: 100, maximum: 999_999_999 } as const;
/** Local-only commands outside the schema tables (no options, integer positionals). */
const LOCAL: Record<string, { argParams: string[]; usage: string }> = {
  unlock: { argParams: ['vmid'], usage: '<vmid>' },
  'guest exec-status': { argParams: ['vmid', 'pid'], usage: '<vmid> <pid>' },
};

function localCall(tool: Tool, words: string[]): Call | undefined {
  for (const [name, def] of Object.entries(LOCAL)) {
    const parts = name.split(' ');
    if (!parts.every((p, i) => words[i] === p)) continue;
    const usage = `${tool} ${name} ${def.usage}`;
    const got = getOptions(words.slice(parts.length), { names: [], booleans: new Set() });
    if (got.errors.length) throw new SimError(formatParamError(got.errors, usage));
    if (got.positionals.length < def.argParams.length) throw new SimError(formatParamError([{ param: '', message: 'not enough arguments' }], usage));
    if (got.positionals.length > def.argParams.length) throw new SimError(formatParamError([{ param: '', message: 'too many arguments' }], usage));
    const params: Record<string, string> = {};
    def.argParams.forEach((a, i) => (params[a] = got.positionals[i]));
    const bad = def.argParams.filter((a) => !/^\d+$/.test(params[a]) || (a === 'vmid' && (Number(params[a]) < VMID.minimum || Number(params[a]) > VMID.maximum)));
    if (bad.length) {
      throw new SimError(formatParamError(bad.map((a) => ({ param: a, message: a === 'vmid' ? 'invalid format - value does not look like a valid VM ID\n' : 'type check (\'integer\') failed - got \'' + params[a] + '\'' })), usage));
    }
    const spec: CommandSpec = { tool, name, argParams: def.argParams, params: { vmid: VMID, pid: { type: 'integer' } } };
    return { tool, command: name, spec, params, extra: [] };
  }
  return undefined;
}

/** Parses and checks one pct/qm call; throws SimError carrying Proxmox's exact stderr text. */
export function parseCall(tool: Tool, words: string[]): Call {
  const local = localCall(tool, words);
  if (local) return local;
  const c = checkArgv(tool, words);
  if (!c.spec) throw new SimError(`ERROR: unknown command '${tool} ${c.subcommand}'\nUSAGE: ${tool} <COMMAND> [ARGS] [OPTIONS]\n`);
  if (c.errors.length) throw new SimError(formatParamError(c.errors, c.usage));
  return { tool, command: c.spec.name, spec: c.spec, params: c.params, extra: c.extraArgs };
}

/** The usage line for a parameter error raised after parsing (e.g. storage content checks). */
export const paramErrorText = formatParamError;
