// Phoenix's own files on the host (run logs, journals, lock files, restart markers) are private
// to the user running it: files 0600 in directories 0700, whatever the umask, and tightened when
// an older version (or another tool) left them wider. Logs can carry what features print, and the
// journals say what is being done to which guest.

import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/**
 * Makes `dir` exist, every directory it creates 0700. With `root` (a directory that is Phoenix's
 * own, such as .phoenix) the existing ones from `root` down to `dir` are tightened to 0700 too;
 * without it nothing that existed is changed (it may be somebody else's, like /tmp).
 */
export function privateDir(dir: string, root?: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (root === undefined) return;
  const rel = relative(root, dir);
  if (rel.startsWith('..')) throw new Error(`${dir} is not inside ${root}`);
  const parts = rel ? rel.split(sep) : [];
  for (let i = 0; i <= parts.length; i++) chmodSync(join(root, ...parts.slice(0, i)), PRIVATE_DIR);
}

/** Writes `text` to a file that ends up 0600 (chmod after, for a file that existed wider). */
export function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: PRIVATE_FILE });
  chmodSync(path, PRIVATE_FILE);
}

const tightened = new Set<string>();

/** Appends to a file that is 0600 (created so, or tightened on the first append of this process). */
export function appendPrivate(path: string, text: string): void {
  appendFileSync(path, text, { mode: PRIVATE_FILE });
  if (!tightened.has(path)) {
    chmodSync(path, PRIVATE_FILE);
    tightened.add(path);
  }
}
