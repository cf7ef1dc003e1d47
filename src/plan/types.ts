// The plan: per guest, what would happen and why. Produced by the managers' workflows run in
// "plan" mode (read-only driver) and rendered by cli/views/plan.ts; the same workflow code in
// "apply" mode executes it, so what `plan` says is what `create` does.

import type { GuestId, GuestKind } from '../model/guest.js';

/** Terraform-style symbols: + create, ~ change, ! restart needed, = unchanged, - remove. */
export type ChangeSymbol = '+' | '~' | '!' | '=' | '-';

export interface FieldChange {
  /** Proxmox option key (memory, net0, mp1, lxc.apparmor.profile) or a Phoenix pseudo-key (rootfs size). */
  key: string;
  before?: string;
  after?: string;
  /** Applied without a restart on a running guest. */
  live: boolean;
}

export type StepKind =
  | 'create'
  | 'clone'
  | 'import-disk'
  | 'download'
  | 'set'
  | 'resize'
  | 'raw-lxc'
  | 'firewall'
  | 'cloudinit'
  | 'restart'
  | 'start'
  | 'wait-agent'
  | 'feature'
  | 'health'
  | 'snapshot'
  | 'template'
  | 'verify'
  | 'recover';

/** One thing the workflow does (or, in a plan, would do) to a guest, with its reason. */
export interface PlannedStep {
  kind: StepKind;
  symbol: ChangeSymbol;
  /** Short description: `clone 900 → 901 (snapshot final-form)`, `feature docker`. */
  summary: string;
  /** Why: `guest does not exist`, `memory differs`, `script changed`, `missing`. */
  reason?: string;
  changes?: FieldChange[];
}

export type GuestMode = 'converge' | 'ensure';

export interface GuestPlan {
  id: GuestId;
  kind: GuestKind;
  name: string;
  /** converge = make equal to the config; ensure = exists, running, healthy (dependencies of `create`). */
  mode: GuestMode;
  /** The guest's overall symbol: + when created, ~ when changed, ! when a restart is needed, = otherwise. */
  symbol: ChangeSymbol;
  steps: PlannedStep[];
  /** Set in plan mode when later steps depend on things that do not exist yet (values after clone). */
  notes: string[];
}

/** Whether a step changes anything (everything but `=` and read-only verification). */
export const isMutating = (s: PlannedStep): boolean => s.symbol !== '=';

export function overallSymbol(steps: readonly PlannedStep[]): ChangeSymbol {
  if (steps.some((s) => s.kind === 'create' || s.kind === 'clone')) return '+';
  if (steps.some((s) => s.kind === 'restart')) return '!';
  if (steps.some(isMutating)) return '~';
  return '=';
}
