// HostFiles on a local directory tree: /etc/pve on a host, <state>/etc/pve for the simulator.
// Writes go to a temp file in the same directory, then rename (what PVE's own file_set_contents
// does; pmxcfs supports it), so a concurrent reader never sees half a file.

import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import type { HostFiles } from './types.js';

export function fsHostFiles(root: string): HostFiles {
  const resolve = (p: string): string => {
    const rel = normalize(p);
    if (isAbsolute(rel) || rel === '..' || rel.startsWith('../')) throw new Error(`host file path escapes ${root}: ${p}`);
    return join(root, rel);
  };
  return {
    root,
    async read(p) {
      try {
        return await readFile(resolve(p), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async readDir(dir, suffix) {
      let names: string[];
      try {
        names = (await readdir(resolve(dir))).filter((n) => n.endsWith(suffix)).sort();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EPERM') return null;
        throw e;
      }
      const out = new Map<string, string>();
      for (const n of names) {
        try {
          out.set(n, await readFile(join(resolve(dir), n), 'utf8'));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') continue; // removed between the listing and the read
          if (code === 'EACCES' || code === 'EPERM') return null;
          throw e;
        }
      }
      return out;
    },
    async write(p, content) {
      const target = resolve(p);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.tmp.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
      try {
        await writeFile(tmp, content, { encoding: 'utf8', mode: 0o640 });
        await rename(tmp, target);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async remove(p) {
      await rm(resolve(p), { force: true });
    },
  };
}
