// What each guest did during the run, rebuilt from the event stream (so every view sees the same
// thing), and the end-of-run summary table shared by the TTY and plain views.
import type { EngineEvent, NodeStatus } from '../../engine/events.js';
import type { Colors } from './colors.js';
import { endReason, formatDuration, type Key } from './format.js';

export type Activity = 'queued' | 'blocked' | 'running' | 'retrying' | 'waiting' | 'done';

export interface GuestProgress {
  node: Key;
  activity: Activity;
  /** Step names in the order first seen. */
  steps: string[];
  currentStep?: string;
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
        g.currentStep = e.status === 'started' ? e.step : g.currentStep === e.step ? undefined : g.currentStep;
        return;
      }
      case 'log':
      case 'run-end':
        return;
      case 'node-end':
        Object.assign(this.get(e.node), {
          activity: 'done',
          currentStep: undefined,
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

/** The summary table: GUEST OUTCOME STEPS ELAPSED REASON, one row per guest, ends with a newline. */
export function renderSummary(guests: Iterable<GuestProgress>, c: Colors, opts: { stepsWidth?: number } = {}): string {
  const stepsWidth = opts.stepsWidth ?? 32;
  const rows = [...guests].map((g) => [
    String(g.node),
    g.outcome ?? 'unfinished',
    clip(g.steps.join(',') || '-', stepsWidth),
    g.elapsedMs === undefined ? '-' : formatDuration(g.elapsedMs),
    g.reason ?? '',
  ]);
  const head = ['GUEST', 'OUTCOME', 'STEPS', 'ELAPSED', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], paint: (i: number, s: string) => string) =>
    cells.map((s, i) => paint(i, i === cells.length - 1 ? s : s.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head, (_i, s) => c.bold(s))];
  for (const r of rows) {
    const color = OUTCOME_COLOR[r[1] as NodeStatus];
    out.push(line(r, (i, s) => (i === 1 && color ? (c[color] as (x: string) => string)(s) : s)));
  }
  return `${out.join('\n')}\n`;
}

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
