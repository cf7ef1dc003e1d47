// One SSH public key line as `ssh-keygen -l` reads it. Proxmox runs that tool on every line of
// `pct create --ssh-public-keys` and `qm create/set --sshkeys` (pve-common PVE/Tools.pm
// validate_ssh_public_keys) and refuses the call with `SSH public key validation error`. This
// checks the same structure without the tool: a known key type, base64 that decodes, a blob that
// names the same type and holds a key of the right shape (OpenSSH's sshkey_from_blob). Curve
// points are not checked for lying on the curve.

const ECDSA_CURVES: Record<string, { curve: string; point: number }> = {
  'ecdsa-sha2-nistp256': { curve: 'nistp256', point: 65 },
  'ecdsa-sha2-nistp384': { curve: 'nistp384', point: 97 },
  'ecdsa-sha2-nistp521': { curve: 'nistp521', point: 133 },
};
const SK = { ed25519: 'sk-ssh-ed25519@openssh.com', ecdsa: 'sk-ecdsa-sha2-nistp256@openssh.com' };
const PLAIN = ['ssh-ed25519', 'ssh-rsa', ...Object.keys(ECDSA_CURVES), SK.ed25519, SK.ecdsa];
const CERT = (t: string) => t.replace(/@openssh\.com$/, '') + '-cert-v01@openssh.com';
/** Key types OpenSSH 10 (PVE 9) reads; DSA (`ssh-dss`) is gone from it. */
export const SSH_KEY_TYPES: ReadonlySet<string> = new Set([...PLAIN, ...PLAIN.map(CERT)]);

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer {
    if (this.at + 4 > this.buf.length) throw new Error('truncated key blob');
    const n = this.buf.readUInt32BE(this.at);
    this.at += 4;
    if (this.at + n > this.buf.length) throw new Error('truncated key blob');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

/** Bits of an SSH mpint (big-endian, a leading 0 byte for a positive number with its top bit set). */
function mpintBits(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]));
}

function checkBlob(type: string, blob: Buffer): string | undefined {
  const r = new Reader(blob);
  try {
    const named = r.string().toString('latin1');
    if (named !== type) return `the key data is of type '${named}', not '${type}'`;
    const base = type.endsWith('-cert-v01@openssh.com') ? undefined : type;
    if (base === undefined) {
      r.string(); // nonce; the certified key follows, then the certificate fields
      return undefined;
    }
    if (base === 'ssh-ed25519' || base === SK.ed25519) {
      if (r.string().length !== 32) return 'an ed25519 key is 32 bytes';
      if (base === SK.ed25519) r.string();
      return undefined;
    }
    if (base === 'ssh-rsa') {
      r.string(); // e
      // OpenSSH refuses RSA keys under 1024 bits (SSH_RSA_MINIMUM_MODULUS_SIZE).
      if (mpintBits(r.string()) < 1024) return 'an RSA key needs at least 1024 bits';
      return undefined;
    }
    const ec = ECDSA_CURVES[base === SK.ecdsa ? 'ecdsa-sha2-nistp256' : base];
    if (ec) {
      if (r.string().toString('latin1') !== ec.curve) return `the key's curve is not ${ec.curve}`;
      const q = r.string();
      if (q.length !== ec.point || q[0] !== 4) return 'the curve point is malformed';
      if (base === SK.ecdsa) r.string();
      return undefined;
    }
    return `unknown key type '${type}'`;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Why `ssh-keygen -l` would refuse this line, or undefined when it reads a key. Blank lines are
 * skipped by Proxmox and accepted here. An authorized_keys options prefix is allowed.
 */
export function sshKeyProblem(line: string): string | undefined {
  if (/^\s*$/.test(line)) return undefined;
  const words = line.trim().split(/\s+/);
  const i = words.findIndex((w) => SSH_KEY_TYPES.has(w) || w === 'ssh-dss');
  if (i < 0) return 'no known key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, ...)';
  if (words[i] === 'ssh-dss') return 'DSA keys (ssh-dss) are not read by the OpenSSH of Proxmox VE 9';
  const data = words[i + 1];
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return 'the key data is not base64';
  return checkBlob(words[i], Buffer.from(data, 'base64'));
}

/** Every non-blank line of a key list checked; the first problem, with its line number (1-based). */
export function sshKeysProblem(text: string): { line: number; problem: string } | undefined {
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const problem = sshKeyProblem(lines[n]);
    if (problem) return { line: n + 1, problem };
  }
  return undefined;
}
