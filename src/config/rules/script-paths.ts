// What runs inside a guest comes from the config directory or the built-ins, nowhere else:
// `application_script` must be a plain relative path (no absolute path, no `..`), and it and each
// user feature (`<config dir>/features/<name>/`) must not lead out of the config directory through
// a symlink. (The feature registry refuses the same at run time.)
import { existsSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { escapesTo, isPlainRelative } from '../../util/confine.js';
import type { Rule } from './context.js';

const FEATURE_FILES = ['', 'manifest.json', 'install.sh'];

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

export const scriptPaths: Rule = {
  name: 'script-paths',
  run(ctx) {
    const src0 = ctx.parsed.sources.lxc ?? ctx.parsed.sources.vm ?? ctx.parsed.sources.hypervisor;
    if (!src0) return;
    const dir = dirname(src0.path);
    for (const e of ctx.entries) {
      const defaults = ctx.parsed.vmDefaults as Record<string, unknown>;
      const script = e.raw.application_script ?? (e.kind === 'vm' ? defaults.application_script : undefined);
      if (typeof script === 'string' && script) {
        const at = ctx.keyPath(e, 'application_script');
        if (!isPlainRelative(script)) {
          ctx.report(e.src, 'error', at, `application_script ${JSON.stringify(script)} must be inside the config directory: a path relative to it (or to its scripts/ directory), without ".."`);
        } else {
          for (const p of [join(dir, 'scripts', script), join(dir, script)]) {
            const to = exists(p) ? escapesTo(dir, p) : undefined;
            if (to) {
              ctx.report(e.src, 'error', at, `application_script ${JSON.stringify(script)} leads out of the config directory (${p} → ${to}); scripts must live inside it`);
              break;
            }
          }
        }
      }
      const features = e.raw.features;
      if (!Array.isArray(features)) continue;
      features.forEach((name, i) => {
        if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) return;
        const fdir = join(dir, 'features', name);
        if (!existsSync(fdir)) return;
        for (const f of FEATURE_FILES) {
          const p = f ? join(fdir, f) : fdir;
          const to = exists(p) ? escapesTo(dir, p) : undefined;
          if (to) {
            ctx.report(e.src, 'error', ctx.keyPath(e, 'features', i), `feature "${name}" leads out of the config directory (${p} → ${to}); user features must live inside it`);
            return;
          }
        }
      });
    }
  },
};
