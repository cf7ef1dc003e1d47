// Per-guest logs: every event about a guest (debug lines included) as a plain timestamped line,
// sent to that guest's own writer. The caller decides where writers go (e.g. one file per guest
// per run); this view does no I/O itself. teeViews feeds several views from one event stream.
import type { EngineEvent } from '../../engine/events.js';
import { nodeOf, plainLine, type Key } from './format.js';
import type { RunView } from './run-view.js';

export interface GuestLogTargets {
  /** The writer for one guest's log; asked once per guest. */
  guest: (id: Key) => (text: string) => void;
  /** Where run-level lines (run start and end) go, if anywhere. */
  run?: (text: string) => void;
  scrub?: (text: string) => string;
}

export class GuestLogView implements RunView {
  private readonly writers = new Map<Key, (text: string) => void>();

  constructor(private readonly targets: GuestLogTargets) {}

  onEvent(e: EngineEvent<Key>): void {
    const line = plainLine(e, { verbose: true });
    if (line === null) return;
    const text = `${this.targets.scrub ? this.targets.scrub(line) : line}\n`;
    const node = nodeOf(e);
    if (node === undefined) return this.targets.run?.(text);
    let w = this.writers.get(node);
    if (!w) this.writers.set(node, (w = this.targets.guest(node)));
    w(text);
  }

  close(): void {}
}

/** teeViews returns one view that passes every event to each of `views`, in order. */
export function teeViews(...views: RunView[]): RunView {
  return {
    onEvent: (e) => views.forEach((v) => v.onEvent(e)),
    close: () => views.forEach((v) => v.close()),
  };
}
