// SSH keys on the pct/qm command line are file paths (qm.pm / pct.pm map the option to the file's
// contents): `qm set --sshkeys FILE` stores the keys URI-escaped in the config, `pct create
// --ssh-public-keys FILE` installs them for root in the new container.

import { readFileSync } from 'node:fs';
import { SimError } from '../state/errors.js';
import { sshKeysProblem } from '../../proxmox/codecs/ssh-key.js';

/** Every non-blank line must be a key `ssh-keygen -l` reads; else Proxmox refuses the call. */
// PVE: pve-common src/PVE/Tools.pm:validate_ssh_public_keys
export function checkSshKeys(keys: string | undefined): void {
  if (keys !== undefined && sshKeysProblem(keys)) throw new SimError('SSH public key validation error');
}

export function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message;
    throw new SimError(`unable to open file '${path}' - ${why}`);
  }
}

/** URI::Escape::uri_escape: everything but A-Za-z0-9 - _ . ~ is %-escaped (UTF-8 bytes). */
export function uriEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
