// phoenix list: see src/cli/run/inventory.ts.
import type { CommandContext } from '../io.js';
import { listCommand } from '../run/inventory.js';

export const run = (ctx: CommandContext) => listCommand(ctx);
