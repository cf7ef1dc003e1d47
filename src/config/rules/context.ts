// What every validation rule gets: each guest entry as written (with its location) and, when the
// schema accepted it, as normalised; plus a way to report located diagnostics.
import { type Diagnostic, type Severity, formatPath } from '../../diag/diagnostic.js';
import type { Guest, GuestKind } from '../../model/guest.js';
import type { JsonPath } from '../json.js';
import type { ParsedConfig } from '../parse.js';
import { type SourceFile, diagAt } from '../source.js';

export interface GuestEntry {
  kind: GuestKind;
  /** Undefined when the entry has no usable id (non-numeric CTID key, vmid not an integer). */
  id?: number;
  src: SourceFile;
  /** ['lxc_configs', '901'] or ['vms', 2] */
  path: JsonPath;
  /** The entry as written. */
  raw: Record<string, unknown>;
  /** Normalised, when the schema accepted the entry (maybe without its rejected keys). */
  guest?: Guest;
  /** The entry had keys the schema rejected; `guest` was built without them. */
  partial?: boolean;
}

export interface RuleContext {
  parsed: ParsedConfig;
  /** The config directory (features, scripts and relative secret files are found from here). */
  dir: string;
  /** The environment a run would see, when known (validate warns about unset `{"env"}` secrets). */
  env?: Record<string, string | undefined>;
  entries: GuestEntry[];
  /** Location of `key` of an entry: its own, or vm_defaults' when only the defaults set it. */
  keyPath(e: GuestEntry, key: string, ...rest: Array<string | number>): JsonPath;
  report(src: SourceFile, severity: Severity, path: JsonPath, message: string): void;
}

/** A named validation rule; it reports through ctx and never throws on bad input. */
export interface Rule {
  name: string;
  run(ctx: RuleContext): void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function buildContext(parsed: ParsedConfig, guests: Guest[], out: Diagnostic[], where: { dir: string; env?: Record<string, string | undefined> } = { dir: '.' }): RuleContext {
  const byOrigin = new Map(guests.map((g) => [`${g.origin.file}\u0000${g.origin.path}`, g]));
  const entries: GuestEntry[] = [];
  const add = (kind: GuestKind, src: SourceFile | undefined, list: ParsedConfig['lxc'] | ParsedConfig['vm']) => {
    if (!src) return;
    for (const e of list)
      entries.push({
        kind,
        id: e.id,
        src,
        path: e.path,
        raw: isObject(e.raw) ? e.raw : {},
        guest: byOrigin.get(`${src.file}\u0000${formatPath(e.path)}`),
        partial: e.partial,
      });
  };
  add('lxc', parsed.sources.lxc, parsed.lxc);
  add('vm', parsed.sources.vm, parsed.vm);
  const defaults = (parsed.sources.vm?.doc.value as { vm_defaults?: unknown } | undefined)?.vm_defaults;
  return {
    parsed,
    dir: where.dir,
    ...(where.env ? { env: where.env } : {}),
    entries,
    keyPath(e, key, ...rest) {
      if (e.kind === 'vm' && !(key in e.raw) && isObject(defaults) && key in defaults) return ['vm_defaults', key, ...rest];
      return [...e.path, key, ...rest];
    },
    report(src, severity, path, message) {
      out.push(diagAt(src, severity, path, message));
    },
  };
}

/** "lxc_configs.\"900\"" style reference to another entry, for messages. */
export const where = (e: GuestEntry): string => `${e.src.file}: ${formatPath(e.path)}`;
