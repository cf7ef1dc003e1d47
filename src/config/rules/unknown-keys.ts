// Keys no schema declares: a warning each (so files written for the original still load), with
// the closest declared key as a suggestion. A guest key written at the LXC file's root gets its
// own explanation: the original silently fell back to such root keys; Phoenix does not.
import { LxcGuestSchema } from '../schema/lxc.js';
import { suggest } from '../suggest.js';
import type { Rule } from './context.js';
import { keyFindings } from './key-findings.js';

export const unknownKeys: Rule = {
  name: 'unknown-keys',
  run(ctx) {
    const guestKeys = Object.keys(LxcGuestSchema.shape);
    for (const { src, findings } of keyFindings(ctx)) {
      for (const f of findings) {
        if (f.ignoredBecause !== undefined) continue;
        if (src.role === 'lxc' && f.path.length === 1 && guestKeys.includes(f.key)) {
          ctx.report(src, 'warning', f.path, `ignored: a container key at the top level applies to no container (Phoenix does not fall back from container keys to root keys; only nvidia_* root keys reach features)`);
          continue;
        }
        const hint = suggest(f.key, f.siblings);
        ctx.report(src, 'warning', f.path, `unknown key, ignored${hint ? `; did you mean "${hint}"?` : ''}`);
      }
    }
  },
};
