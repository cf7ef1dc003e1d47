// pct and qm take SSH keys as a *file path* on the command line (`qm set --sshkeys <filepath>`,
// `pct create --ssh-public-keys <filepath>`), while the API (and `qm config`) carries qm's keys
// URL-encoded. The driver takes keys the API way and, for the CLI, writes them to a private
// temporary file on the node (this machine, or the remote node over the transport: staging) for
// the duration of the call.

import { localStaging } from '../exec/staging.js';
import type { Staging } from '../exec/types.js';
import type { GuestType, PveParams } from '../types.js';

const KEY_PARAMS: Record<GuestType, string> = { qemu: 'sshkeys', lxc: 'ssh-public-keys' };

/** Runs `call` with key parameters replaced by the path of a 0600 file on the node holding the keys. */
export async function withKeyFiles<T>(type: GuestType, params: PveParams, call: (p: PveParams) => Promise<T>, staging: Staging = localStaging): Promise<T> {
  const key = KEY_PARAMS[type];
  const value = params[key];
  if (typeof value !== 'string') return call(params);
  // qm's value is URL-encoded (as the API stores it); pct's is the plain key text.
  const text = type === 'qemu' ? decodeURIComponent(value) : value;
  const file = await staging.bytes(text.endsWith('\n') ? text : `${text}\n`, 'keys');
  try {
    return await call({ ...params, [key]: file.path });
  } finally {
    await file.done();
  }
}
