// pct and qm take SSH keys as a *file path* on the command line (`qm set --sshkeys <filepath>`,
// `pct create --ssh-public-keys <filepath>`), while the API (and `qm config`) carries qm's keys
// URL-encoded. The driver takes keys the API way and, for the CLI, writes them to a private
// temporary file for the duration of the call.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestType, PveParams } from '../types.js';

const KEY_PARAMS: Record<GuestType, string> = { qemu: 'sshkeys', lxc: 'ssh-public-keys' };

/** Runs `call` with key parameters replaced by the path of a 0600 file holding the keys. */
export async function withKeyFiles<T>(type: GuestType, params: PveParams, call: (p: PveParams) => Promise<T>): Promise<T> {
  const key = KEY_PARAMS[type];
  const value = params[key];
  if (typeof value !== 'string') return call(params);
  const dir = await mkdtemp(join(tmpdir(), 'phoenix-keys-'));
  try {
    const file = join(dir, 'keys');
    // qm's value is URL-encoded (as the API stores it); pct's is the plain key text.
    const text = type === 'qemu' ? decodeURIComponent(value) : value;
    await writeFile(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
    return await call({ ...params, [key]: file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
