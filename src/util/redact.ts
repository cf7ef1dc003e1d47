// Secret redaction: never print or log a secret. Keys whose name looks like a secret have their
// values replaced; known secret values (resolved at run time, or written literally under such a
// key) are scrubbed from any text.

import { isSecretRef } from './secrets.js';

export const REDACTED = '***';

// What makes a key name a secret's, word by word (snake_case, kebab-case, camelCase, dots).
// `key` counts only with a qualifier (hf_key, access_key, api_key): a bare "key" is mostly the
// key of a key/value pair. `keys` counts after api/private/auth/access/secret (api_keys), not in
// ssh_keys or ssh_public_keys, which hold public keys.
const SECRET_WORD = /^(pass|passwd|password|passphrase|pwd)s?$|(password|passwd|passphrase)s?$|secret|tokens?$|credentials?$|^(api|private|auth|access|secret|signing|encryption|license)?keys?$/;
const KEY_QUALIFIER = new Set(['api', 'private', 'auth', 'access', 'secret', 'signing', 'encryption', 'license', 'hf', 'master', 'client']);
// Words that make the value something else than the secret: public material, where a secret is
// kept (key_file, token_path, password_url), its name/id (key_id, token_name), or a measure
// (max_tokens, password_min_length).
const NOT_SECRET_WORD = new Set(['public', 'pub', 'file', 'files', 'path', 'paths', 'dir', 'url', 'uri', 'name', 'id', 'fingerprint', 'type', 'length', 'bits', 'size', 'count', 'ttl', 'expiry', 'expires', 'max', 'min', 'num', 'limit']);

const wordsOf = (key: string): string[] =>
  key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);

/** Whether a config key or option name looks like it holds a secret (see the word lists above). */
export function isSecretKey(key: string): boolean {
  const words = wordsOf(key);
  if (words.some((w) => NOT_SECRET_WORD.has(w))) return false;
  // ssh_key(s), host_key: public keys unless said private.
  if ((words.includes('ssh') || words.includes('host')) && !words.includes('private') && words.some((w) => w === 'key' || w === 'keys')) return false;
  return words.some((w, i) => {
    if (!SECRET_WORD.test(w)) return false;
    if (w === 'key') return words.length > 1;
    if (w === 'keys') return i > 0 && KEY_QUALIFIER.has(words[i - 1]!);
    return true;
  });
}

/** Deep copy of `value` with the values of secret-looking keys replaced by '***'. */
export function redactObject<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactObject(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) && v !== null && typeof v !== 'object' ? REDACTED : redactObject(v);
    }
    return out as T;
  }
  return value;
}

export interface SecretLiteral {
  path: Array<string | number>;
  value: string;
}

/**
 * Every string written literally under a secret-looking key in `doc` (at any depth below the key;
 * `{"env"}`/`{"file"}` references are not literals), with its JSON path. Numbers and booleans are
 * not taken: counts such as max_tokens would otherwise be masked everywhere.
 */
export function secretLiterals(doc: unknown): SecretLiteral[] {
  const out: SecretLiteral[] = [];
  const walk = (v: unknown, path: Array<string | number>, secret: boolean): void => {
    if (typeof v === 'string') {
      if (secret && v !== '') out.push({ path, value: v });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], secret));
    else if (v && typeof v === 'object' && !isSecretRef(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k], secret || isSecretKey(k));
    }
  };
  walk(doc, [], false);
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A scrubber for text: replaces every occurrence of each registered secret value, in one pass,
 * longest first, so a secret that is part of a longer one never leaves the rest of it behind.
 * Each secret is also registered in its JSON-escaped spelling (how a script printing its inputs
 * shows a value with quotes, backslashes or control characters).
 */
export class SecretScrubber {
  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;
  add(secret: string): void {
    for (const v of [secret, JSON.stringify(secret).slice(1, -1)]) {
      if (v.length >= 3 && !this.values.has(v)) {
        this.values.add(v);
        this.pattern = null;
      }
    }
  }
  scrub(text: string): string {
    if (!this.values.size) return text;
    this.pattern ??= new RegExp(
      [...this.values]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
  }
}
