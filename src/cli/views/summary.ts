// What each guest did during the run, rebuilt from the event stream (so every view sees the same
// thing), and the end-of-run summary table shared by the TTY and plain views.
import type { EngineEvent, NodeStatus } from '../../engine/events.js';
import type { Colors } from './colors.js';
import { endReason, formatDuration, type Key } from './format.js';
import type { GuestInfo } from './run-view.js';

export type Activity = 'queued' | 'blocked' | 'running' | 'retrying' | 'waiting' | 'done';

export interface GuestProgress {
  node: Key;
  activity: Activity;
  /** Step names in the order first seen. */
  steps: string[];
  currentStep?: string;
  /** What the current step works on (the feature's name, the check's name). */
  currentDetail?: string;
  /** Retry, wait or blocked explanation while in that state. */
  note?: string;
  startedAt?: number;
  outcome?: NodeStatus;
  elapsedMs?: number;
  reason?: string;
}

/** RunRecorder folds events into per-guest progress, in run order. */
export class RunRecorder {
  readonly guests = new Map<Key, GuestProgress>();

  private get(node: Key): GuestProgress {
    let g = this.guests.get(node);
    if (!g) this.guests.set(node, (g = { node, activity: 'queued', steps: [] }));
    return g;
  }

  record(e: EngineEvent<Key>): void {
    switch (e.kind) {
      case 'run-start':
        e.nodes.forEach((n) => this.get(n));
        return;
      case 'node-start':
        // Retries start again; elapsed counts from the first start.
        Object.assign(this.get(e.node), { activity: 'running', startedAt: this.get(e.node).startedAt ?? e.ts, note: undefined });
        return;
      case 'node-blocked':
        Object.assign(this.get(e.node), { activity: 'blocked', note: `waiting for ${e.resource}` });
        return;
      case 'node-retry':
        Object.assign(this.get(e.node), { activity: 'retrying', note: `retry ${e.attempt}/${e.maxAttempts}: ${e.error}` });
        return;
      case 'node-wait':
        Object.assign(this.get(e.node), { activity: 'waiting', note: e.reason });
        return;
      case 'step': {
        const g = this.get(e.node);
        if (!g.steps.includes(e.step)) g.steps.push(e.step);
        if (g.activity !== 'done') Object.assign(g, { activity: 'running', note: undefined });
        if (e.status === 'started') Object.assign(g, { currentStep: e.step, currentDetail: e.detail });
        else if (g.currentStep === e.step) Object.assign(g, { currentStep: undefined, currentDetail: undefined });
        return;
      }
      case 'log':
      case 'run-end':
        return;
      case 'node-end':
        Object.assign(this.get(e.node), {
          activity: 'done',
          currentStep: undefined,
          currentDetail: undefined,
          note: undefined,
          outcome: e.status,
          elapsedMs: e.attempt ? e.elapsedMs : undefined,
          reason: endReason(e),
        });
        return;
    }
  }
}

const OUTCOME_COLOR: Record<NodeStatus, keyof Colors> = { ok: 'green', failed: 'red', skipped: 'yellow', cancelled: 'dim' };

export interface SummaryOptions {
  stepsWidth?: number;
  /** Names, addresses and URLs beside the ids (an ADDRESS column when any guest has one). */
  describe?: (node: Key) => GuestInfo;
  /** Failures are printed in full after the table: their reason here is cut short, with a pointer. */
  failuresBelow?: boolean;
  /** Terminal width: each row is cut to it. */
  columns?: number;
}

const SHORT_FAILURE = 60;

/** A guest's label: "210 docker-host" (or its id alone). */
export function guestLabel(node: Key, describe?: (node: Key) => GuestInfo): string {
  const name = describe?.(node).name;
  return name ? `${node} ${name}` : String(node);
}

/** The address cell: "192.168.10.21" and the features' URLs. */
export function accessText(info: GuestInfo | undefined): string {
  return [info?.address, ...(info?.urls ?? [])].filter(Boolean).join(' ');
}

/** The summary table: GUEST OUTCOME STEPS ELAPSED [ADDRESS] REASON, one row per guest, ends with a newline. */
export function renderSummary(guests: Iterable<GuestProgress>, c: Colors, opts: SummaryOptions = {}): string {
  const stepsWidth = opts.stepsWidth ?? 32;
  const list = [...guests];
  const access = list.map((g) => accessText(opts.describe?.(g.node)));
  const withAddress = access.some(Boolean);
  const reasonOf = (g: GuestProgress) => {
    const r = g.reason ?? '';
    if (!opts.failuresBelow || g.outcome !== 'failed' || r.length <= SHORT_FAILURE) return r;
    return `${r.slice(0, SHORT_FAILURE - 1)}… (in full below)`;
  };
  const rows = list.map((g, i) => [guestLabel(g.node, opts.describe), g.outcome ?? 'unfinished', clip(g.steps.join(',') || '-', stepsWidth), g.elapsedMs === undefined ? '-' : formatDuration(g.elapsedMs), ...(withAddress ? [access[i] || '-'] : []), reasonOf(g)]);
  const head = ['GUEST', 'OUTCOME', 'STEPS', 'ELAPSED', ...(withAddress ? ['ADDRESS'] : []), 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fit = (s: string) => (opts.columns && s.length > opts.columns - 1 ? `${s.slice(0, opts.columns - 2)}…` : s);
  const line = (cells: string[], paint: (i: number, s: string) => string) => {
    const text = fit(
      cells
        .map((s, i) => (i === cells.length - 1 ? s : s.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
    // Paint the outcome cell only (it is never cut: the cut falls at the end of the row).
    const at = widths[0] + 2;
    return i1(paint, text, at, widths[1]);
  };
  const out = [c.bold(line(head, (_i, s) => s))];
  for (const r of rows) {
    const color = OUTCOME_COLOR[r[1] as NodeStatus];
    out.push(line(r, (i, s) => (i === 1 && color ? (c[color] as (x: string) => string)(s) : s)));
  }
  return `${out.join('\n')}\n`;
}

/** `text` with the cell at [at, at+width) painted as cell 1. */
function i1(paint: (i: number, s: string) => string, text: string, at: number, width: number): string {
  if (text.length <= at) return text;
  const cell = text.slice(at, at + width);
  const trimmed = cell.trimEnd();
  return `${text.slice(0, at)}${paint(1, trimmed)}${cell.slice(trimmed.length)}${text.slice(at + width)}`;
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
