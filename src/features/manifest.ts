// The feature manifest: `features/<name>/manifest.json` beside its `install.sh`. It says which guest
// kinds the feature supports, what it requires before it (vllm requires nvidia), which config keys it
// receives as inputs (and nothing else), how long it may run, and its default health check.

import { z } from 'zod';

/** Feature names double as file names in the guest, so they are kept to a safe alphabet. */
export const FEATURE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Input keys become JSON keys that the in-guest helper looks up with grep, hence the alphabet. */
export const INPUT_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Names Phoenix uses itself; a feature cannot take them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['application_script']);

export const healthCheckSchema = z.strictObject({
  command: z.array(z.string().min(1)).min(1),
  retries: z.int().min(1).max(1000).default(3),
  intervalSec: z.number().min(0).max(3600).default(5),
  timeoutSec: z.number().positive().max(3600).default(10),
});

export const manifestSchema = z.strictObject({
  name: z.string().regex(FEATURE_NAME, 'lower-case letters, digits, _ and -, starting with a letter or digit'),
  description: z.string().min(1),
  kinds: z.array(z.enum(['lxc', 'vm'])).min(1),
  requires: z.array(z.string().regex(FEATURE_NAME)).default([]),
  inputs: z.array(z.string().regex(INPUT_KEY, 'letters, digits and _')).default([]),
  /** Inputs the install script cannot do without (a subset of `inputs`); `validate` reports a guest that lacks one. */
  requiredInputs: z.array(z.string().regex(INPUT_KEY, 'letters, digits and _')).default([]),
  /**
   * The address a user opens once the feature runs, shown after a run and by `status`/`list`:
   * `{host}` is the guest's address, `{port:KEY:DEFAULT}` the first port of input KEY (a number or
   * a `host:guest` mapping, the guest side is used) or DEFAULT.
   */
  url: z.string().min(1).optional(),
  timeoutSec: z
    .int()
    .positive()
    .max(24 * 3600),
  healthCheck: healthCheckSchema.optional(),
});

export type FeatureManifest = z.infer<typeof manifestSchema>;
export type FeatureHealthCheck = z.infer<typeof healthCheckSchema>;

export type ManifestResult = { ok: true; manifest: FeatureManifest } | { ok: false; problems: string[] };

/**
 * Validates a parsed manifest. `dirName` is the directory it was found in: the manifest's name must
 * match it, so a copied directory cannot silently shadow another feature.
 */
export function parseManifest(raw: unknown, dirName: string): ManifestResult {
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    return {
      ok: false,
      problems: r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    };
  }
  const m = r.data;
  const problems: string[] = [];
  if (m.name !== dirName) problems.push(`name: "${m.name}" does not match its directory "${dirName}"`);
  if (RESERVED_NAMES.has(m.name)) problems.push(`name: "${m.name}" is reserved`);
  if (m.requires.includes(m.name)) problems.push(`requires: a feature cannot require itself`);
  if (new Set(m.inputs).size !== m.inputs.length) problems.push('inputs: duplicate keys');
  for (const k of m.requiredInputs) if (!m.inputs.includes(k)) problems.push(`requiredInputs: "${k}" is not one of inputs`);
  return problems.length ? { ok: false, problems } : { ok: true, manifest: m };
}
