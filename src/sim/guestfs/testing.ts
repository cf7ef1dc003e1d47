// Test helpers for guestfs (not shipped behaviour): a temp state dir per test, and whether the
// sandbox can run here at all (tests that need it skip with the reason when it cannot).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuestRoot } from './root.js';
import { runInGuest } from './exec.js';
import type { SandboxKind } from './sandbox.js';

/** A fresh state dir; `private` keeps mkdtemp's 0700 (exercising the staged bind in mapped mode). */
export async function tempStateDir(opts: { private?: boolean } = {}): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'phx-guestfs-'));
  if (!opts.private) await chmod(dir, 0o755);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const probes = new Map<string, Promise<string | false>>();

/** false when guest exec works here (in the given sandbox, else the default one), else the reason to skip. */
export function sandboxSkipReason(kind?: SandboxKind): Promise<string | false> {
  let probe = probes.get(kind ?? '');
  if (!probe) {
    probe = (async () => {
      const { dir, cleanup } = await tempStateDir();
      const before = process.env.PHOENIX_SANDBOX;
      if (kind) process.env.PHOENIX_SANDBOX = kind;
      try {
        await createGuestRoot(dir, 100, { kind: 'lxc' });
        const r = await runInGuest(dir, 100, ['true'], { timeoutMs: 10000 });
        return r.exitCode === 0 ? false : `guest sandbox does not work here: ${r.stderr.trim()}`;
      } catch (e) {
        return `guest sandbox unavailable: ${(e as Error).message}`;
      } finally {
        if (kind) {
          if (before === undefined) delete process.env.PHOENIX_SANDBOX;
          else process.env.PHOENIX_SANDBOX = before;
        }
        await cleanup();
      }
    })();
    probes.set(kind ?? '', probe);
  }
  return probe;
}
