// Live terminal view: a line per guest that is doing something (spinner, current step, elapsed),
// redrawn in place with ANSI cursor-up at most every 80 ms. When a guest finishes, its final line
// is printed above the live block for good, so the block only ever holds active guests and fits
// the screen. Warnings and errors logged by guests are printed above the block too. At the end:
// the summary table.
import type { EngineEvent } from '../../engine/events.js';
import { colors, type Colors } from './colors.js';
import { formatDuration, plainText, type Key } from './format.js';
import type { RunView, ViewOptions, Writers } from './run-view.js';
import { guestLabel, renderSummary, RunRecorder, type GuestProgress } from './summary.js';

export interface TtyOptions extends ViewOptions {
  /** Terminal width: lines are cut to fit, since a wrapped line breaks the cursor-up redraw. */
  columns?: number;
  /** Terminal height: the live block keeps below it. */
  rows?: number;
  /** Spinner and elapsed-time ticks between events (off in tests). Default true. */
  animate?: boolean;
  now?: () => number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MIN_REDRAW_MS = 80;
const CLEAR_LINE = '\x1b[2K';
const CLEAR_BELOW = '\x1b[J';
const up = (n: number) => `\x1b[${n}A\r`;

export class TtyView implements RunView {
  private readonly recorder = new RunRecorder();
  private readonly c: Colors;
  private readonly now: () => number;
  private readonly scrub: (s: string) => string;
  private readonly above: string[] = [];
  private liveLines = 0;
  private lastRender = -Infinity;
  private idWidth = 0;
  private frame = 0;
  private timer?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly out: Writers,
    private readonly opts: TtyOptions,
  ) {
    this.c = colors(opts.color);
    this.now = opts.now ?? Date.now;
    this.scrub = opts.scrub ?? ((s) => s);
    if (opts.animate ?? true) {
      this.ticker = setInterval(() => {
        this.frame = (this.frame + 1) % FRAMES.length;
        this.render();
      }, MIN_REDRAW_MS);
      this.ticker.unref();
    }
  }

  onEvent(e: EngineEvent<Key>): void {
    if (this.closed) return;
    this.recorder.record(e);
    if (e.kind === 'run-start') this.idWidth = Math.max(0, ...e.nodes.map((n) => this.label(n).length));
    if (e.kind === 'node-end') this.above.push(this.finalLine(this.recorder.guests.get(e.node)!));
    if (e.kind === 'log' && (e.level === 'warn' || e.level === 'error')) {
      const mark = e.level === 'error' ? this.c.red('✖') : this.c.yellow('⚠');
      this.above.push(`${mark} ${this.clip(`${this.id(e.node)}  ${e.message}`)}`);
    }
    if (e.kind === 'run-end') {
      this.render();
      const summary = renderSummary(this.recorder.guests.values(), this.c, { describe: this.opts.describe, failuresBelow: this.opts.failuresBelow, columns: this.opts.columns ?? 100 });
      this.out.stdout(this.scrub(`\n${summary}${this.clip(plainText['run-end'](e) ?? '')}\n`));
      this.stop();
      return;
    }
    const wait = this.lastRender + MIN_REDRAW_MS - this.now();
    if (wait <= 0) this.render();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.render();
      }, wait);
      this.timer.unref();
    }
  }

  /**
   * Without a run-end (an interrupt, an error): the lines already final stay, the live block is
   * erased rather than left on screen, so no guest's row is shown twice once output goes on.
   */
  close(): void {
    if (this.closed) return;
    let s = this.liveLines ? up(this.liveLines) : '';
    for (const line of this.above.splice(0)) s += `${CLEAR_LINE}${line}\n`;
    this.out.stdout(this.scrub(`${s}${CLEAR_BELOW}`));
    this.liveLines = 0;
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    this.closed = true;
  }

  private render(): void {
    if (this.closed) return;
    this.lastRender = this.now();
    const live = this.liveBlock();
    let s = this.liveLines ? up(this.liveLines) : '';
    for (const line of this.above.splice(0)) s += `${CLEAR_LINE}${line}\n`;
    for (const line of live) s += `${CLEAR_LINE}${line}\n`;
    s += CLEAR_BELOW;
    this.liveLines = live.length;
    this.out.stdout(this.scrub(s));
  }

  private liveBlock(): string[] {
    const all = [...this.recorder.guests.values()];
    const active = all.filter((g) => g.activity !== 'queued' && g.activity !== 'done');
    const queued = all.filter((g) => g.activity === 'queued').length;
    const room = Math.max(1, (this.opts.rows ?? 24) - 2);
    const shown = active.length > room ? active.slice(0, room - 1) : active;
    const lines = shown.map((g) => this.liveLine(g));
    if (shown.length < active.length) lines.push(this.c.dim(`  … and ${active.length - shown.length} more running`));
    if (active.length) {
      const done = all.length - active.length - queued;
      lines.push(this.c.dim(this.clip(`  ${done}/${all.length} done${queued ? `, ${queued} queued` : ''}`)));
    }
    return lines;
  }

  private liveLine(g: GuestProgress): string {
    const elapsed = g.startedAt === undefined ? '' : `  ${formatDuration(Math.max(0, this.now() - g.startedAt))}`;
    const mark: Record<string, string> = { running: this.c.cyan(FRAMES[this.frame]), retrying: this.c.yellow('↻'), waiting: this.c.cyan('◷'), blocked: this.c.dim('…') };
    // The step and what it works on: "feature docker", "health feature ollama".
    const step = g.currentStep && g.currentDetail && /^(feature|health)$/.test(g.currentStep) ? `${g.currentStep} ${g.currentDetail}` : g.currentStep;
    const what = g.activity === 'running' ? (step ?? 'working') : [step, g.note].filter(Boolean).join(': ');
    return `${mark[g.activity]} ${this.clip(`${this.id(g.node)}  ${what}${elapsed}`)}`;
  }

  private finalLine(g: GuestProgress): string {
    const marks = { ok: this.c.green('✔'), failed: this.c.red('✖'), skipped: this.c.yellow('-'), cancelled: this.c.dim('○') };
    const took = g.elapsedMs === undefined ? '' : `  ${formatDuration(g.elapsedMs)}`;
    return `${marks[g.outcome ?? 'cancelled']} ${this.clip(`${this.id(g.node)}  ${g.outcome}${took}${g.reason ? `  ${g.reason}` : ''}`)}`;
  }

  private label(node: Key): string {
    return guestLabel(node, this.opts.describe);
  }

  private id(node: Key): string {
    return this.label(node).padEnd(this.idWidth);
  }

  // Two columns go to the mark and its space; one more keeps the cursor off the last column.
  private clip(s: string): string {
    const max = (this.opts.columns ?? 100) - 3;
    return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
  }
}
