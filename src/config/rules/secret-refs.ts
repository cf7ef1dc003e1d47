// Secret references are resolved only when used, at run time; what the files alone can tell is
// checked here: a `{"file"}` that does not exist or cannot be read is an error (relative paths are
// from the config directory, as at run time), an `{"env"}` not set in this environment a warning
// (the run's environment may differ; there it is an error). Never reads out or prints a value.
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isSecretRef } from '../../util/secrets.js';
import type { JsonPath } from '../json.js';
import { ROLES } from '../source.js';
import type { Rule } from './context.js';

function refs(doc: unknown): Array<{ path: JsonPath; ref: { env: string } | { file: string } }> {
  const out: Array<{ path: JsonPath; ref: { env: string } | { file: string } }> = [];
  const walk = (v: unknown, path: JsonPath): void => {
    if (isSecretRef(v)) out.push({ path, ref: v });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(doc, []);
  return out;
}

/** Why a secret file cannot be used, or undefined when it can. */
function fileProblem(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'is not a file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'error'})`;
  }
}

export const secretRefs: Rule = {
  name: 'secret-refs',
  run(ctx) {
    for (const role of ROLES) {
      const src = ctx.parsed.sources[role];
      if (!src) continue;
      for (const { path, ref } of refs(src.doc.value)) {
        if ('file' in ref) {
          const abs = isAbsolute(ref.file) ? ref.file : resolve(ctx.dir, ref.file);
          const why = fileProblem(abs);
          if (why) ctx.report(src, 'error', [...path, 'file'], `secret file ${ref.file} ${why}${abs !== ref.file ? ` (${abs})` : ''}`);
        } else if (ctx.env && (ctx.env[ref.env] === undefined || ctx.env[ref.env] === '')) {
          ctx.report(src, 'warning', [...path, 'env'], `secret from environment variable ${ref.env}: ${ref.env} is not set here; a run that needs it fails unless it is set there`);
        }
      }
    }
  },
};
