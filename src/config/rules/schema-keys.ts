// Walks a value alongside the schema that describes it and collects the keys the schema does not
// declare (unknown) and the ones it declares as ignored. Zod keeps parsing lenient about extra
// keys, so this walk is what turns them into warnings.
import { ignoredReason, keyPatternOf } from '../schema/common.js';
import type { JsonPath } from '../json.js';

export interface KeyFinding {
  path: JsonPath; // path of the key itself
  key: string;
  /** Keys declared next to it (for suggestions). */
  siblings: string[];
  /** Set for keys the original accepted and Phoenix ignores. */
  ignoredBecause?: string;
}

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  catchall?: { _zod: { def: Def } };
  innerType?: unknown;
  in?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function walkKeys(schema: unknown, value: unknown, path: JsonPath, out: KeyFinding[]): void {
  const def = defOf(schema);
  if (!def) return;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return walkKeys(def.innerType, value, path, out);
    case 'pipe':
      return walkKeys(def.in, value, path, out);
    case 'array':
      if (Array.isArray(value)) value.forEach((v, i) => walkKeys(def.element, v, [...path, i], out));
      return;
    case 'record':
      if (isObject(value)) for (const [k, v] of Object.entries(value)) walkKeys(def.valueType, v, [...path, k], out);
      return;
    case 'union': {
      // Walk the first alternative that accepts the value; when none does, the type error says enough.
      const match = (def.options ?? []).find((o) => (o as { safeParse(v: unknown): { success: boolean } }).safeParse(value).success);
      if (match) walkKeys(match, value, path, out);
      return;
    }
    case 'object': {
      if (!isObject(value)) return;
      const shape = def.shape ?? {};
      const open = def.catchall !== undefined && defOf(def.catchall)?.type === 'unknown';
      const pattern = keyPatternOf(schema as object);
      const siblings = Object.keys(shape);
      for (const [k, v] of Object.entries(value)) {
        if (Object.hasOwn(shape, k)) {
          const why = ignoredReason(shape[k]);
          if (why !== undefined) out.push({ path: [...path, k], key: k, siblings, ignoredBecause: why });
          else walkKeys(shape[k], v, [...path, k], out);
        } else if (!open && !pattern?.test(k)) out.push({ path: [...path, k], key: k, siblings });
      }
      return;
    }
    default:
      return;
  }
}
