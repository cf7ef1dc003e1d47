// Test helpers for guestfs (not shipped behaviour): a temp state dir per test, and whether the
// sandbox can run here at all (tests that need it skip with the reason when it cannot).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuestRoot } from './root.js';
import { runInGuest } from './exec.js';

/** A fresh state dir; `private` keeps mkdtemp's 0700 (exercising the staged bind in mapped mode). */
export async function tempStateDir(opts: { private?: boolean } = {}): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'phx-guestfs-'));
  if (!opts.private) await chmod(dir, 0o755);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

let probe: Promise<string | false> | undefined;

/** false when guest exec works here, else the reason to skip (e.g. bubblewrap missing). */
export function sandboxSkipReason(): Promise<string | false> {
  probe ??= (async () => {
    const { dir, cleanup } = await tempStateDir();
    try {
      await createGuestRoot(dir, 100, { kind: 'lxc' });
      const r = await runInGuest(dir, 100, ['true'], { timeoutMs: 10000 });
      return r.exitCode === 0 ? false : `guest sandbox does not work here: ${r.stderr.trim()}`;
    } catch (e) {
      return `guest sandbox unavailable: ${(e as Error).message}`;
    } finally {
      await cleanup();
    }
  })();
  return probe;
}
