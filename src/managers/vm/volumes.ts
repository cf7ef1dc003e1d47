// A VM's `volumes` (NFS shares) are mounted inside the guest: one /etc/fstab line per mount
// point (identified by the mount path, replaced when its source changed), then a mount attempt.
// Everything travels as argv; the config's values are positional arguments of a fixed script,
// never interpolated into shell text.

import type { VmGuest, VmNfsVolume } from '../../model/guest.js';
import type { ApplyContext, PlanContext } from '../context.js';
import type { StepRecorder } from '../recorder.js';

const T = 'qemu' as const;

export const fstabLine = (v: VmNfsVolume) => `${v.server}:${v.path} ${v.mountPoint} nfs defaults,_netdev,nofail 0 0`;

// $1 mount point, $2 the fstab line: drop any other line for that mount point, add ours.
const WRITE_FSTAB = ['set -e', 'mkdir -p "$1"', 'awk -v mp="$1" \'$2 != mp\' /etc/fstab > /etc/fstab.phoenix', 'printf "%s\\n" "$2" >> /etc/fstab.phoenix', 'mv /etc/fstab.phoenix /etc/fstab'].join('\n');

/** Plan the fstab line of each NFS volume not yet in /etc/fstab (read at observation). */
export async function planNfsVolumes(g: VmGuest, rec: StepRecorder, ctx: PlanContext): Promise<void> {
  if (!g.volumes.length) return;
  let text: string | undefined;
  let unknown: string | undefined;
  try {
    const r = await ctx.reader.exec(T, g.id, ['cat', '/etc/fstab']);
    text = r.exitCode === 0 ? r.stdout : '';
  } catch (e) {
    unknown = (e as Error).message;
  }
  const lines = new Set((text ?? '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')));
  for (const v of g.volumes) {
    const line = fstabLine(v);
    if (unknown === undefined && lines.has(line)) {
      rec.note('verify', `nfs ${v.mountPoint}`, 'in /etc/fstab');
      continue;
    }
    rec.step('nfs', '+', `nfs ${v.server}:${v.path} on ${v.mountPoint}`, { reason: unknown === undefined ? 'not in /etc/fstab' : `written (replacing any line for ${v.mountPoint}); /etc/fstab is read once the VM runs` }, { kind: 'nfs', vmid: g.id, mountPoint: v.mountPoint, line });
  }
}

/** Apply: write the fstab line (replacing any other for that mount point) and try to mount it. */
export async function applyNfsVolume(vmid: number, mountPoint: string, line: string, ctx: Pick<ApplyContext, 'driver' | 'signal'>): Promise<string> {
  const w = await ctx.driver.exec(T, vmid, ['/bin/sh', '-c', WRITE_FSTAB, 'sh', mountPoint, line], { signal: ctx.signal, timeoutMs: 60_000 });
  if (w.exitCode !== 0) throw new Error(`could not add ${mountPoint} to /etc/fstab on VM ${vmid}: ${(w.stderr || w.stdout).trim()}`);
  const m = await ctx.driver.exec(T, vmid, ['mount', mountPoint], { signal: ctx.signal, timeoutMs: 120_000 });
  // nofail: the guest mounts it at boot once the server answers; say so rather than fail.
  return m.exitCode === 0 ? 'done' : `in /etc/fstab, but mounting now failed: ${(m.stderr || m.stdout).trim().split('\n')[0]}`;
}
