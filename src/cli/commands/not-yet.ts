// Verbs that are parsed and documented but whose implementation lands with a later issue.
// They fail honestly (exit 1) instead of pretending to work.
import { err, type CommandContext } from '../io.js';

export function notYet(verb: string, issue: number) {
  return async (ctx: CommandContext): Promise<number> => {
    err(ctx.io, `phoenix ${verb}: not implemented yet (tracked in issue ${issue})`);
    return 1;
  };
}
