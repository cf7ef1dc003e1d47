// The plan: per guest, the actions that will run, in order, each with its full parameters and
// its reason. Made by the managers' diff from observed values only (managers/world.ts), rendered
// by cli/plan-view.ts, and executed one for one by managers/execute.ts: apply runs these actions
// and nothing else, so what `plan` prints is what `converge` does.

import type { GuestId, GuestKind } from '../model/guest.js';
import type { DownloadRequest, GuestType, PveParams } from '../proxmox/types.js';

/** Terraform-style symbols: + create, ~ change, ! restart needed, = unchanged, - remove, -/+ re-create. */
export type ChangeSymbol = '+' | '~' | '!' | '=' | '-' | '-/+';

export interface FieldChange {
  /** Proxmox option key (memory, net0, mp1, lxc.apparmor.profile) or a Phoenix pseudo-key (rootfs size). */
  key: string;
  before?: string;
  after?: string;
  /** Applied without a restart on a running guest. */
  live: boolean;
}

export type StepKind = 'create' | 'clone' | 'import-disk' | 'download' | 'set' | 'resize' | 'raw-lxc' | 'firewall' | 'cloudinit' | 'restart' | 'start' | 'wait-agent' | 'feature' | 'health' | 'snapshot' | 'template' | 'verify' | 'recover' | 'nfs' | 'replace' | 'configured';

/**
 * What apply will do, as data: one entry per Proxmox operation (or in-guest phase) with every
 * parameter it sends. `atApply` marks an action whose need is only known once an earlier one has
 * run (an imported disk's size, the markers of a guest stopped at plan time): it is executed, and
 * decides then whether its call is needed, saying which way it went.
 */
export type Action =
  | { kind: 'recover'; type: GuestType; vmid: number; unlock: boolean; stop: boolean; destroy: boolean; delsnapshot?: string; endJournal: boolean }
  | { kind: 'unlock-source'; source: number; target: number }
  | { kind: 'download'; request: DownloadRequest; volid: string /** Which download it is (model/vm-image downloadKey); absent: the volid. */; key?: string }
  | { kind: 'create'; type: GuestType; vmid: number; params: PveParams; ostemplate?: string; name: string /** The download (its key) this create waits for, when another step makes it. */; image?: string }
  | { kind: 'clone'; type: GuestType; source: number; vmid: number; params: PveParams; name: string }
  | { kind: 'set'; type: GuestType; vmid: number; params: PveParams; owesRestart: boolean }
  | { kind: 'cloudinit'; vmid: number }
  | { kind: 'resize'; type: GuestType; vmid: number; disk: string; size: string; atApply?: 'grow-only' }
  | { kind: 'raw-lxc'; vmid: number; entries: Array<[string, string]>; owesRestart: boolean }
  | { kind: 'firewall'; vmid: number; content: string }
  | { kind: 'restart'; type: GuestType; vmid: number }
  | { kind: 'start'; type: GuestType; vmid: number }
  | { kind: 'wait-agent'; vmid: number }
  | { kind: 'clean-run-area'; type: GuestType; vmid: number }
  | { kind: 'feature'; type: GuestType; vmid: number; feature: string; digest?: { sha256: string; scriptSha256: string; inputsSha256: string }; atApply?: 'if-marker-differs' }
  | { kind: 'nfs'; vmid: number; mountPoint: string; line: string }
  | { kind: 'health'; type: GuestType; vmid: number; checks: string[] }
  | { kind: 'snapshot'; type: GuestType; vmid: number; name: string; retake: boolean; atApply?: 'if-features-ran' }
  | { kind: 'template'; type: GuestType; vmid: number; cloudInitClean: boolean }
  | { kind: 'destroy'; type: GuestType; vmid: number; stop: boolean; reason: string }
  | { kind: 'configured'; vmid: number };

/** One thing apply does to a guest (with its action), or a verification shown with `=`. */
export interface PlannedStep {
  kind: StepKind;
  symbol: ChangeSymbol;
  /** Short description: `clone 900 → 901 (snapshot final-form)`, `feature docker`. */
  summary: string;
  /** Why: `guest does not exist`, `memory differs`, `script changed`, `missing`. */
  reason?: string;
  changes?: FieldChange[];
  /** What apply executes for this step; absent on a pure verification (`=` rows). */
  action?: Action;
  /** After apply: what happened (`done`, or for an atApply action `skipped: ...`). */
  outcome?: string;
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
  /** Things the user should know: values known only after apply, what was left alone. */
  notes: string[];
  /** The guest exists but is not Phoenix's (no `phoenix` tag): shown, never changed until adopted. */
  unmanaged?: boolean;
}

/** A Phoenix-managed guest on the host that the config no longer names. */
export interface Orphan {
  vmid: number;
  type: GuestType;
  name: string;
}

/** Whether a step changes anything (everything but `=` and read-only verification). */
export const isMutating = (s: PlannedStep): boolean => s.symbol !== '=';

export function overallSymbol(steps: readonly PlannedStep[]): ChangeSymbol {
  if (steps.some((s) => s.kind === 'replace')) return '-/+';
  if (steps.some((s) => s.kind === 'create' || s.kind === 'clone')) return '+';
  if (steps.some((s) => s.kind === 'restart')) return '!';
  if (steps.some(isMutating)) return '~';
  return '=';
}
