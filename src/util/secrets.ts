// Secret references: a config value may be `{"env": "NAME"}` or `{"file": "PATH"}` instead of a
// literal. They are resolved only at run time, and every resolved value is registered with a
// SecretScrubber so that no log line, error message or output can carry it afterwards.
// Error messages name the variable or file, never the value.

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SecretScrubber } from './redact.js';

export type SecretRef = { env: string } | { file: string };

export interface SecretContext {
  env: Record<string, string | undefined>;
  /** Every resolved value is added here. */
  scrubber: SecretScrubber;
  /** Relative `file` paths are resolved against this directory (the config directory). */
  baseDir?: string;
  /** Injectable for tests; defaults to fs.readFileSync(path, 'utf8'). */
  readFile?: (path: string) => string;
}

export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** True for exactly `{env: string}` or `{file: string}` (one key, a non-empty string). */
export function isSecretRef(value: unknown): value is SecretRef {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const v = (value as Record<string, unknown>)[keys[0]!];
  return (keys[0] === 'env' || keys[0] === 'file') && typeof v === 'string' && v.length > 0;
}

/** Where a reference points, for messages: `environment variable HF_TOKEN` / `file ./hf.token`. */
export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/**
 * The value behind `ref` (a literal string is returned as is and not registered: literals are
 * the config author's choice, and redaction of secret-looking keys handles those).
 * A file's single trailing newline is dropped (token files usually end with one).
 */
export function resolveSecret(ref: string | SecretRef, ctx: SecretContext): string {
  if (typeof ref === 'string') return ref;
  let value: string;
  if ('env' in ref) {
    const v = ctx.env[ref.env];
    if (v === undefined || v === '') {
      throw new SecretError(`secret from environment variable ${ref.env} is not set`);
    }
    value = v;
  } else {
    const path = isAbsolute(ref.file) ? ref.file : resolve(ctx.baseDir ?? process.cwd(), ref.file);
    try {
      value = (ctx.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SecretError(`secret file ${ref.file} cannot be read${code ? ` (${code})` : ''}`);
    }
    value = value.replace(/\r?\n$/, '');
    if (value === '') throw new SecretError(`secret file ${ref.file} is empty`);
  }
  ctx.scrubber.add(value);
  // A script that prints its inputs as JSON shows the escaped form of a value with quotes,
  // backslashes or control characters; scrub that spelling too.
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) ctx.scrubber.add(escaped);
  return value;
}

/** Deep copy of `value` with every secret reference replaced by its resolved value. */
export function resolveSecretsDeep(value: unknown, ctx: SecretContext): unknown {
  if (isSecretRef(value)) return resolveSecret(value, ctx);
  if (Array.isArray(value)) return value.map((v) => resolveSecretsDeep(v, ctx));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveSecretsDeep(v, ctx);
    return out;
  }
  return value;
}

/** True when `value` contains a secret reference anywhere. */
export function containsSecretRef(value: unknown): boolean {
  if (isSecretRef(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecretRef);
  if (value && typeof value === 'object') return Object.values(value).some(containsSecretRef);
  return false;
}
