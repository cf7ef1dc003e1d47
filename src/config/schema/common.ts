// Building blocks of the config schemas. Every leaf carries one "expected ..." phrase used for all
// of its failures (wrong type, out of range, bad format), so a message reads
// `expected an integer ≥ 16, got "2G"` whatever went wrong. Keys that are accepted but unused, or
// that only features read, are marked here so the unknown-key rules and the JSON Schema agree.
import { z } from 'zod';
import { sshKeysProblem } from '../../proxmox/codecs/ssh-key.js';
import { checkDestination } from '../../proxmox/exec/ssh.js';

/** zod's `error` option producing a fixed phrase. */
export const expecting = (what: string) => ({ error: () => `expected ${what}` });

export function int(min?: number, max?: number, what?: string) {
  const phrase = what ?? (min !== undefined && max !== undefined ? `an integer from ${min} to ${max}` : min !== undefined ? `an integer ≥ ${min}` : 'an integer');
  let s = z.int(expecting(phrase));
  if (min !== undefined) s = s.min(min, expecting(phrase));
  if (max !== undefined) s = s.max(max, expecting(phrase));
  return s;
}

export const str = (what = 'a string') => z.string(expecting(what));
export const nonEmpty = (what = 'a non-empty string') => z.string(expecting(what)).min(1, expecting(what));
/** Proxmox's snapshot names (pve-configid): a letter, then letters, digits, `_` or `-`; at most 40. */
export const snapshotName = () => z.string(expecting('a snapshot name')).regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, expecting('a snapshot name: a letter, then letters, digits, "_" or "-" (at most 40)'));
export const bool = () => z.boolean(expecting('true or false'));
export const strList = (what = 'a list of strings') => z.array(z.string(expecting(what)), expecting(what));
/**
 * SSH public keys, one a string: each must be a key `ssh-keygen -l` reads, as Proxmox checks
 * every key line it is given (pve-common PVE/Tools.pm validate_ssh_public_keys) and refuses the
 * whole create otherwise.
 */
export const sshPublicKeys = () => {
  const what = 'an SSH public key like "ssh-ed25519 AAAA... user@host"';
  return z.array(
    z.string(expecting(what)).superRefine((v, ctx) => {
      const bad = v.includes('\n') ? { problem: 'one key per list entry' } : sshKeysProblem(v);
      if (bad) ctx.addIssue({ code: 'custom', message: `expected ${what} (${bad.problem})` });
    }),
    expecting('a list of SSH public keys'),
  );
};

/** A Proxmox node name (pve-common JSONSchema pve_verify_node_name). */
/** An SSH destination `[user@]host`, as the SSH transport accepts it (a port or jump host goes in ~/.ssh/config). */
export const sshDestination = () =>
  nonEmpty('[user@]host').refine((v) => {
    try {
      checkDestination(v);
      return true;
    } catch {
      return false;
    }
  }, expecting('an SSH destination [user@]host (a port or jump host goes in ~/.ssh/config)'));

export const nodeName = () => nonEmpty('a Proxmox node name').regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, expecting('a Proxmox node name (letters, digits and "-")'));

/** An object of known keys. Unknown keys pass parsing; the unknown-keys rule warns about them. */
export const obj = <S extends z.core.$ZodLooseShape>(shape: S, what = 'an object') => z.object(shape, expecting(what));

/** A guest id written as an integer or a numeric string ("901"); the range is checked by a rule. */
export const guestRef = () => {
  const e = expecting('a guest id (an integer or a numeric string like "901")');
  return z.union([z.int(e), z.string(e).regex(/^[0-9]+$/, e)], e).transform((v) => Number(v));
};

/**
 * A secret: a literal, or a reference resolved only when used (never at load time):
 * {"env": "NAME"} reads an environment variable, {"file": "PATH"} reads a file.
 */
const envName = expecting('an environment variable name like PORTAINER_PASSWORD');
export const secret = () => z.union([z.string(), z.strictObject({ env: z.string(envName).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, envName) }), z.strictObject({ file: nonEmpty('a file path') })], expecting('a string, {"env": "VAR_NAME"} or {"file": "/path/to/file"}'));

// Schemas of keys the original accepted but Phoenix does not use, with the reason. Parsed as anything.
const ignoredSchemas = new WeakMap<object, string>();
/** A key the original tool accepted that Phoenix ignores: the ignored-keys rule warns once per key. */
export function ignored(why: string) {
  const s = z
    .unknown()
    .optional()
    .meta({ deprecated: true, description: `Accepted by the original tool; ignored by Phoenix: ${why}.` });
  ignoredSchemas.set(s, why);
  return s;
}
/** Why a key is ignored, when `s` is the schema of an ignored key. */
export const ignoredReason = (s: unknown): string | undefined => (typeof s === 'object' && s !== null ? ignoredSchemas.get(s) : undefined);

// Schemas of keys that only features read: normalisation copies them into the guest's `inputs`.
const featureInputSchemas = new WeakSet<object>();
/** Marks `schema` as a feature input. */
export function asFeatureInput<T extends object>(schema: T): T {
  featureInputSchemas.add(schema);
  return schema;
}
export const isFeatureInput = (s: unknown): boolean => typeof s === 'object' && s !== null && featureInputSchemas.has(s);
/** A value read only by features (it lands in the guest's `inputs`); any JSON. */
export const featureInput = (description: string) =>
  asFeatureInput(
    z
      .unknown()
      .optional()
      .meta({ description: `Feature input: ${description}` }),
  );

/**
 * Keys the built-in features declare as inputs (features/<name>/manifest.json) that the guest
 * schemas do not type more precisely; any JSON (secrets may be {"env"}/{"file"} references).
 * A test keeps this list equal to what the shipped manifests declare.
 */
export const BUILTIN_FEATURE_INPUT_KEYS = [
  'allow_missing_gpu',
  'base_packages',
  'bootstrap_ca_fingerprint',
  'bootstrap_ca_url',
  'cuda_version',
  'docker_compose',
  'docker_daemon_config',
  'docker_users',
  'hf_token',
  'locale',
  'ollama_version',
  'ports',
  'python_api_service',
  'step_cli_deb_url',
  'step_cli_version',
  'timezone',
  'trusted_ca_name',
  'trusted_ca_pem',
  'vllm_engine_config',
  'vllm_version',
] as const;

/** Schema entries for the built-in features' inputs (spread before a guest schema's own keys). */
export function builtinFeatureInputs(): Record<string, ReturnType<typeof featureInput>> {
  return Object.fromEntries(BUILTIN_FEATURE_INPUT_KEYS.map((k) => [k, featureInput(`read by the built-in features (${k})`)]));
}

// Extra key patterns an object accepts besides its declared keys (e.g. nvidia_* feature inputs).
const keyPatterns = new WeakMap<object, RegExp>();
export function withKeyPattern<T extends object>(schema: T, pattern: RegExp): T {
  keyPatterns.set(schema, pattern);
  return schema;
}
export const keyPatternOf = (s: object): RegExp | undefined => keyPatterns.get(s);

/** Keys the original read from the LXC file's root and that features may still receive. */
export const NVIDIA_KEY = /^nvidia_[a-z0-9_]+$/;
