// phoenix plan [ID...]: what `converge` would do, observed through a read-only driver; changes
// nothing (a mutating call would be refused by construction).
import type { CommandContext } from '../io.js';
import { convergeCommand } from '../run/converge-command.js';

export const run = (ctx: CommandContext) => convergeCommand(ctx, 'converge', { planOnly: true });
