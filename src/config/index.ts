// Public entry of config/: find, read, validate and normalise the Phoenix files.
// Stages: read.ts (files → JSON with locations) → parse.ts (schemas) → normalize.ts (model) →
// rules/ (cross-field checks). Every stage adds diagnostics; all run so a user sees every problem.
import { type Diagnostic, Diagnostics } from '../diag/diagnostic.js';
import type { PhoenixConfig } from '../model/guest.js';
import { SecretScrubber, secretLiterals } from '../util/redact.js';
import { normalizeConfig } from './normalize.js';
import { parseConfig } from './parse.js';
import { readConfigFiles } from './read.js';
import { RULES, buildContext } from './rules/index.js';
import { type FileRole, ROLES, type SourceFile } from './source.js';

export interface LoadOptions {
  /** --config value: a directory or one of the Phoenix files. */
  config?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Last-resort config directory (default /usr/local/phoenix_hypervisor/etc); for tests. */
  defaultDir?: string;
}

export interface LoadResult {
  /** Undefined when any error diagnostic was produced. */
  config?: PhoenixConfig;
  diagnostics: Diagnostics;
}

export async function loadPhoenixConfig(opts: LoadOptions): Promise<LoadResult> {
  const read = await readConfigFiles(opts);
  if (!read.dir || !ROLES.some((r) => read.sources[r])) return { diagnostics: read.diagnostics };
  const result = validateSources(read.sources, read.dir, opts.env);
  const diagnostics = new Diagnostics().append(read.diagnostics).append(result.diagnostics);
  const items = scrubSecrets(sortDiagnostics(diagnostics.items, read.sources), read.sources);
  diagnostics.items.splice(0, diagnostics.items.length, ...items);
  return { config: diagnostics.hasErrors() ? undefined : result.config, diagnostics };
}

/**
 * The pure core of loading: parsed files in, model and diagnostics out (no file system).
 * `dir` is recorded in the model as the directory holding the files.
 */
export function validateSources(sources: Partial<Record<FileRole, SourceFile>>, dir: string, env?: Record<string, string | undefined>): LoadResult {
  const { parsed, diagnostics: parseDiags } = parseConfig(sources);
  const normalized = normalizeConfig(parsed, dir);
  const all: Diagnostic[] = [...parseDiags, ...normalized.diagnostics];
  const ctx = buildContext(parsed, normalized.guests, all, { dir, ...(env ? { env } : {}) });
  for (const rule of RULES) {
    try {
      rule.run(ctx);
    } catch (e) {
      // Rules read what the schema let through; in a file it has already rejected one may still
      // meet a shape it does not expect. The schema's located errors explain that file: they are
      // what the user sees (exit 2), not the rule's crash. On a file without errors it is a bug.
      if (!all.some((d) => d.severity === 'error')) throw e;
    }
  }
  const diagnostics = new Diagnostics().append(scrubSecrets(sortDiagnostics(all, sources), sources));
  if (diagnostics.hasErrors()) return { diagnostics };
  // Literal secrets (warned about by plaintext-secrets) are scrubbed from everything a run prints.
  const literals = ROLES.flatMap((r) => (sources[r] ? secretLiterals(sources[r].doc.value).map((l) => l.value) : []));
  return { config: { ...normalized.config, secretLiterals: [...new Set(literals)] }, diagnostics };
}

/** File by file (hypervisor, LXC, VM), then by position; problems without a file first. */
function sortDiagnostics(ds: Diagnostic[], sources: Partial<Record<string, SourceFile>>): Diagnostic[] {
  const order = new Map(ROLES.map((r, i) => [sources[r]?.file, i + 1]));
  const rank = (d: Diagnostic) => (d.file ? (order.get(d.file) ?? ROLES.length + 1) : 0);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i)
    .map((x) => x.d);
}

/**
 * Belt and braces: no message may carry a literal secret from the files (values under keys that
 * look like passwords or tokens), whichever stage wrote it.
 */
function scrubSecrets(ds: Diagnostic[], sources: Partial<Record<string, SourceFile>>): Diagnostic[] {
  const scrubber = new SecretScrubber();
  for (const src of Object.values(sources)) if (src) for (const l of secretLiterals(src.doc.value)) scrubber.add(l.value);
  return ds.map((d) => ({ ...d, message: scrubber.scrub(d.message), path: scrubber.scrub(d.path) }));
}

export type { SourceFile, FileRole } from './source.js';
export { FILE_NAMES, DEFAULT_CONFIG_DIR } from './source.js';
