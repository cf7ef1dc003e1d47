// The front-end part of the simulator's cost model (PHOENIX_SIM_LATENCY, parsed by run.ts's
// parseLatency). run.ts models each pct/qm verb's work (`create=`, `clone=`, `default=`, ...);
// this adds what every call pays before any work, applied where the call enters the simulator
// (app/drivers/sim-exec.ts):
//   cli=<ms>    the Perl start-up of pct/qm/pveversion (absent: 0, so a setting of only
//               `create=…` keeps its old meaning; the bench's host model says 500)
//   pvesh=<ms>  one pvesh request in all, start-up included (absent: cli + default)
// pveversion has no verb latency of its own in run.ts: its whole cost is cli + default.

export type LatencyModel = Record<string, number>;

/** The ms a call costs on top of what run.ts sleeps for it. */
export function frontEndMs(argv: readonly string[], l: LatencyModel): number {
  switch (argv[0]) {
    case 'pct':
    case 'qm':
      return l.cli ?? 0;
    case 'pvesh':
      return l.pvesh ?? (l.cli ?? 0) + (l.default ?? 0);
    case 'pveversion':
      return (l.cli ?? 0) + (l.default ?? 0);
    default:
      return 0;
  }
}
