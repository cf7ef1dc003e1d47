// phoenix converge [ID...]: converge the named guests and their whole dependency chain
// (every guest when no id is given).
import type { CommandContext } from '../io.js';
import { convergeCommand } from '../run/converge-command.js';

export const run = (ctx: CommandContext) => convergeCommand(ctx, 'converge', { planOnly: false });
