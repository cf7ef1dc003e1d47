// The guests' root filesystem: a Debian 12 tarball built by mmdebstrap from the archive the host's
// apt already uses, cached under a name that hashes what it contains, and built only when missing.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { acquireRunLock } from '../../util/lockfile.js';
import { must } from './cmd.js';
import { cacheDir } from './paths.js';

const SUITE = 'bookworm';
// systemd as init (pct start waits for it), iproute2 and ifupdown as a Proxmox template has them,
// ca-certificates for https sources, busybox for small tools in tests (httpd, a docker image).
const PACKAGES = ['systemd-sysv', 'dbus', 'iproute2', 'procps', 'ca-certificates', 'busybox', 'ifupdown', 'less'];

export const templatePath = (): string => {
  const id = createHash('sha256')
    .update(JSON.stringify({ SUITE, variant: 'minbase', PACKAGES }))
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir(), `debian-12-phoenix-${id}.tar`);
};

/** The mirror the host's apt uses (the only archive this machine reaches), else Debian's default. */
function hostMirror(): string {
  const dir = '/etc/apt/sources.list.d';
  const texts = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.sources') || f.endsWith('.list'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
    : [];
  if (existsSync('/etc/apt/sources.list')) texts.push(readFileSync('/etc/apt/sources.list', 'utf8'));
  for (const t of texts) {
    const m = /^URIs:\s*(\S+)/m.exec(t) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(t);
    if (m && !m[1].includes('security')) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** Returns the template's path, building it first when it is missing (about a minute). */
export async function ensureTemplate(log: (line: string) => void = () => {}): Promise<string> {
  const path = templatePath();
  if (existsSync(path)) return path;
  mkdirSync(cacheDir(), { recursive: true });
  const release = await acquireRunLock(join(cacheDir(), 'template.lock'), { wait: true, command: 'phoenix lxc template build' });
  try {
    if (existsSync(path)) return path; // another process built it while we waited
    const tmp = `${path}.${process.pid}.tmp`;
    const argv = ['mmdebstrap', '--variant=minbase', `--include=${PACKAGES.join(',')}`, '--dpkgopt=force-unsafe-io', '--aptopt=Acquire::Retries "5"', SUITE, tmp, hostMirror()];
    log(`building the LXC template ${path} (mmdebstrap ${SUITE})`);
    // The live mirror can be mid-sync (hash sum mismatches): one more try before giving up.
    try {
      await must(argv, { timeoutMs: 15 * 60_000 });
    } catch (first) {
      log(`mmdebstrap failed, trying once more: ${(first as Error).message}`);
      rmSync(tmp, { force: true });
      await must(argv, { timeoutMs: 15 * 60_000 });
    }
    renameSync(tmp, path);
    return path;
  } finally {
    release();
  }
}
