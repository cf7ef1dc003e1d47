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

/** The CLI reads a file parameter before any check; an unreadable file dies with `$!`'s text. */
// PVE: pve-common src/PVE/RESTHandler.pm:$compute_param_mapping_hash, src/PVE/File.pm:file_get_contents (`can't open '<path>' - $!`)
export function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : (e as Error).message;
    throw new SimError(`can't open '${path}' - ${why}`);
  }
}

/** URI::Escape::uri_escape: everything but A-Za-z0-9 - _ . ~ is %-escaped (UTF-8 bytes). */
// PVE: qemu-server src/PVE/CLI/qm.pm:param_mapping (sshkeys: uri_escape(file_get_contents(FILE)))
export function uriEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
