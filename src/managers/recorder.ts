// Records the steps of a guest's plan, each with the action apply will execute, and applies each
// action's known effect to the planning world as it is recorded (predict.ts), so the next step of
// the same guest (and any guest cloned from it) is planned against what the earlier ones leave.

import type { Action, ChangeSymbol, FieldChange, PlannedStep, StepKind } from '../plan/types.js';
import type { GuestConfig } from '../proxmox/types.js';
import { predict } from './predict.js';
import type { World } from './world.js';

export class StepRecorder {
  readonly steps: PlannedStep[] = [];
  readonly notes: string[] = [];
  constructor(private readonly world: World) {}

  /** Record a step and the action apply will execute for it. */
  step(kind: StepKind, symbol: ChangeSymbol, summary: string, opts: { reason?: string; changes?: FieldChange[]; createConfig?: () => GuestConfig }, action?: Action): void {
    const s: PlannedStep = { kind, symbol, summary, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.changes?.length ? { changes: opts.changes } : {}), ...(action ? { action } : {}) };
    this.steps.push(s);
    predict(this.world, s, opts.createConfig);
  }

  /** A read-only verification shown with `=` (a marker that matches, a snapshot that exists). */
  note(kind: StepKind, summary: string, reason?: string, action?: Action): void {
    this.steps.push({ kind, symbol: '=', summary, ...(reason ? { reason } : {}), ...(action ? { action } : {}) });
  }

  changed(): boolean {
    return this.steps.some((s) => s.symbol !== '=');
  }
}
