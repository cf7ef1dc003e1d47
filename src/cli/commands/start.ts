// phoenix start: see src/cli/run/lifecycle.ts.
import type { CommandContext } from '../io.js';
import { startCommand } from '../run/lifecycle.js';

export const run = (ctx: CommandContext) => startCommand(ctx);
