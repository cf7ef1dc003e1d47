// Plain view: one timestamped line per event (`2026-11-26T01:02:03Z 901 clone started`), then the
// summary table. For pipes, CI logs and anything that is not a terminal.
import type { EngineEvent } from '../../engine/events.js';
import { colors } from './colors.js';
import { plainLine, type Key } from './format.js';
import type { RunView, ViewOptions, Writers } from './run-view.js';
import { renderSummary, RunRecorder } from './summary.js';

/** --quiet: nothing while the run goes, then the summary (failures are printed by the verb, once). */
export class SummaryView implements RunView {
  private readonly recorder = new RunRecorder();
  constructor(
    private readonly out: Writers,
    private readonly opts: ViewOptions,
  ) {}

  onEvent(e: EngineEvent<Key>): void {
    this.recorder.record(e);
    if (e.kind === 'run-end') this.out.stdout((this.opts.scrub ?? ((s: string) => s))(renderSummary(this.recorder.guests.values(), colors(this.opts.color), this.opts)));
  }

  close(): void {}
}

export class PlainView implements RunView {
  private readonly recorder = new RunRecorder();
  private readonly scrub: (s: string) => string;

  constructor(
    private readonly out: Writers,
    private readonly opts: ViewOptions,
  ) {
    this.scrub = opts.scrub ?? ((s) => s);
  }

  onEvent(e: EngineEvent<Key>): void {
    this.recorder.record(e);
    const line = plainLine(e, { verbose: this.opts.verbose, shortFailures: this.opts.failuresBelow });
    if (line !== null) this.out.stdout(this.scrub(`${line}\n`));
    if (e.kind === 'run-end') this.out.stdout(this.scrub(`\n${renderSummary(this.recorder.guests.values(), colors(this.opts.color), this.opts)}`));
  }

  close(): void {}
}
