// The `startup` option (`order=2,up=5,down=5`, or a bare order `2`), shared by LXC and QEMU.
// Proxmox stores it as given; pve_parse_startup_order accepts exactly these three keys.

import { PropertyStringError } from './property-string.js';

export interface Startup {
  order?: number;
  up?: number;
  down?: number;
}

export function parseStartup(s: string): Startup {
  const res: Startup = {};
  if (!s) throw new PropertyStringError('unable to parse startup options');
  for (const p of s.split(',')) {
    if (/^\s*$/.test(p)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^(?:order=)?(\d+)$/.exec(p))) res.order = Number(m[1]);
    else if ((m = /^up=(\d+)$/.exec(p))) res.up = Number(m[1]);
    else if ((m = /^down=(\d+)$/.exec(p))) res.down = Number(m[1]);
    else throw new PropertyStringError('unable to parse startup options');
  }
  return res;
}

/** `order=N,up=N,down=N`, keys present only when set (the form Phoenix writes). */
export function formatStartup(s: Startup): string {
  const parts: string[] = [];
  if (s.order !== undefined) parts.push(`order=${s.order}`);
  if (s.up !== undefined) parts.push(`up=${s.up}`);
  if (s.down !== undefined) parts.push(`down=${s.down}`);
  return parts.join(',');
}
