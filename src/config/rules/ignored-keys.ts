// Keys the original accepted that Phoenix does not use: one warning per key and file, at its first
// use, saying how many other places have it, so the original files do not drown the output.
import type { Rule } from './context.js';
import { keyFindings } from './key-findings.js';

export const ignoredKeys: Rule = {
  name: 'ignored-keys',
  run(ctx) {
    for (const { src, findings } of keyFindings(ctx)) {
      const byKey = new Map<string, typeof findings>();
      for (const f of findings) if (f.ignoredBecause !== undefined) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f]);
      for (const [, unsorted] of byKey) {
        const line = (f: (typeof findings)[number]) => src.doc.locate(f.path)?.line ?? 0;
        const list = [...unsorted].sort((a, b) => line(a) - line(b));
        const more = list.length > 1 ? ` (also set in ${list.length - 1} more place${list.length > 2 ? 's' : ''})` : '';
        ctx.report(src, 'warning', list[0].path, `accepted by the original but ignored by Phoenix: ${list[0].ignoredBecause}${more}`);
      }
    }
  },
};
