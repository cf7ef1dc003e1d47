// What a guest runs, checked before anything runs: every feature it lists exists (with "did you
// mean" for a typo), supports the guest's kind and has what it requires before it (in the list or
// applied to the clone source); each feature's required inputs are set on the guest (or at the LXC
// file's root); the application_script exists. Each problem is an error located at its key, as
// `up` would otherwise stop on them one at a time.
import { FeatureRegistry } from '../../features/registry.js';
import type { Guest } from '../../model/guest.js';
import { suggest } from '../suggest.js';
import type { GuestEntry, Rule, RuleContext } from './context.js';

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Features of the clone chain (a clone carries what was applied to its source). */
function inherited(g: Guest, byId: Map<number, Guest>): string[] {
  const out: string[] = [];
  const seen = new Set<number>([g.id]);
  for (let s = g.cloneFrom; s !== undefined && !seen.has(s); s = byId.get(s)?.cloneFrom) {
    seen.add(s);
    const src = byId.get(s);
    if (!src) break;
    out.push(...src.features);
  }
  return out;
}

function checkFeatures(ctx: RuleContext, reg: FeatureRegistry, e: GuestEntry, g: Guest, byId: Map<number, Guest>, known: string[]): void {
  const at = (i: number) => ctx.keyPath(e, 'features', i);
  const available = new Set(inherited(g, byId));
  g.features.forEach((name, i) => {
    const hit = reg.find(name);
    if (!hit.ok) {
      const near = /not found/.test(hit.problem) ? suggest(name, known) : undefined;
      ctx.report(e.src, 'error', at(i), `${hit.problem}${near ? `; did you mean "${near}"?` : ''}`);
      available.add(name);
      return;
    }
    const m = hit.feature.manifest;
    if (!m.kinds.includes(g.kind)) ctx.report(e.src, 'error', at(i), `feature "${name}" does not support ${g.kind} guests (supports: ${m.kinds.join(', ')})`);
    for (const req of m.requires) if (!available.has(req)) ctx.report(e.src, 'error', at(i), `feature "${name}" requires "${req}", which is neither listed before it nor applied to the guest it is cloned from`);
    const shared = g.kind === 'lxc' ? ctx.parsed.lxcRootInputs : {};
    const missing = m.requiredInputs.filter((k) => !isSet(g.inputs[k]) && !isSet(shared[k]));
    for (const k of missing) ctx.report(e.src, 'error', at(i), `feature "${name}" needs input "${k}", which ${g.kind === 'vm' ? 'VM' : 'container'} ${g.id} does not set (add "${k}" to the guest)`);
    available.add(name);
  });
}

export const features: Rule = {
  name: 'features',
  run(ctx) {
    const reg = new FeatureRegistry({ configDir: ctx.dir });
    const known = reg.names();
    const byId = new Map<number, Guest>();
    for (const e of ctx.entries) if (e.guest && !byId.has(e.guest.id)) byId.set(e.guest.id, e.guest);
    for (const e of ctx.entries) {
      const g = e.guest;
      if (!g) continue;
      checkFeatures(ctx, reg, e, g, byId, known);
      // Confinement problems (absolute, "..", symlink out) are script-paths' to report.
      if (g.applicationScript) {
        const hit = reg.findApplicationScript(g.applicationScript);
        if (!hit.ok && / not found /.test(hit.problem)) ctx.report(e.src, 'error', ctx.keyPath(e, 'application_script'), hit.problem);
      }
    }
  },
};
