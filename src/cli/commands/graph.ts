// `phoenix graph [ID...]`: the dependency graph of the named guests and everything they need
// (all guests when no id is given), as an ordered text list, mermaid, dot, or --json.
// Edge direction everywhere: [from, to] means guest `from` needs guest `to` first — it is cloned
// from it (clone_from_ctid / clone_from_vmid) or lists it in `dependencies`.

import { hasSelectors, targetIds } from '../run/targets.js';
import { UsageError } from '../../diag/errors.js';
import { CycleError } from '../../graph/dag.js';
import { GuestGraph, UnknownGuestError, type GuestClosure } from '../../graph/guests.js';
import { renderDot } from '../../graph/render/dot.js';
import { renderJson } from '../../graph/render/json.js';
import { renderMermaid } from '../../graph/render/mermaid.js';
import { renderText } from '../../graph/render/text.js';
import type { CommandContext, CommandRun } from '../io.js';
import { loadOrExit } from './load-config.js';

const renderers: Record<string, (c: GuestClosure) => string> = {
  text: renderText,
  mermaid: renderMermaid,
  dot: renderDot,
};

export const run: CommandRun = async (ctx: CommandContext) => {
  const format = String(ctx.options.format ?? 'text');
  const render = ctx.globals.json ? renderJson : renderers[format];
  if (!render) throw new UsageError(`unknown --format "${format}"`, 'use text, mermaid or dot (or --json)');

  // Diagnostics go to stderr; any error stops here with exit 2.
  const config = await loadOrExit(ctx);
  // Named by id, name or tag (--tag, --exclude); none: from every root.
  const ids = hasSelectors(ctx) ? targetIds(ctx, config.guests) : [];

  const graph = new GuestGraph(config.guests);
  let closure: GuestClosure;
  try {
    closure = graph.closure(ids.length > 0 ? ids : graph.roots());
  } catch (e) {
    if (e instanceof UnknownGuestError) throw new UsageError(e.message, knownIdsHint(graph.dag.nodes()));
    if (e instanceof CycleError) throw new UsageError(e.message, 'break the cycle in clone_from_* or dependencies');
    throw e;
  }
  ctx.io.stdout(render(closure));
  return 0;
};

function knownIdsHint(known: number[]): string {
  if (known.length === 0) return 'the config defines no guests';
  const shown = known.slice(0, 20).join(', ');
  return `configured guests: ${shown}${known.length > 20 ? `, … (${known.length} in all; see 'phoenix list')` : ''}`;
}
