// The parameter check `pct`/`qm` run before doing anything: options known to the command, the
// positional arguments filled in order, booleans parsed, then every value checked against the
// schema (PVE::JSONSchema::validate). Errors carry Proxmox's own words; formatParamError prints
// them as the CLI does.

import { parseBoolean } from '../codecs/property-string.js';
import { checkObject, type ErrorMap } from './check.js';
import { getOptions } from './cli-args.js';
import { commandNames, expandedParams, getCommand, usageLine } from './commands.js';
import type { CommandSpec, ParamError, ParamSchema } from './types.js';

export type Tool = 'pct' | 'qm';

export interface CheckedCommand {
  /** The resolved command (aliases followed); undefined when the subcommand is unknown. */
  spec?: CommandSpec;
  /** Subcommand words as typed (`importdisk`, `disk import`). */
  subcommand: string;
  /** Parameters after parsing: positional ones by name, booleans as '1'/'0'. */
  params: Record<string, string>;
  /** Words after the positional ones for commands taking `extra-args` (`pct exec 100 -- ls`). */
  extraArgs: string[];
  errors: ParamError[];
  /** Usage line for error output. */
  usage: string;
}

const paramCache = new WeakMap<CommandSpec, Record<string, ParamSchema>>();
function allParams(spec: CommandSpec): Record<string, ParamSchema> {
  let p = paramCache.get(spec);
  if (!p) {
    // `extra-args` is positional-only: never an option, never schema-checked (it is an array).
    p = expandedParams(spec);
    delete p['extra-args'];
    paramCache.set(spec, p);
  }
  return p;
}

/** Getopt's view: option names exclude `extra-args`; booleans take an optional value. */
function optionInfo(spec: CommandSpec) {
  const all = allParams(spec);
  const names = Object.keys(all);
  return { names, booleans: new Set(names.filter((n) => all[n].type === 'boolean')) };
}

/** Positional arguments, boolean parsing and schema checks on already-split options. */
function finish(spec: CommandSpec, raw: Record<string, string | true>, positionals: string[]): Omit<CheckedCommand, 'subcommand' | 'usage' | 'spec'> {
  const all = allParams(spec);
  const params: Record<string, string> = {};
  let extraArgs: string[] = [];
  const usageErr = (message: string) => ({ params, extraArgs, errors: [{ param: '', message }] });

  const rest = [...positionals];
  for (const name of spec.argParams) {
    if (name === 'extra-args') {
      extraArgs = rest.splice(0);
      break;
    }
    if (!rest.length) {
      // Only an error when a missing positional is required (get_options: "not enough arguments").
      if (spec.argParams.slice(spec.argParams.indexOf(name)).some((n) => n !== 'extra-args' && !all[n].optional)) {
        return usageErr('not enough arguments');
      }
      break;
    }
    params[name] = rest.shift()!;
  }
  if (rest.length) return usageErr('too many arguments');

  for (const [k, v] of Object.entries(raw)) {
    const schema = all[k];
    if (schema?.type === 'boolean') {
      const b = v === true || v === '' ? '1' : parseBoolean(v);
      if (b === undefined) return usageErr('unable to parse boolean option');
      params[k] = b;
    } else if (v === true) {
      return {
        params,
        extraArgs,
        errors: [
          { param: '', message: `Option ${k} requires an argument`, warning: true },
          { param: '', message: 'unable to parse option' },
        ],
      };
    } else params[k] = v;
  }

  const errs: ErrorMap = {};
  checkObject('', all, params, errs);
  const errors = Object.keys(errs)
    .sort()
    .map((param) => ({ param, message: errs[param] }));
  return { params, extraArgs, errors };
}

/**
 * Check a call given as options + positionals (e.g. from parseCliArgs). Unknown options are
 * reported as Getopt would (`Unknown option: x`, then `unable to parse option`).
 */
export function validateCommand(tool: Tool, subcommand: string, params: Record<string, string | true>, positionals: string[]): ParamError[] {
  const spec = getCommand(tool, subcommand);
  if (!spec) return [{ param: '', message: `unknown command '${tool} ${subcommand}'` }];
  const { names } = optionInfo(spec);
  const unknown = Object.keys(params).filter((k) => !names.includes(k));
  if (unknown.length) {
    return [...unknown.map((k) => ({ param: '', message: `Unknown option: ${k}`, warning: true })), { param: '', message: 'unable to parse option' }];
  }
  return finish(spec, params, positionals).errors;
}

/** Find the subcommand at the start of argv (after the tool name): `disk import`, `set`, ... */
export function splitSubcommand(tool: Tool, args: readonly string[]): { subcommand: string; rest: string[] } | undefined {
  for (const name of commandNames(tool)) {
    const words = name.split(' ');
    if (words.every((w, i) => args[i] === w)) return { subcommand: name, rest: args.slice(words.length) };
  }
  return undefined;
}

/** Parse and check a whole call as the CLI would: `checkArgv('pct', ['set', '100', '--memory', '8'])`. */
export function checkArgv(tool: Tool, args: readonly string[]): CheckedCommand {
  const split = splitSubcommand(tool, args);
  if (!split) {
    const sub = args[0] ?? '';
    return { subcommand: sub, params: {}, extraArgs: [], usage: `${tool} <COMMAND> [ARGS] [OPTIONS]`, errors: [{ param: '', message: `unknown command '${tool} ${sub}'` }] };
  }
  const spec = getCommand(tool, split.subcommand)!;
  const usage = usageLine(spec);
  const opt = getOptions(split.rest, optionInfo(spec));
  if (opt.errors.length) return { spec, subcommand: split.subcommand, params: {}, extraArgs: [], errors: opt.errors, usage };
  return { spec, subcommand: split.subcommand, usage, ...finish(spec, opt.params, opt.positionals) };
}

/**
 * Rules Proxmox enforces in code after the schema check (die, exit 255, not a 400): options that
 * can only be given at create time. Returns the error text, or undefined.
 */
export function readOnlyAfterCreate(tool: Tool, subcommand: string, params: Record<string, unknown>): string | undefined {
  // pve-container update_pct_config: `unprivileged` can never change. (ostype can: it is applied
  // as a pending change while the CT runs, so it is not listed here.)
  if (tool === 'pct' && subcommand === 'set' && params.unprivileged !== undefined) {
    return "unable to modify read-only option: 'unprivileged'";
  }
  return undefined;
}
