// Compare the hand-written tables in src/proxmox/schema with apidata / the synopsis pages:
// every option we list must agree in type, enum, range, optionality and property-string sub-keys.

import { commandNames, getCommand, expandedParams } from '../../src/proxmox/schema/commands.js';
import type { ParamSchema } from '../../src/proxmox/schema/types.js';
import { formatFromTypetext, type ApiProp } from './apidata.js';
import { commandProps } from './check-argv.js';

const sameSet = (a: readonly unknown[] = [], b: readonly unknown[] = []) => {
  const sa = [...a].map(String).sort();
  const sb = [...b].map(String).sort();
  return sa.length === sb.length && sa.every((x, i) => x === sb[i]);
};

/** Disagreements between our schema and theirs for one property (recursing into sub-keys). */
export function compareProp(path: string, mine: ParamSchema, theirs: ApiProp, synopsis = false): string[] {
  const out: string[] = [];
  const say = (what: string, m: unknown, t: unknown) => out.push(`${path}: ${what} ours=${JSON.stringify(m)} apidata=${JSON.stringify(t)}`);
  if (mine.alias || theirs.alias) {
    if (mine.alias !== theirs.alias || mine.keyAlias !== theirs.keyAlias) say('alias', [mine.alias, mine.keyAlias], [theirs.alias, theirs.keyAlias]);
    return out;
  }
  if (theirs.type && theirs.type !== 'array' && mine.type !== theirs.type) say('type', mine.type, theirs.type);
  if (!!mine.optional !== !!theirs.optional) say('optional', !!mine.optional, !!theirs.optional);
  if ((mine.enum || theirs.enum) && !sameSet(mine.enum, theirs.enum)) say('enum', mine.enum, theirs.enum);
  for (const k of ['minimum', 'maximum'] as const) {
    const t = theirs[k] === undefined ? undefined : Number(theirs[k]);
    if (mine[k] !== t) say(k, mine[k], t);
  }
  if (synopsis) return out;
  if (mine.maxLength !== theirs.maxLength) say('maxLength', mine.maxLength, theirs.maxLength);
  if (!!mine.pattern !== !!theirs.pattern) say('pattern', mine.pattern, theirs.pattern);
  if (!!mine.default_key !== !!theirs.default_key) say('default_key', mine.default_key, theirs.default_key);
  const theirFmt = typeof theirs.format === 'object' ? theirs.format : theirs.format && theirs.typetext ? formatFromTypetext(theirs.typetext) : undefined;
  if (theirFmt) {
    if (typeof mine.format !== 'object') {
      if (mine.format !== theirs.format) say('format', mine.format, Object.keys(theirFmt));
    } else if (typeof theirs.format === 'object') {
      const keys = new Set([...Object.keys(mine.format), ...Object.keys(theirFmt)]);
      for (const k of keys) {
        if (!mine.format[k]) out.push(`${path}.${k}: missing in ours`);
        else if (!theirFmt[k]) out.push(`${path}.${k}: not in apidata`);
        else out.push(...compareProp(`${path}.${k}`, mine.format[k], theirFmt[k]));
      }
    } else if (!sameSet(Object.keys(mine.format), Object.keys(theirFmt))) {
      say('sub-keys', Object.keys(mine.format).sort(), Object.keys(theirFmt).sort());
    }
  } else if (typeof theirs.format === 'string' && typeof mine.format !== 'object' && mine.format !== theirs.format) {
    // A named hash format apidata does not expand (cdrom: pve-qm-ide) cannot be compared key by key.
    say('format', typeof mine.format === 'object' ? Object.keys(mine.format) : mine.format, theirs.format);
  }
  return out;
}

export interface TableReport {
  disagreements: string[];
  /** apidata options we do not list (rejected by our validator). */
  omitted: string[];
  checkedOptions: number;
}

export function compareAllTables(): TableReport {
  const disagreements: string[] = [];
  const omitted: string[] = [];
  let checkedOptions = 0;
  for (const tool of ['pct', 'qm'] as const) {
    for (const name of commandNames(tool)) {
      const spec = getCommand(tool, name)!;
      if (spec.name !== name) continue; // aliases: same spec
      const key = `${tool} ${name}`;
      const theirs = commandProps(key);
      if (typeof theirs === 'string') {
        disagreements.push(`${key}: ${theirs}`);
        continue;
      }
      const synopsis = !spec.api;
      const mine = expandedParams(spec);
      for (const [p, schema] of Object.entries(mine)) {
        if (p === 'extra-args') continue;
        // Indexed options share one schema: compare index 0 only.
        const fam = /^([a-z]+)([1-9]\d*)$/.exec(p);
        if (fam && mine[`${fam[1]}0`] === schema) continue;
        checkedOptions++;
        if (!theirs.props[p]) disagreements.push(`${key} ${p}: not in ${synopsis ? 'synopsis' : 'apidata'}`);
        else disagreements.push(...compareProp(`${key} ${p}`, schema, theirs.props[p], synopsis));
      }
      for (const p of Object.keys(theirs.props)) {
        if (mine[p]) continue;
        const fam = /^([a-z]+)\d+$/.exec(p);
        omitted.push(fam && !mine[`${fam[1]}0`] ? `${key} ${fam[1]}[n]` : `${key} ${p}`);
      }
    }
  }
  return { disagreements: [...new Set(disagreements)], omitted: [...new Set(omitted)].sort(), checkedOptions };
}
