// Output of a command kept in memory up to a cap: only the last `cap` bytes (the tail: where a
// failing script says why), with a line saying how much earlier output was dropped. A feature
// printing gigabytes must not exhaust memory (a JS string tops out near 512 MiB) nor fill the log.

/** What Phoenix keeps of one stream of a command's output: the last 1 MiB. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;

export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(
    readonly cap: number = OUTPUT_CAP_BYTES,
    private readonly label = 'phoenix',
  ) {}

  push(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(b);
    this.size += b.length;
    // Compact once twice the cap is held, so memory stays within 2 × cap.
    if (this.size > 2 * this.cap) this.compact();
  }

  private compact(): void {
    const all = Buffer.concat(this.chunks);
    let start = all.length - this.cap;
    // Never start inside a UTF-8 character (skip its continuation bytes).
    while (start < all.length && (all[start] & 0xc0) === 0x80) start++;
    const keep = all.subarray(start);
    this.dropped += all.length - keep.length;
    this.chunks = [Buffer.from(keep)];
    this.size = keep.length;
  }

  /** Bytes seen in all. */
  get total(): number {
    return this.dropped + this.size;
  }

  toString(): string {
    if (this.size > this.cap) this.compact();
    const text = Buffer.concat(this.chunks).toString('utf8');
    if (!this.dropped) return text;
    return `[${this.label}: ${this.dropped} bytes of earlier output not kept; the last ${this.size} bytes follow]\n${text}`;
  }
}

/** The same cap applied to text already in memory. */
export function keepTail(text: string, cap: number = OUTPUT_CAP_BYTES): string {
  if (text.length <= cap && Buffer.byteLength(text) <= cap) return text;
  const b = new TailBuffer(cap);
  b.push(text);
  return b.toString();
}
