// phoenix delete: see src/cli/run/inventory.ts.
import type { CommandContext } from '../io.js';
import { deleteCommand } from '../run/inventory.js';

export const run = (ctx: CommandContext) => deleteCommand(ctx);
