// `pct` and `qm` executables for PATH: tiny shell scripts that run the simulator's bundled entry
// (dist/sim-cli.js) with the state directory baked in.

import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled simulator entry: beside dist/cli.js when bundled, or the repo's dist/ from source. */
export function simCliPath(): string {
  const candidates = [new URL('./sim-cli.js', import.meta.url), new URL('../../dist/sim-cli.js', import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) return p;
  }
  return fileURLToPath(candidates[candidates.length - 1]);
}

/** POSIX single-quote quoting for a path baked into a script. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes <state>/bin/pct, qm, pveversion and pvesh; returns the bin directory. */
export function writeShims(stateDir: string, nodePath = process.execPath, entry = simCliPath()): string {
  const bin = join(stateDir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of ['pct', 'qm', 'pveversion', 'pvesh']) {
    const script = `#!/bin/sh\n# Phoenix Proxmox simulator (phoenix sim path)\nPHOENIX_SIM_STATE=${sq(stateDir)}\nexport PHOENIX_SIM_STATE\nexec ${sq(nodePath)} ${sq(entry)} ${tool} "$@"\n`;
    const file = join(bin, tool);
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  return bin;
}
