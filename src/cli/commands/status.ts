// phoenix status: see src/cli/run/inventory.ts.
import type { CommandContext } from '../io.js';
import { statusCommand } from '../run/inventory.js';

export const run = (ctx: CommandContext) => statusCommand(ctx);
