// phoenix prune: delete the Phoenix-managed guests the config no longer names (the `-` rows of
// `plan`). Lists them, keeps (and says why) any that something still needs, asks unless --yes
// (refuses with no terminal), then stops and destroys each with purge.
import { EXIT, UsageError } from '../../diag/errors.js';
import { applyPrune, planPrune } from '../../app/prune.js';
import type { CommandContext } from '../io.js';
import { ask } from '../prompt.js';
import { lockCliGuests, openCliSession } from '../run/session.js';
import { oneLine } from '../../util/terminal.js';

export async function run(ctx: CommandContext): Promise<number> {
  const s = await openCliSession(ctx, { readOnly: ctx.globals.dryRun });
  const { remove, kept } = await planPrune(s);
  const out = (l: string) => ctx.io.stdout(`${oneLine(l)}\n`);
  for (const k of kept) out(`= ${k.orphan.type === 'lxc' ? 'lxc' : 'vm'} ${k.orphan.vmid} ${k.orphan.name}: kept, ${k.why}`);
  for (const o of remove) out(`- ${o.type === 'lxc' ? 'lxc' : 'vm'} ${o.vmid} ${o.name}: not in the config, will be destroyed`);
  if (!remove.length) {
    out('Nothing to prune.');
    return kept.length ? EXIT.failed : EXIT.ok;
  }
  if (ctx.globals.dryRun) return EXIT.ok;
  if (!ctx.globals.yes) {
    if (!ctx.io.isTTY) throw new UsageError(`prune would destroy ${remove.map((o) => o.vmid).join(', ')}: refusing without --yes (no terminal to ask on)`);
    if (!(await ask(ctx, `Destroy ${remove.length} guest(s) (${remove.map((o) => o.vmid).join(', ')}) and their disks?`))) {
      ctx.io.stderr('phoenix: not pruned; nothing was changed\n');
      return EXIT.failed;
    }
  }
  const release = await lockCliGuests(
    ctx,
    s,
    remove.map((o) => o.vmid),
    'phoenix prune',
  );
  let refused;
  try {
    refused = await applyPrune(s, remove, (o) => ctx.io.stderr(`phoenix: destroying ${o.vmid} ${oneLine(o.name)}\n`));
  } finally {
    release();
  }
  for (const k of refused) ctx.io.stderr(`phoenix: guest ${k.orphan.vmid}: kept, ${oneLine(k.why)}\n`);
  out(`Pruned ${remove.length - refused.length} guest(s).`);
  return kept.length || refused.length ? EXIT.failed : EXIT.ok;
}
