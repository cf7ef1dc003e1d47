// Colour on or off, decided once per run: NO_COLOR (any non-empty value) and --no-color turn it
// off, FORCE_COLOR turns it on, otherwise colour only on a terminal.
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorEnabled(opts: { env: Record<string, string | undefined>; isTTY: boolean; flag?: boolean }): boolean {
  if (opts.flag === false) return false;
  if (opts.env.NO_COLOR) return false;
  if (opts.env.FORCE_COLOR && opts.env.FORCE_COLOR !== '0') return true;
  return opts.isTTY;
}

export function colors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}
