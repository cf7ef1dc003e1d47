// Loading the config for a verb: every verb that needs the guests calls loadOrExit, which prints
// the diagnostics the same way `validate` does (to stderr, so stdout stays the verb's own output)
// and stops with exit 2 on any error.
import { type Diagnostic, type Diagnostics, formatDiagnostic } from '../../diag/diagnostic.js';
import { UsageError } from '../../diag/errors.js';
import { type LoadResult, loadPhoenixConfig } from '../../config/index.js';
import type { PhoenixConfig } from '../../model/guest.js';
import type { CliIO, CommandContext, GlobalOptions } from '../io.js';

/** Loads the config the global options and environment point at. */
export function loadConfig(ctx: CommandContext): Promise<LoadResult> {
  return loadPhoenixConfig({ config: ctx.globals.config, env: ctx.io.env, cwd: ctx.io.cwd });
}

/** Which diagnostics a run shows: errors always; warnings unless --quiet; debug only with --verbose. */
export function visibleDiagnostics(ds: Diagnostics, globals: Pick<GlobalOptions, 'quiet' | 'verbose'>): Diagnostic[] {
  return ds.items.filter((d) => (d.severity === 'error' ? true : d.severity === 'debug' ? globals.verbose && !globals.quiet : !globals.quiet));
}

/** "2 errors, 1 warning" */
export function countText(ds: Diagnostics): string {
  const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  return `${n(ds.errors.length, 'error')}, ${n(ds.warnings.length, 'warning')}`;
}

/** One line per visible diagnostic, through `write` (stdout for validate, stderr for other verbs). */
export function printDiagnostics(write: (line: string) => void, ds: Diagnostics, globals: Pick<GlobalOptions, 'quiet' | 'verbose'>): void {
  for (const d of visibleDiagnostics(ds, globals)) write(formatDiagnostic(d));
}

/**
 * Loads the config or throws UsageError (exit 2) after printing why, to stderr. Warnings are
 * printed in full (`validate`, `plan`) or, for verbs that act, as one count with a hint.
 */
export async function loadOrExit(ctx: CommandContext, opts: { warnings?: 'full' | 'count' } = {}): Promise<PhoenixConfig> {
  const { config, diagnostics } = await loadConfig(ctx);
  const io: CliIO = ctx.io;
  if (opts.warnings === 'count') {
    for (const d of visibleDiagnostics(diagnostics, ctx.globals)) if (d.severity !== 'warning') io.stderr(`${formatDiagnostic(d)}\n`);
    const n = diagnostics.warnings.length;
    if (n && !ctx.globals.quiet) io.stderr(`phoenix: the configuration has ${n} warning${n === 1 ? '' : 's'} (phoenix validate, or phoenix plan, lists them)\n`);
  } else printDiagnostics((l) => io.stderr(`${l}\n`), diagnostics, ctx.globals);
  if (!config || diagnostics.hasErrors()) throw new UsageError(`the configuration has ${countText(diagnostics)}; nothing was done`, "run 'phoenix validate' for the full list");
  return config;
}
