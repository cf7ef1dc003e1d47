// Whether a path stays inside a directory once symlinks are resolved. Scripts pushed into guests
// (application_script, user features) come from the config directory or the built-ins only.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** `inner` is `root` or below it (both already resolved). */
export function isWithin(root: string, inner: string): boolean {
  const rel = relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** A relative path that names no `..` segment (checked before any file is touched). */
export function isPlainRelative(p: string): boolean {
  return !isAbsolute(p) && !p.split(/[\\/]/).includes('..');
}

/**
 * Where `p` really leads when that is outside `root` (symlinks resolved); undefined when it stays
 * inside or does not exist (a missing file is reported elsewhere, as missing).
 */
export function escapesTo(root: string, p: string): string | undefined {
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(p);
  } catch {
    return undefined;
  }
  return isWithin(realRoot, real) ? undefined : real;
}
