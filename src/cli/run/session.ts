// The CLI's side of opening a run: load the config (printing its diagnostics, exit 2 on errors),
// then hand plain values to the application layer's session, and lock guests with the CLI's
// wait/--no-wait choice and messages.

import { lockGuests as lockSessionGuests, openSession, type Session } from '../../app/session.js';
import { loadOrExit } from '../commands/load-config.js';
import type { CommandContext } from '../io.js';

export type { Session } from '../../app/session.js';

/**
 * Loads the config (its warnings in full for `plan`, else as a count) and opens the run's session.
 * The built-in simulator's notice is said once per run, with --quiet too (it changes what a run means).
 */
export async function openCliSession(ctx: CommandContext, opts: { readOnly: boolean; warnings?: 'full' | 'count' }): Promise<Session> {
  const config = await loadOrExit(ctx, { warnings: opts.warnings ?? 'count' });
  return openSession({
    config,
    driver: ctx.globals.driver,
    api: ctx.globals.api,
    env: ctx.io.env,
    readOnly: opts.readOnly,
    notice: (line) => ctx.io.stderr(`phoenix: ${line}\n`),
  });
}

export function lockCliGuests(ctx: CommandContext, s: Session, ids: readonly number[], command: string): Promise<() => void> {
  return lockSessionGuests(s, ids, command, {
    env: ctx.io.env,
    wait: !ctx.options.noWait && !ctx.globals.noWait,
    signal: ctx.io.signal,
    onWait: (holder) => ctx.io.stderr(`phoenix: waiting for another run to finish: ${holder}\n`),
  });
}
