// A verb's guests from its arguments and --tag/--exclude (resolution: app/targets.ts).
import { listOption, resolveTargets } from '../../app/targets.js';
import { UsageError } from '../../diag/errors.js';
import type { Guest, GuestId } from '../../model/guest.js';
import type { CommandContext } from '../io.js';

/** Whether the verb was given any selector (ids, names, tags, --tag, --exclude). */
export function hasSelectors(ctx: CommandContext): boolean {
  return ctx.args.length > 0 || listOption(ctx.options.tag).length > 0 || listOption(ctx.options.exclude).length > 0;
}

/** The ids the verb acts on; with no selector, every guest ('all') or none ('none'). */
export function targetIds(ctx: CommandContext, guests: Map<GuestId, Guest>, whenEmpty: 'all' | 'none' = 'all'): GuestId[] {
  if (whenEmpty === 'none' && !hasSelectors(ctx)) throw new UsageError('name at least one guest', 'by id (210), name (docker-host) or tag (gpu), or with --tag');
  const ids = resolveTargets(ctx.args, guests, { tags: listOption(ctx.options.tag), exclude: listOption(ctx.options.exclude), whenEmpty });
  if (!ids.length && hasSelectors(ctx)) throw new UsageError('no guest left to act on', '--exclude removed every guest named');
  return ids;
}
