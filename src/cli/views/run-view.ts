// One interface for showing a run's progress, three ways: a live terminal display, plain
// timestamped lines (pipes, CI, logs) and JSON lines (scripts). Pass view.onEvent as runDag's
// onEvent; call close() when the run is over (also after an error) to stop timers.
import type { EngineEvent } from '../../engine/events.js';
import type { Key } from './format.js';

export interface Writers {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface RunView {
  onEvent(e: EngineEvent<Key>): void;
  /** Finishes the output and stops timers. Idempotent. */
  close(): void;
}

export interface ViewOptions {
  /** Colour on (decide with colorEnabled()); ignored by the JSON view. */
  color: boolean;
  /** Show debug log lines (plain view). */
  verbose?: boolean;
  /** Applied to every piece of text before it is written: scrub secrets here. */
  scrub?: (text: string) => string;
  /** The guest's name, address and access URLs, shown beside its id (from the config). */
  describe?: (node: Key) => GuestInfo;
  /** The verb prints each failure in full once the run is over: views show a short form. */
  failuresBelow?: boolean;
}

export interface GuestInfo {
  name?: string;
  address?: string;
  urls?: string[];
  /** The address is the one the guest reported (DHCP), not only what its config says. */
  leased?: boolean;
}

export type ViewKind = 'tty' | 'plain' | 'json' | 'summary';

/** viewKind: --json wins, then --quiet (the summary only), then a terminal gets the live view, anything else plain lines. */
export function viewKind(opts: { json: boolean; isTTY: boolean; quiet?: boolean }): ViewKind {
  return opts.json ? 'json' : opts.quiet ? 'summary' : opts.isTTY ? 'tty' : 'plain';
}
