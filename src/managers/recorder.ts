// Records each step a workflow takes (or would take) and runs it only in apply mode. The same
// workflow code therefore produces the plan and performs it: what `plan` prints is what `create`
// does, and a dry run cannot act because it never calls `act` (and its driver refuses anyway).

import type { ChangeSymbol, FieldChange, PlannedStep, StepKind } from '../plan/types.js';
import type { WorkflowContext } from './context.js';

export class StepRecorder {
  readonly steps: PlannedStep[] = [];
  readonly notes: string[] = [];
  constructor(private readonly ctx: WorkflowContext) {}

  /** Record a step; in apply mode, announce and run it. */
  async step(
    kind: StepKind,
    symbol: ChangeSymbol,
    summary: string,
    opts: { reason?: string; changes?: FieldChange[] },
    act?: () => Promise<void>,
  ): Promise<void> {
    this.steps.push({ kind, symbol, summary, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.changes?.length ? { changes: opts.changes } : {}) });
    if (!this.ctx.apply || !act) return;
    this.ctx.signal.throwIfAborted();
    this.ctx.emit(kind, summary);
    await act();
  }

  /** A read-only verification that runs in both modes (health checks, markers). */
  note(kind: StepKind, summary: string, reason?: string): void {
    this.steps.push({ kind, symbol: '=', summary, ...(reason ? { reason } : {}) });
  }

  changed(): boolean {
    return this.steps.some((s) => s.symbol !== '=');
  }
}
