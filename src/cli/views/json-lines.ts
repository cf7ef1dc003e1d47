// JSON lines view: one object per event, one per line, for scripts:
// {"ts":"2026-11-26T01:02:03.000Z","guest":901,"event":"step","step":"clone","status":"started"}.
// The per-kind table is a mapped type, so a new event kind must say what its JSON looks like.
import { dispatch, type EngineEvent, type EventTable } from '../../engine/events.js';
import type { Key } from './format.js';
import type { RunView, ViewOptions, Writers } from './run-view.js';

type Json = Record<string, unknown>;

const iso = (ts: number) => new Date(ts).toISOString();

/** The JSON object for each kind (keys in a stable order, undefined fields dropped by JSON). */
export const jsonOf: EventTable<Json, Key> = {
  'run-start': (e) => ({ ts: iso(e.ts), event: e.kind, guests: e.nodes }),
  'node-start': (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, status: 'started', attempt: e.attempt }),
  'node-blocked': (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, status: 'queued', resource: e.resource }),
  'node-retry': (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, status: 'retrying', attempt: e.attempt, maxAttempts: e.maxAttempts, delayMs: e.delayMs, error: e.error }),
  'node-wait': (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, status: 'waiting', reason: e.reason, delayMs: e.delayMs }),
  step: (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, step: e.step, status: e.status, detail: e.detail }),
  log: (e) => ({ ts: iso(e.ts), guest: e.node, event: e.kind, level: e.level, message: e.message }),
  'node-end': (e) => ({
    ts: iso(e.ts),
    guest: e.node,
    event: e.kind,
    status: e.status,
    attempt: e.attempt,
    elapsedMs: e.elapsedMs,
    error: e.error,
    note: e.note,
    rootCauses: e.rootCauses,
    cancelReason: e.cancelReason,
  }),
  'run-end': (e) => ({
    ts: iso(e.ts),
    event: e.kind,
    status: e.counts.failed ? 'failed' : e.stopped || e.counts.cancelled ? 'cancelled' : 'ok',
    elapsedMs: e.elapsedMs,
    counts: e.counts,
  }),
};

export class JsonLinesView implements RunView {
  constructor(
    private readonly out: Writers,
    private readonly opts: Pick<ViewOptions, 'scrub'> = {},
  ) {}

  onEvent(e: EngineEvent<Key>): void {
    // Scrub each string value (not the serialised line: a secret with a quote in it is escaped there).
    const scrub = this.opts.scrub;
    const line = JSON.stringify(dispatch(jsonOf, e), scrub && ((_k, v: unknown) => (typeof v === 'string' ? scrub(v) : v)));
    this.out.stdout(`${line}\n`);
  }

  close(): void {}
}
