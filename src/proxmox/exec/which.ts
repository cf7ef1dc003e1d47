// Finding an executable on a PATH string, and telling the Phoenix simulator's pct/qm shims
// from the real tools.

import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export function which(cmd: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/**
 * A marker file the simulator may place beside its shims: JSON `{"stateDir": "..."}` (or empty).
 * Without it, a shim is recognised by its content naming the simulator entry (sim-cli).
 */
export const SIM_SHIM_MARKER = '.phoenix-sim';

const SHIM_SIGNATURE = /phoenix[-_ ]sim|Phoenix Proxmox simulator|sim-cli(\.js)?\b/i;
/** The state a shim script bakes in: `PHOENIX_SIM_STATE='<dir>'` (POSIX single-quoted). */
const BAKED_STATE = /^PHOENIX_SIM_STATE='((?:[^']|'\\'')*)'\s*$/m;

export interface SimShim {
  /** The pct executable found on PATH. */
  pct: string;
  /** The state directory the shim dir names (marker, or `<state>/bin` layout), if any. */
  stateDir?: string;
}

/** Is this pct the simulator's? Reads the marker, or at most 4 KiB of the file. */
export function detectSimShim(pct: string): SimShim | undefined {
  const dir = dirname(pct);
  const marker = join(dir, SIM_SHIM_MARKER);
  if (existsSync(marker)) {
    try {
      const m = JSON.parse(readFileSync(marker, 'utf8') || '{}') as { stateDir?: unknown };
      return { pct, stateDir: typeof m.stateDir === 'string' ? m.stateDir : stateFromLayout(dir) };
    } catch {
      return { pct, stateDir: stateFromLayout(dir) };
    }
  }
  let head = '';
  try {
    const real = realpathSync(pct);
    if (/sim-cli\.js$/.test(real)) return { pct, stateDir: stateFromLayout(dir) };
    head = readFileSync(real).subarray(0, 4096).toString('utf8');
  } catch {
    return undefined;
  }
  if (!SHIM_SIGNATURE.test(head)) return undefined;
  const baked = BAKED_STATE.exec(head)?.[1]?.replace(/'\\''/g, "'");
  return { pct, stateDir: baked ?? stateFromLayout(dir) };
}

/** The simulator keeps shims in `<state>/bin`, next to `<state>/host.json`. */
function stateFromLayout(binDir: string): string | undefined {
  const state = dirname(binDir);
  return existsSync(join(state, 'host.json')) ? state : undefined;
}
