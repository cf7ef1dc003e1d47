// The view of a run: what the user sees (live lines, plain lines or JSON events) teed with the
// per-guest log files `<config dir>/.phoenix/logs/<run>/<id>.log` every run writes.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { colorEnabled, createRunView, GuestLogView, teeViews, viewKind, type RunView } from '../views/index.js';
import type { CommandContext } from '../io.js';
import type { Session } from './session.js';
import { appendPrivate } from '../../util/private-fs.js';

export function runViewFor(ctx: CommandContext, s: Session): RunView {
  const { io, globals } = ctx;
  const scrub = (t: string) => s.secrets.scrubber.scrub(t);
  const color = colorEnabled({ env: io.env, isTTY: io.isTTY, flag: globals.color });
  const shown = createRunView(viewKind({ json: globals.json, isTTY: io.isTTY }), { stdout: io.stdout, stderr: io.stderr }, { color, verbose: globals.verbose, scrub });
  // Read-only runs (dry runs) write no logs: their session made no log directory.
  if (!existsSync(s.logDir)) return shown;
  const logs = new GuestLogView({
    guest: (id) => (text) => appendPrivate(join(s.logDir, `${id}.log`), text),
    run: (text) => appendPrivate(join(s.logDir, 'run.log'), text),
    scrub,
  });
  return teeViews(shown, logs);
}
