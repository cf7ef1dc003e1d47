// Staging (types.ts) on this machine and on a remote node. Locally a file pct reads is the file
// itself, and bytes go to a private temp directory removed after the call. On a remote node both
// go to a 0600 temp file there (`mktemp` under /tmp, made by a fixed script: the content only on
// stdin, the name's prefix one of two constants), removed after the call.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec, StagedFile, Staging, StageKind } from './types.js';

export const localStaging: Staging = {
  file: async (localFile) => ({ path: localFile, done: async () => {} }),
  async bytes(content, what) {
    const dir = await mkdtemp(join(tmpdir(), `phoenix-${what}-`));
    const path = join(dir, what);
    try {
      await writeFile(path, content, { mode: 0o600 });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return { path, done: () => rm(dir, { recursive: true, force: true }) };
  },
};

// Fixed; $1 is 'push' or 'keys'. Prints the new file's path.
const STAGE = 'umask 077 && f=$(mktemp "/tmp/phoenix-$1.XXXXXXXX") && cat > "$f" && printf %s "$f"';

/** The first line of a failed call's stderr, or its exit code. */
const why = (r: { exitCode: number; stderr: string }): string => r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`;

/** Staging on the node `exec` runs on (`where` names it in errors). */
export function remoteStaging(exec: Exec, where: string, readLocal: (f: string) => Promise<Uint8Array> = (f) => readFile(f)): Staging {
  const put = async (content: string | Uint8Array, what: StageKind, label: string): Promise<StagedFile> => {
    const r = await exec({ argv: ['sh', '-c', STAGE, 'sh', what], input: content });
    const path = r.stdout.trim();
    if (r.exitCode !== 0 || !path.startsWith(`/tmp/phoenix-${what}.`) || /[\s]/.test(path)) {
      // mktemp may have made the file before cat failed.
      if (path.startsWith(`/tmp/phoenix-${what}.`)) await exec({ argv: ['rm', '-f', '--', path] }).catch(() => {});
      throw new Error(`cannot copy ${label} to ${where}: ${why(r)}`);
    }
    return {
      path,
      // Best effort: the call it served has its own outcome (a 0600 file in the node's /tmp is left at worst).
      done: async () => {
        await exec({ argv: ['rm', '-f', '--', path] }).catch(() => {});
      },
    };
  };
  return {
    file: async (localFile) => put(await readLocal(localFile), 'push', localFile),
    bytes: (content, what) => put(content, what, what === 'keys' ? 'the SSH public keys' : 'a file'),
  };
}
