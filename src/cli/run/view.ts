// The view of a run: what the user sees (live lines, plain lines or JSON events) teed with the
// per-guest log files `<config dir>/.phoenix/logs/<run>/<id>.log` every run writes.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { colorEnabled, createRunView, GuestLogView, teeViews, viewKind, type RunView } from '../views/index.js';
import type { GuestInfo } from '../views/run-view.js';
import type { Key } from '../views/format.js';
import { guestAccess } from '../../features/access.js';
import type { CommandContext } from '../io.js';
import type { Session } from './session.js';
import { appendPrivate } from '../../util/private-fs.js';
import type { EngineEvent } from '../../engine/index.js';
import type { GuestId } from '../../model/guest.js';
import { oneLine } from '../../util/terminal.js';

export function runViewFor(ctx: CommandContext, s: Session): RunView {
  const { io, globals } = ctx;
  const scrub = (t: string) => s.secrets.scrubber.scrub(t);
  const color = colorEnabled({ env: io.env, isTTY: io.isTTY, flag: globals.color });
  const columns = (process.stdout as { columns?: number }).columns;
  const rows = (process.stdout as { rows?: number }).rows;
  const shown = createRunView(
    viewKind({ json: globals.json, isTTY: io.isTTY, quiet: globals.quiet }),
    { stdout: io.stdout, stderr: io.stderr },
    // Names, addresses and URLs beside the ids; each failure is printed in full by the verb.
    { color, verbose: globals.verbose, scrub, describe: describer(s), failuresBelow: true, ...(io.isTTY && columns ? { columns } : {}), ...(io.isTTY && rows ? { rows } : {}) },
  );
  // Read-only runs (dry runs) write no logs: their session made no log directory.
  if (!existsSync(s.logDir)) return escaping(shown);
  const logs = new GuestLogView({
    guest: (id) => (text) => appendPrivate(join(s.logDir, `${id}.log`), text),
    run: (text) => appendPrivate(join(s.logDir, 'run.log'), text),
    scrub,
  });
  return escaping(teeViews(shown, logs));
}

/**
 * "210 docker-host", its address and its features' URLs, from the config; for a guest on DHCP, the
 * address it reported once its run was done (Session.leases), when it did.
 */
export function describer(s: Session): (node: Key) => GuestInfo {
  const cache = new Map<Key, GuestInfo>();
  return (node) => {
    const lease = s.leases.get(Number(node));
    let info = cache.get(node);
    if (!info || (lease && !info.leased)) {
      const g = s.config.guests.get(Number(node));
      const access = g ? guestAccess(g, s.registry, lease) : undefined;
      cache.set(node, (info = { name: g?.name, address: access?.address, urls: access?.urls ?? [], leased: Boolean(lease) }));
    }
    return info;
  };
}

// Text an event carries may come from a guest or Proxmox (errors, notes, feature output): escaped
// before any view prints it, so a control character in it is shown, not obeyed by the terminal.
const TEXT_FIELDS = ['error', 'note', 'detail', 'message', 'reason', 'step', 'resource'] as const;

function escapeEvent(e: EngineEvent<GuestId>): EngineEvent<GuestId> {
  let out: Record<string, unknown> | undefined;
  for (const f of TEXT_FIELDS) {
    const v = (e as unknown as Record<string, unknown>)[f];
    if (typeof v !== 'string') continue;
    const clean = oneLine(v);
    if (clean !== v) (out ??= { ...e })[f] = clean;
  }
  return (out as unknown as EngineEvent<GuestId>) ?? e;
}

/** A view that escapes control characters in every event's text before `inner` sees it. */
function escaping(inner: RunView): RunView {
  return { onEvent: (e) => inner.onEvent(escapeEvent(e as EngineEvent<GuestId>)), close: () => inner.close() };
}
