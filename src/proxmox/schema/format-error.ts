// The stderr text of a rejected pct/qm call, as PVE::Exception prints a 400 raised by the CLI
// handler: Getopt warnings first, then `400 <reason>`, the `param: message` lines, and the usage
// line. Every such failure exits with 255.

import type { ParamError } from './types.js';

export const PARAM_ERROR_EXIT = 255;

/** Exactly the CLI's stderr for these errors (ends with a newline). */
export function formatParamError(errors: readonly ParamError[], usageLine: string): string {
  const warnings = errors
    .filter((e) => e.warning)
    .map((e) => `${e.message}\n`)
    .join('');
  const cliLevel = errors.find((e) => !e.warning && e.param === '');
  if (cliLevel) return `${warnings}400 ${cliLevel.message}\n${usageLine}\n`;
  const lines = errors
    .filter((e) => !e.warning)
    .slice()
    .sort((a, b) => (a.param < b.param ? -1 : a.param > b.param ? 1 : 0))
    .map((e) => `${e.param}: ${e.message}\n`)
    .join('');
  return `${warnings}400 Parameter verification failed.\n${lines}${usageLine}\n`;
}
