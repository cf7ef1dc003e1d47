// A VM's `volumes` (NFS shares) are mounted inside the guest: one /etc/fstab line per mount
// point (identified by the mount path, replaced when its source changed), then a mount attempt.
// Everything travels as argv; the config's values are positional arguments of a fixed script,
// never interpolated into shell text.

import type { VmGuest, VmNfsVolume } from '../../model/guest.js';
import type { WorkflowContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

const T = 'qemu' as const;

export const fstabLine = (v: VmNfsVolume) => `${v.server}:${v.path} ${v.mountPoint} nfs defaults,_netdev,nofail 0 0`;

// $1 mount point, $2 the fstab line: drop any other line for that mount point, add ours.
const WRITE_FSTAB = [
  'set -e',
  'mkdir -p "$1"',
  "awk -v mp=\"$1\" '$2 != mp' /etc/fstab > /etc/fstab.phoenix",
  'printf "%s\\n" "$2" >> /etc/fstab.phoenix',
  'mv /etc/fstab.phoenix /etc/fstab',
].join('\n');

export async function ensureNfsVolumes(g: VmGuest, rec: StepRecorder, ctx: WorkflowContext, exists: boolean): Promise<void> {
  if (!g.volumes.length) return;
  const fstab = exists ? await ctx.driver.exec(T, g.id, ['cat', '/etc/fstab'], { signal: ctx.signal, timeoutMs: 30_000 }) : undefined;
  const lines = new Set((fstab?.exitCode === 0 ? fstab.stdout : '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')));
  for (const v of g.volumes) {
    const line = fstabLine(v);
    if (lines.has(line)) {
      rec.note('verify', `nfs ${v.mountPoint}`, 'in /etc/fstab');
      continue;
    }
    await rec.step('set', '+', `nfs ${v.server}:${v.path} on ${v.mountPoint}`, { reason: 'not in /etc/fstab' }, async () => {
      const w = await ctx.driver.exec(T, g.id, ['/bin/sh', '-c', WRITE_FSTAB, 'sh', v.mountPoint, line], { signal: ctx.signal, timeoutMs: 60_000 });
      if (w.exitCode !== 0) throw new Error(`could not add ${v.mountPoint} to /etc/fstab on VM ${g.id}: ${(w.stderr || w.stdout).trim()}`);
      const m = await ctx.driver.exec(T, g.id, ['mount', v.mountPoint], { signal: ctx.signal, timeoutMs: 120_000 });
      // nofail: the guest mounts it at boot once the server answers; say so rather than fail.
      if (m.exitCode !== 0) rec.notes.push(`nfs ${v.mountPoint}: in /etc/fstab, but mounting now failed: ${(m.stderr || m.stdout).trim().split('\n')[0]}`);
    });
  }
}
