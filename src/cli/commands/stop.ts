// phoenix stop: see src/cli/run/lifecycle.ts.
import type { CommandContext } from '../io.js';
import { stopCommand } from '../run/lifecycle.js';

export const run = (ctx: CommandContext) => stopCommand(ctx);
