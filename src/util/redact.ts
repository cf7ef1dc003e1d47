// Secret redaction: never print or log a secret. Keys whose name looks like a secret have their
// values replaced; known secret values (resolved at run time) are scrubbed from any text.

const SECRET_KEY = /(pass(word)?|passwd|token|secret|api[_-]?key|private[_-]?key|credential)/i;

export const REDACTED = '***';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
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

/** A scrubber for text: replaces every occurrence of each registered secret value. */
export class SecretScrubber {
  private readonly values = new Set<string>();
  add(secret: string): void {
    if (secret.length >= 3) this.values.add(secret);
  }
  scrub(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join(REDACTED);
    return out;
  }
}
