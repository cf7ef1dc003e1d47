// phoenix create ID...: converge the named guests; make sure what they depend on exists, runs
// and is healthy (existing dependencies are not reconfigured).
import type { CommandContext } from '../io.js';
import { convergeCommand } from '../run/converge-command.js';

export const run = (ctx: CommandContext) => convergeCommand(ctx, 'create', { planOnly: false });
