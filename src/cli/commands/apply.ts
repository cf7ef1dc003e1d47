// phoenix apply FILE: apply a plan saved by `phoenix plan -o FILE`, exactly. The guests are
// observed and planned again first; when the config or the host changed since the plan was made
// (a field of a guest's config, a `pct set` by hand, a snapshot taken, a guest started), it
// refuses, naming the guest and the field, and changes nothing.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../diag/errors.js';
import { planFileProblem, type SavedPlan } from '../../app/saved-plan.js';
import type { CommandContext } from '../io.js';
import { convergeCommand } from '../run/converge-command.js';

export async function run(ctx: CommandContext): Promise<number> {
  const file = resolve(ctx.io.cwd, ctx.args[0] ?? '');
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read the plan ${file}: ${(e as Error).message.split('\n')[0]}`, "make one with 'phoenix plan -o FILE'");
  }
  const problem = planFileProblem(saved);
  if (problem) throw new UsageError(`${file}: ${problem}`);
  const plan = saved as SavedPlan;
  // The saved plan was shown when it was made: applying it is the confirmation.
  return convergeCommand({ ...ctx, args: [], globals: { ...ctx.globals, yes: true } }, plan.verb, { planOnly: false, saved: plan });
}
