// The per-run, per-guest feature log on the host (the caller picks the path, typically
// `<configDir>/.phoenix/logs/<runId>/<vmid>.log`). Every text is scrubbed of resolved secrets
// before it reaches the file, and the file is private to the user running Phoenix.

import { appendPrivate, privateDir } from '../util/private-fs.js';
import { dirname } from 'node:path';
import type { SecretScrubber } from '../util/redact.js';

export const LOG_TAIL_LINES = 20;

export class FeatureLog {
  constructor(
    readonly path: string | undefined,
    private readonly scrubber: SecretScrubber,
  ) {}

  /** Appends `text` (scrubbed); a missing trailing newline is added. */
  async write(text: string): Promise<void> {
    if (!this.path) return;
    let clean = this.scrubber.scrub(text);
    if (!clean.endsWith('\n')) clean += '\n';
    privateDir(dirname(this.path));
    appendPrivate(this.path, clean);
  }

  scrub(text: string): string {
    return this.scrubber.scrub(text);
  }
}

/** The last `n` lines of `text`, scrubbed, without trailing blank lines. */
export function tailLines(text: string, scrub: (t: string) => string, n = LOG_TAIL_LINES): string[] {
  const lines = scrub(text).replace(/\s+$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.slice(-n);
}
