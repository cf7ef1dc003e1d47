// Small text helpers shared by the run views: time stamps, durations, per-kind plain lines.
import { dispatch, type EngineEvent, type EventTable, type NodeEndEvent, type StepStatus } from '../../engine/events.js';

export type Key = string | number;

/** 2026-11-26T01:02:03Z: the plain view's stamp (seconds are enough for a person). */
export const isoSecond = (ts: number): string => new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** 850ms, 12.3s, 2m05s, 1h02m */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

const STEP_WORD: Record<StepStatus, string> = { started: 'started', done: 'done', noop: 'unchanged', failed: 'failed' };

/** Why a node ended as it did, in a few words (the summary's reason column). */
export function endReason(e: NodeEndEvent<Key>): string {
  switch (e.status) {
    case 'ok':
      return e.note ?? '';
    case 'failed':
      return `${e.error ?? 'failed'}${e.attempt > 1 ? ` (after ${e.attempt} attempts)` : ''}`;
    case 'skipped':
      return `upstream ${(e.rootCauses ?? []).join(', ')} failed`;
    case 'cancelled':
      if (e.cancelReason === 'fail-fast') return e.attempt ? 'stopped (fail-fast)' : 'not started (fail-fast)';
      return e.attempt ? 'interrupted' : 'not started (interrupted)';
  }
}

/** What follows the node id on a plain line, per kind; null leaves the event out. */
export const plainText: EventTable<string | null, Key> = {
  'run-start': (e) => `run started: ${e.nodes.length} guest${e.nodes.length === 1 ? '' : 's'}`,
  'node-start': (e) => (e.attempt > 1 ? `started (attempt ${e.attempt})` : 'started'),
  'node-blocked': (e) => `queued: waiting for ${e.resource}`,
  'node-retry': (e) => `retry ${e.attempt}/${e.maxAttempts} in ${formatDuration(e.delayMs)}: ${e.error}`,
  'node-wait': (e) => `not yet: ${e.reason} (next check in ${formatDuration(e.delayMs)})`,
  step: (e) => `${e.step} ${STEP_WORD[e.status]}${e.detail ? ` (${e.detail})` : ''}`,
  log: (e) => (e.level === 'debug' ? null : `${{ info: '', warn: 'warning: ', error: 'error: ' }[e.level]}${e.message}`),
  'node-end': (e) => {
    const reason = endReason(e);
    const took = e.attempt ? ` (${formatDuration(e.elapsedMs)})` : '';
    return `${e.status}${took}${reason ? `: ${reason}` : ''}`;
  },
  'run-end': (e) => {
    const c = e.counts;
    return `run ${e.stopped ? 'stopped' : 'finished'} in ${formatDuration(e.elapsedMs)}: ${c.ok} ok, ${c.failed} failed, ${c.skipped} skipped, ${c.cancelled} cancelled`;
  },
};

/** The node an event is about, if any. */
export const nodeOf = (e: EngineEvent<Key>): Key | undefined => ('node' in e ? e.node : undefined);

/** One plain line (without newline), or null when the event is not shown. */
export function plainLine(e: EngineEvent<Key>, opts: { verbose?: boolean; shortFailures?: boolean } = {}): string | null {
  let text = e.kind === 'log' && e.level === 'debug' && opts.verbose ? `debug: ${e.message}` : dispatch(plainText, e);
  // The verb prints the failure in full after the run: here its first words.
  if (text !== null && opts.shortFailures && e.kind === 'node-end' && e.status === 'failed' && text.length > 80) text = `${text.slice(0, 79)}… (in full below)`;
  if (text === null) return null;
  const node = nodeOf(e);
  return `${isoSecond(e.ts)} ${node === undefined ? '' : `${node} `}${text}`;
}
