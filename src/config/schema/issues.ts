// Turns zod issues into located diagnostics a person can act on:
//   lxc_configs."901".memory_mb: expected an integer ≥ 16, got "2G"
// The received value is shown except under secret-looking keys, where only its type is.
import type { z } from 'zod';
import type { Diagnostic } from '../../diag/diagnostic.js';
import { isSecretKey } from '../../util/redact.js';
import type { JsonPath } from '../json.js';
import { type SourceFile, diagAt } from '../source.js';

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** A short, safe description of a received value. */
export function describeValue(v: unknown, secret: boolean): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (secret) return article(typeof v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  return String(v);
}

// zod's own wording, used only where a schema did not give its "expected ..." phrase.
function fallbackMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${article(issue.expected)}`;
  if (issue.code === 'invalid_value') return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '').replace(/^./, (c) => c.toLowerCase());
}

export function issueToDiagnostic(src: SourceFile, base: JsonPath, issue: z.core.$ZodIssue, input: unknown): Diagnostic {
  const path = [...base, ...(issue.path as (string | number)[])];
  const expected = issue.message.startsWith('expected ') ? issue.message : fallbackMessage(issue);
  // The whole file of the wrong type (core_paths naming a token file, say) is described by kind only.
  const secret = path.length === 0 || path.some((p) => typeof p === 'string' && isSecretKey(p));
  const message = input === undefined && issue.code === 'invalid_type' ? `missing, ${expected}` : `${expected}, got ${describeValue(input, secret)}`;
  return diagAt(src, 'error', path, message);
}

/** Value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** Parses `value` (found at `base` in `src`) with `schema`; returns data or the diagnostics. */
export function parseAt<S extends z.ZodType>(schema: S, src: SourceFile, base: JsonPath, value: unknown): { data?: z.output<S>; diagnostics: Diagnostic[] } {
  const r = schema.safeParse(value);
  if (r.success) return { data: r.data, diagnostics: [] };
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const issue of r.error.issues) {
    const d = issueToDiagnostic(src, base, issue, valueAt(value, issue.path as (string | number)[]));
    const key = `${d.path}\u0000${d.message}`;
    if (!seen.has(key)) diagnostics.push(d);
    seen.add(key);
  }
  return { diagnostics };
}
