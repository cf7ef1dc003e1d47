// `phoenix validate`: load the config and print every diagnostic (errors and warnings; debug lines
// with --verbose), then a one-line summary. Exit 2 on any error, else 0. With --json, the
// diagnostics as [{severity, file, path, message, line?, column?}] and nothing else.
import { diagnosticsToJson } from '../../diag/diagnostic.js';
import { EXIT } from '../../diag/errors.js';
import type { PhoenixConfig } from '../../model/guest.js';
import { type CommandRun, out } from '../io.js';
import { countText, loadConfig, printDiagnostics, visibleDiagnostics } from './load-config.js';

function guestCount(config: PhoenixConfig): string {
  const all = [...config.guests.values()];
  const lxc = all.filter((g) => g.kind === 'lxc').length;
  return `${all.length} guest${all.length === 1 ? '' : 's'} (${lxc} container${lxc === 1 ? '' : 's'}, ${all.length - lxc} VM${all.length - lxc === 1 ? '' : 's'})`;
}

export const run: CommandRun = async (ctx) => {
  const { config, diagnostics } = await loadConfig(ctx);
  const failed = diagnostics.hasErrors();
  if (ctx.globals.json) {
    const shown = visibleDiagnostics(diagnostics, { quiet: false, verbose: ctx.globals.verbose });
    out(ctx.io, JSON.stringify(diagnosticsToJson(shown), null, 2));
    return failed ? EXIT.usage : EXIT.ok;
  }
  printDiagnostics((l) => out(ctx.io, l), diagnostics, ctx.globals);
  const where = config?.dir ?? ctx.globals.config ?? ctx.io.env.PHOENIX_CONFIG ?? '';
  out(ctx.io, failed ? `invalid: ${countText(diagnostics)}${where ? ` in ${where}` : ''}` : `valid: ${guestCount(config!)}, ${countText(diagnostics)} in ${where}`);
  return failed ? EXIT.usage : EXIT.ok;
};
