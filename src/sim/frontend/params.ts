// argv → (command spec, typed params, extra args) through the schema helper's checkArgv (PVE
// option syntax, positional filling, every value against the PVE rules), so a bad call fails
// exactly like Proxmox: formatParamError's text on stderr, exit 255. The simulator never parses
// options itself.

import { checkArgv, formatParamError, getOptions, type CommandSpec } from '../../proxmox/schema/index.js';
import { SimError } from '../state/errors.js';
import { readKeyFile, uriEscape } from './keyfiles.js';

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
  /** The words after the tool as the API receives them (after the CLI's file mappings). */
  words: string[];
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
    // PVE: pve-common src/PVE/JSONSchema.pm:get_options
    if (got.errors.length) throw new SimError(formatParamError(got.errors, usage));
    // PVE: pve-common src/PVE/JSONSchema.pm:get_options (`not enough arguments`, `too many arguments`, a 400)
    if (got.positionals.length < def.argParams.length) throw new SimError(formatParamError([{ param: '', message: 'not enough arguments' }], usage));
    if (got.positionals.length > def.argParams.length) throw new SimError(formatParamError([{ param: '', message: 'too many arguments' }], usage));
    const params: Record<string, string> = {};
    def.argParams.forEach((a, i) => (params[a] = got.positionals[i]));
    // PVE: pve-common src/PVE/JSONSchema.pm:pve_verify_vmid (`[1-9][0-9]{2,8}`), check_type (integer)
    const bad = def.argParams.filter((a) => !/^\d+$/.test(params[a]) || (a === 'vmid' && !/^[1-9][0-9]{2,8}$/.test(params[a])));
    if (bad.length) {
      throw new SimError(
        formatParamError(
          bad.map((a) => ({ param: a, message: a === 'vmid' ? 'invalid format - value does not look like a valid VM ID\n' : "type check ('integer') failed - got '" + params[a] + "'" })),
          usage,
        ),
      );
    }
    const spec: CommandSpec = { tool, name, argParams: def.argParams, params: { vmid: VMID, pid: { type: 'integer' } } };
    return { tool, command: name, spec, params, extra: [], words };
  }
  return undefined;
}

/**
 * qm's CLI reads `--sshkeys FILE` and passes the file's keys URI-escaped to the API (qm.pm's
 * param mapping), before any parameter check; pct passes `--ssh-public-keys` through as a path.
 */
// PVE: qemu-server src/PVE/CLI/qm.pm:param_mapping; pve-container src/PVE/CLI/pct.pm:param_mapping (ssh-public-keys read as a file too)
function mapCliFiles(tool: Tool, words: string[]): string[] {
  if (tool !== 'qm') return words;
  const out = [...words];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === '--') break;
    const m = /^--?sshkeys(?:=([\s\S]*))?$/.exec(out[i]);
    if (!m) continue;
    if (m[1] !== undefined) out[i] = `--sshkeys=${uriEscape(readKeyFile(m[1]))}`;
    else if (i + 1 < out.length) out[i + 1] = uriEscape(readKeyFile(out[++i]));
  }
  return out;
}

/** Parses and checks one pct/qm call; throws SimError carrying Proxmox's exact stderr text. */
export function parseCall(tool: Tool, given: string[]): Call {
  const local = localCall(tool, given);
  if (local) return local;
  const words = mapCliFiles(tool, given);
  // PVE: pve-common src/PVE/RESTHandler.pm:cli_handler, src/PVE/JSONSchema.pm:get_options, validate (via the schema helper)
  const c = checkArgv(tool, words);
  // PVE: pve-common src/PVE/CLIHandler.pm:handle_cmd ($abort: `ERROR: unknown command '…'` and the short usage)
  if (!c.spec) throw new SimError(`ERROR: unknown command '${tool} ${c.subcommand}'\nUSAGE: ${tool} <COMMAND> [ARGS] [OPTIONS]\n`);
  if (c.errors.length) throw new SimError(formatParamError(c.errors, c.usage));
  return { tool, command: c.spec.name, spec: c.spec, params: c.params, extra: c.extraArgs, words };
}

/** The usage line for a parameter error raised after parsing (e.g. storage content checks). */
export const paramErrorText = formatParamError;
