// argv → (command spec, typed params, positionals), through the schema helper's PVE option
// syntax and rules, so a bad call fails exactly like Proxmox: `400 Parameter verification failed.`
// (or a Getopt problem), the usage line, exit 255. The simulator never parses options itself.

import { commandNames, expandedParams, getCommand, usageLine } from '../../proxmox/schema/commands.js';
import { getOptions } from '../../proxmox/schema/cli-args.js';
import { parseBoolean } from '../../proxmox/codecs/property-string.js';
import type { CommandSpec, ParamError } from '../../proxmox/schema/types.js';
import { SimError } from '../state/errors.js';

export type Tool = 'pct' | 'qm';

// Wired to the schema helper's validateCommand/formatParamError once they land (see report).
const schemaIndex: Record<string, unknown> = {};

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

/** Local-only commands the schema tables do not list yet (no API call behind them). */
const LOCAL_SPECS: Record<string, Omit<CommandSpec, 'tool'>> = {
  unlock: { name: 'unlock', argParams: ['vmid'], params: { vmid: { type: 'integer', minimum: 100, maximum: 999_999_999 } } },
  'guest exec-status': {
    name: 'guest exec-status',
    argParams: ['vmid', 'pid'],
    params: { vmid: { type: 'integer', minimum: 100, maximum: 999_999_999 }, pid: { type: 'integer' } },
  },
};

const optionInfoCache = new Map<CommandSpec, { names: string[]; booleans: Set<string> }>();
function optionInfo(spec: CommandSpec) {
  let info = optionInfoCache.get(spec);
  if (!info) {
    const all = expandedParams(spec);
    const names = Object.keys(all).filter((k) => !spec.argParams.includes(k));
    info = { names, booleans: new Set(names.filter((k) => all[k].type === 'boolean')) };
    optionInfoCache.set(spec, info);
  }
  return info;
}

function resolve(tool: Tool, words: string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const local of Object.keys(LOCAL_SPECS)) {
    const parts = local.split(' ');
    if (parts.every((p, i) => words[i] === p)) return { spec: { tool, ...LOCAL_SPECS[local] }, rest: words.slice(parts.length) };
  }
  for (const name of commandNames(tool)) {
    const parts = name.split(' ');
    if (parts.every((p, i) => words[i] === p)) {
      const spec = getCommand(tool, name);
      if (spec) return { spec, rest: words.slice(parts.length) };
    }
  }
  return undefined;
}

/** PVE's 400 block: header, `param: message` lines, then the usage line. */
export function paramErrorText(errors: ParamError[], usage: string): string {
  const fmt = (schemaIndex as { formatParamError?: (e: ParamError[], u: string) => string }).formatParamError;
  if (fmt) return fmt(errors, usage);
  const lines = errors.map((e) => (e.param ? `${e.param}: ${e.message.replace(/\n$/, '')}` : e.message));
  return `400 Parameter verification failed.\n${lines.join('\n')}\n${usage}\n`;
}

/** Parses and checks one pct/qm call; throws SimError carrying Proxmox's exact stderr text. */
export function parseCall(tool: Tool, words: string[]): Call {
  const r = resolve(tool, words);
  if (!r) {
    const cmd = words[0] ?? '';
    throw new SimError(`unknown command '${tool} ${cmd}'\nUSAGE: ${tool} <COMMAND> [ARGS] [OPTIONS]\n`, 255);
  }
  const { spec, rest } = r;
  const usage = usageLine(spec);
  const got = getOptions(rest, optionInfo(spec));
  if (got.errors.length) {
    const warn = got.errors.filter((e) => (e as { warning?: boolean }).warning).map((e) => `${e.message}\n`).join('');
    const last = got.errors.filter((e) => !(e as { warning?: boolean }).warning);
    throw new SimError(`${warn}400 ${last.map((e) => e.message).join('\n')}\n${usage}\n`, 255);
  }
  const params: Record<string, string> = {};
  const all = expandedParams(spec);
  for (const [k, v] of Object.entries(got.params)) {
    if (v === true) params[k] = '1';
    else if (all[k]?.type === 'boolean') params[k] = parseBoolean(v) ?? v;
    else params[k] = v;
  }
  const positionals = [...got.positionals];
  let extra: string[] = [];
  for (const name of spec.argParams) {
    if (name === 'extra-args') {
      extra = positionals.splice(0);
      break;
    }
    const v = positionals.shift();
    if (v === undefined) throw new SimError(`400 not enough arguments\n${usage}\n`, 255);
    params[name] = v;
  }
  if (positionals.length) throw new SimError(`400 too many arguments\n${usage}\n`, 255);
  const validate = (schemaIndex as { validateCommand?: (t: Tool, s: string, p: Record<string, string>, pos: string[]) => ParamError[] })
    .validateCommand;
  if (validate) {
    const errors = validate(tool, spec.name, params, extra);
    if (errors.length) throw new SimError(paramErrorText(errors, usage), 255);
  }
  return { tool, command: spec.name, spec, params, extra };
}
