// Runs the schema/key walk over every file once per validation and shares the result between the
// unknown-keys and ignored-keys rules.
import { HypervisorSchema } from '../schema/hypervisor.js';
import { LxcFileEnvelope, LxcGuestSchema } from '../schema/lxc.js';
import { VmDefaultsSchema, VmFileEnvelope, VmGuestSchema } from '../schema/vm.js';
import type { SourceFile } from '../source.js';
import type { RuleContext } from './context.js';
import { type KeyFinding, walkKeys } from './schema-keys.js';

export interface SourceFindings {
  src: SourceFile;
  findings: KeyFinding[];
}

const cache = new WeakMap<RuleContext, SourceFindings[]>();

export function keyFindings(ctx: RuleContext): SourceFindings[] {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const out: SourceFindings[] = [];
  const { hypervisor, lxc, vm } = ctx.parsed.sources;
  if (hypervisor) {
    const findings: KeyFinding[] = [];
    walkKeys(HypervisorSchema, hypervisor.doc.value, [], findings);
    out.push({ src: hypervisor, findings });
  }
  if (lxc) {
    const findings: KeyFinding[] = [];
    walkKeys(LxcFileEnvelope, lxc.doc.value, [], findings);
    for (const e of ctx.entries) if (e.src === lxc) walkKeys(LxcGuestSchema, e.raw, e.path, findings);
    out.push({ src: lxc, findings });
  }
  if (vm) {
    const findings: KeyFinding[] = [];
    walkKeys(VmFileEnvelope, vm.doc.value, [], findings);
    const root = vm.doc.value;
    const defaults = root !== null && typeof root === 'object' && !Array.isArray(root) ? (root as { vm_defaults?: unknown }).vm_defaults : undefined;
    if (defaults !== undefined) walkKeys(VmDefaultsSchema, defaults, ['vm_defaults'], findings);
    for (const e of ctx.entries) if (e.src === vm) walkKeys(VmGuestSchema, e.raw, e.path, findings);
    out.push({ src: vm, findings });
  }
  cache.set(ctx, out);
  return out;
}
