// phoenix health-check: see src/cli/run/lifecycle.ts.
import type { CommandContext } from '../io.js';
import { healthCommand } from '../run/lifecycle.js';

export const run = (ctx: CommandContext) => healthCommand(ctx);
