// phoenix up: see src/cli/run/inventory.ts.
import type { CommandContext } from '../io.js';
import { upCommand } from '../run/inventory.js';

export const run = (ctx: CommandContext) => upCommand(ctx);
