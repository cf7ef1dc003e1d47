// phoenix adopt ID...: take over guests that exist at configured ids but were not made by
// Phoenix (no `phoenix` tag): the plan shows what converging them changes (their tags among it),
// asked like any converge, then applied.
import type { CommandContext } from '../io.js';
import { convergeCommand } from '../run/converge-command.js';

export const run = (ctx: CommandContext) => convergeCommand({ ...ctx, options: { ...ctx.options, adoptIds: ctx.args } }, 'create', { planOnly: false });
