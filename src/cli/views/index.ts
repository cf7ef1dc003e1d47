// Run progress views: pick one with viewKind(), feed it runDag's events.
import { JsonLinesView } from './json-lines.js';
import { PlainView, SummaryView } from './plain.js';
import { TtyView, type TtyOptions } from './tty.js';
import type { RunView, ViewKind, Writers } from './run-view.js';

export type { RunView, ViewKind, ViewOptions, Writers } from './run-view.js';
export { viewKind } from './run-view.js';
export { colorEnabled } from './colors.js';
export { renderSummary, RunRecorder, type GuestProgress } from './summary.js';
export { renderOutcomeDot, renderOutcomeMermaid, type OutcomeGraph, type Outcome } from './outcome-graph.js';
export { formatDuration, isoSecond, plainLine } from './format.js';
export { GuestLogView, teeViews, type GuestLogTargets } from './guest-log.js';
export { JsonLinesView, PlainView, SummaryView, TtyView, type TtyOptions };

/** createRunView builds the view of the given kind. */
export function createRunView(kind: ViewKind, out: Writers, opts: TtyOptions): RunView {
  if (kind === 'json') return new JsonLinesView(out, opts);
  if (kind === 'tty') return new TtyView(out, opts);
  if (kind === 'summary') return new SummaryView(out, opts);
  return new PlainView(out, opts);
}
