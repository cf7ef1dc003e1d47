// PVE's command-line syntax (PVE::JSONSchema::get_options on top of Getopt::Long): `--key value`,
// `-key value`, `--key=value`; a boolean may be bare (`--onboot`) and takes the next word only when
// it is not an option; option names match case-insensitively and by unique prefix; `--` ends the
// options; every other word is a positional argument, in order.

import { parseBoolean } from '../codecs/property-string.js';
import type { ParamError } from './types.js';

export interface ParsedArgs {
  /** Option values as written; `true` for a bare boolean flag. */
  params: Record<string, string | true>;
  positionals: string[];
}

const OPTION = /^--?([^=-][^=]*)(?:=([\s\S]*))?$/;

const looksLikeOption = (w: string | undefined) => w !== undefined && /^--?./.test(w);

/**
 * Split argv without knowing the command's schema: a word after `--key` is its value unless it
 * looks like an option, or `key` is in `booleans` and the word is not a boolean.
 */
export function parseCliArgs(argv: readonly string[], booleans: ReadonlySet<string> = new Set()): ParsedArgs {
  const params: Record<string, string | true> = {};
  const positionals = walkArgs(argv, (key, inline, next, take) => {
    if (inline !== undefined) {
      params[key] = inline;
      return;
    }
    const takesNext = next !== undefined && !looksLikeOption(next) && (!booleans.has(key) || parseBoolean(next) !== undefined);
    params[key] = takesNext ? next : true;
    if (takesNext) take();
  });
  return { params, positionals };
}

/**
 * The word walk both parsers share: `--` ends options, a word that is not an option is a
 * positional, and each option is handed to `onOption` with its inline value (`--k=v`), the next
 * word, and `take()` to consume that word as its value.
 */
function walkArgs(argv: readonly string[], onOption: (key: string, inline: string | undefined, next: string | undefined, take: () => void) => void): string[] {
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i];
    if (w === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const m = OPTION.exec(w);
    if (!m) {
      positionals.push(w);
      continue;
    }
    onOption(m[1], m[2], argv[i + 1], () => {
      i++;
    });
  }
  return positionals;
}

export interface OptionInfo {
  /** Option names the command accepts (positional parameter names included, like Getopt sees them). */
  names: readonly string[];
  booleans: ReadonlySet<string>;
}

export interface GetoptResult {
  params: Record<string, string | true>;
  positionals: string[];
  /** Getopt's warnings (`Unknown option: foo`) and then the 400 reason; empty when parsing worked. */
  errors: ParamError[];
}

/** Resolve a typed option name as Getopt::Long does: exact, case-insensitive, then unique prefix. */
function resolveName(typed: string, names: readonly string[]): { name?: string; error?: string } {
  if (names.includes(typed)) return { name: typed };
  const lower = typed.toLowerCase();
  const ci = names.filter((n) => n.toLowerCase() === lower);
  if (ci.length === 1) return { name: ci[0] };
  const pre = names.filter((n) => n.toLowerCase().startsWith(lower));
  if (pre.length === 1) return { name: pre[0] };
  if (pre.length > 1) return { error: `Option ${typed} is ambiguous (${pre.sort().join(', ')})` };
  return { error: `Unknown option: ${typed}` };
}

/** Schema-aware parse, as PVE's CLI does it. Errors are Getopt warnings plus `unable to parse option`. */
export function getOptions(argv: readonly string[], info: OptionInfo): GetoptResult {
  const params: Record<string, string | true> = {};
  const errors: ParamError[] = [];
  const positionals = walkArgs(argv, (typed, inline, next, take) => {
    const r = resolveName(typed, info.names);
    if (!r.name) {
      errors.push({ param: '', message: r.error!, warning: true });
      return;
    }
    const name = r.name;
    if (inline !== undefined) {
      params[name] = inline;
    } else if (info.booleans.has(name)) {
      // `name:s` in Getopt: the next word is the value unless it looks like an option.
      if (next !== undefined && !looksLikeOption(next)) {
        params[name] = next;
        take();
      } else params[name] = true;
    } else if (next !== undefined) {
      params[name] = next;
      take();
    } else {
      errors.push({ param: '', message: `Option ${name} requires an argument`, warning: true });
    }
  });
  if (errors.length) errors.push({ param: '', message: 'unable to parse option' });
  return { params, positionals, errors };
}
