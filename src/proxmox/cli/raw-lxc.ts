// setRawLxc over HostFiles: read lxc/<vmid>.conf, replace the raw lxc.* lines of the main
// section, write back only when something changed. Proxmox holds a per-guest flock while it
// edits a config; we cannot take it from Node, so we detect a concurrent edit instead (re-read
// just before the write, start over if it moved) — rename makes the write itself atomic.

import type { HostFileOp, HostFiles } from '../hostfiles/types.js';
import { lxcConfPath } from '../hostfiles/types.js';
import { replaceRawLxc } from '../hostfiles/lxc-raw.js';

type Track = <T>(op: HostFileOp['op'], path: string, f: () => Promise<T>) => Promise<T>;

const ATTEMPTS = 3;

export async function setRawLxcInFile(hf: HostFiles, vmid: number, entries: Array<[string, string]>, track: Track): Promise<void> {
  const p = lxcConfPath(vmid);
  for (let attempt = 1; ; attempt++) {
    const before = await track('read', p, () => hf.read(p));
    // Proxmox's own wording, so isMissing() classifies it like a pct failure.
    if (before === null) throw new Error(`Configuration file '${hf.root}/${p}' does not exist`);
    const after = replaceRawLxc(before, entries);
    if (after === before) return;
    const now = await track('read', p, () => hf.read(p));
    if (now === before) {
      await track('write', p, () => hf.write(p, after));
      return;
    }
    if (attempt >= ATTEMPTS) throw new Error(`${hf.root}/${p} keeps changing while Phoenix edits its raw lxc lines; try again`);
  }
}
