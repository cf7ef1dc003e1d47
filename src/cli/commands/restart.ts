// phoenix restart: see src/cli/run/lifecycle.ts.
import type { CommandContext } from '../io.js';
import { restartCommand } from '../run/lifecycle.js';

export const run = (ctx: CommandContext) => restartCommand(ctx);
