// `pveversion` (pve-manager PVE/CLI/pveversion.pm): one line,
// `pve-manager/<version>/<repoid> (running kernel: <uname -r>)`.

import type { PveVersion } from '../../types.js';

export function parsePveversion(text: string): PveVersion {
  const m = /^pve-manager\/((\d+)\.(\d+)(?:\.\d+)?)\//m.exec(text);
  if (!m) throw new Error(`unexpected pveversion output: ${JSON.stringify(text.slice(0, 120))}`);
  return { release: m[1], major: Number(m[2]), minor: Number(m[3]) };
}
