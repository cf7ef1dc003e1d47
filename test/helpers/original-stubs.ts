// What an admin adds to the original config before Phoenix can run it: the application scripts the
// original kept elsewhere and its two features Phoenix does not ship (step_ca, traefik), as stubs.
// `validate` names each of them (test/config-validate.test.ts); tests that run the original's
// guests start from the original plus these files.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPTS = ['101', '102', '103', 'vllm', '955', '957'].map((s) => `scripts/phoenix_hypervisor_lxc_${s}.sh`);
const FEATURES = ['step_ca', 'traefik'];

/** Relative path → content, for test/e2e/harness.ts workspace({ files }). */
export function originalStubFiles(o: { failing?: string[] } = {}): Record<string, string | object> {
  const files: Record<string, string | object> = {};
  for (const s of SCRIPTS) files[s] = '#!/bin/sh\necho stub\n';
  for (const f of FEATURES) {
    files[`features/${f}/manifest.json`] = { name: f, description: `stub of the original's ${f}`, kinds: ['lxc'], timeoutSec: 60 };
    files[`features/${f}/install.sh`] = o.failing?.includes(f) ? `#!/bin/sh\necho "${f} is a stub" >&2\nexit 1\n` : '#!/bin/sh\necho stub\n';
  }
  return files;
}

/** A temporary copy of `dir` with the stubs added; returns its path. */
export function originalWithStubs(dir: string): string {
  const to = mkdtempSync(join(tmpdir(), 'phoenix-original-'));
  cpSync(dir, to, { recursive: true, filter: (src) => !src.includes('/.phoenix') });
  for (const [rel, content] of Object.entries(originalStubFiles())) {
    mkdirSync(join(to, rel, '..'), { recursive: true });
    writeFileSync(join(to, rel), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return to;
}
