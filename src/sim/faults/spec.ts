// PHOENIX_SIM_FAULTS=rate=0.1,seed=7[,fail=status+config][,kinds=lock,timeout,warning,killed,cfs-lock] and
// the seeded choice of which call gets which fault. Pure: the call's position in the sequence decides.
// `fail=CMD+CMD` makes every call of those pct/qm sub-commands fail (read-only ones included), as
// when pmxcfs is down: `ipcc_send_rec[1] failed: Connection refused`, exit 255 (`fail=status` also
// fails `pvesh get /cluster/resources`, the bulk status read).

// `cfs-lock` (shared-storage lock contention) is only drawn when named in kinds=, so the default
// draw, and every seed chosen for it, stays as it was.
export type FaultKind = 'lock' | 'timeout' | 'warning' | 'killed' | 'cfs-lock';
export const ALL_KINDS: FaultKind[] = ['lock', 'timeout', 'warning', 'killed'];
const KNOWN_KINDS: FaultKind[] = [...ALL_KINDS, 'cfs-lock'];

export interface FaultSpec {
  rate: number;
  seed: number;
  kinds: FaultKind[];
  /** Sub-commands (`status`, `guest exec`, ...) whose every call fails. */
  fail?: string[];
}

/** Parses the env value; undefined when unset or rate is 0. Throws on a malformed value. */
export function parseFaultSpec(text: string | undefined): FaultSpec | undefined {
  // harness, not a Proxmox rule: the fault-injection setting's own syntax errors.
  if (!text) return undefined;
  const spec: FaultSpec = { rate: 0, seed: 1, kinds: [...ALL_KINDS] };
  // kinds= takes the rest of the list (its values are comma-separated too).
  const m = /(?:^|,)kinds=(.*)$/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  if (m) {
    const kinds = m[1].split(/[,;+]/).filter(Boolean);
    for (const k of kinds) if (!KNOWN_KINDS.includes(k as FaultKind)) throw new Error(`PHOENIX_SIM_FAULTS: unknown kind '${k}'`);
    spec.kinds = kinds as FaultKind[];
  }
  for (const part of head.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (k === 'rate') spec.rate = Number(v);
    else if (k === 'seed') spec.seed = Number(v);
    else if (k === 'fail')
      spec.fail = (v ?? '')
        .split('+')
        .map((c) => c.replace(/_/g, ' ').trim())
        .filter(Boolean);
    else throw new Error(`PHOENIX_SIM_FAULTS: unknown setting '${k}'`);
  }
  if (!(spec.rate >= 0 && spec.rate <= 1)) throw new Error('PHOENIX_SIM_FAULTS: rate must be between 0 and 1');
  if (!Number.isFinite(spec.seed)) throw new Error('PHOENIX_SIM_FAULTS: seed must be a number');
  return (spec.rate > 0 && spec.kinds.length) || spec.fail?.length ? spec : undefined;
}

/** mulberry32: a small, well-distributed 32-bit PRNG. */
function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault (if any) for the n-th eligible call of a run with this spec. */
export function faultFor(spec: FaultSpec, n: number): FaultKind | undefined {
  const rnd = mulberry32((spec.seed * 2654435761 + n * 40503) >>> 0);
  rnd();
  if (rnd() >= spec.rate) return undefined;
  return spec.kinds[Math.floor(rnd() * spec.kinds.length)];
}
