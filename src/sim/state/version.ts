// The Proxmox VE release the simulated host runs (`phoenix sim reset --pve 8.4|9.1`), and what
// differs between them where Phoenix can notice: defaults of `pct create` and the options each
// release's API knows. Pure: no I/O.

import type { HostState } from './types.js';

export type PveRelease = '8.4' | '9.1';
export const PVE_RELEASES: readonly PveRelease[] = ['8.4', '9.1'];
export const DEFAULT_RELEASE: PveRelease = '9.1';

export const releaseOf = (host: HostState): PveRelease => host.pve ?? DEFAULT_RELEASE;

/**
 * `pveversion`'s line: `pve-manager/<version>/<repoid> (running kernel: <uname -r>)`
 * (pve-manager PVE/CLI/pveversion.pm: package/version_text, then the running kernel).
 */
const VERSIONS: Record<PveRelease, { manager: string; repoid: string; kernel: string }> = {
  '8.4': { manager: '8.4.1', repoid: '2a5fa54a8503f96d', kernel: '6.8.12-9-pve' },
  '9.1': { manager: '9.1.1', repoid: '42db4a6cf33dac83', kernel: '6.17.2-1-pve' },
};

export function pveversionLine(release: PveRelease): string {
  const v = VERSIONS[release];
  return `pve-manager/${v.manager}/${v.repoid} (running kernel: ${v.kernel})\n`;
}

/**
 * `pct create`'s `unprivileged` when not given: 1 on 9.x (pve-container API2/LXC.pm create_vm
 * sets it), 0 on 8.4 (apidata-pve8.4: schema default 0, no create override in its description).
 */
export const defaultUnprivileged = (release: PveRelease): '0' | '1' => (release === '8.4' ? '0' : '1');

/** Options the 9.1 API has and 8.4's does not (apidata-pve8.4.js vs apidata-pve9.1.js), per tool and command. */
export const NEW_IN_9: Record<string, readonly string[]> = {
  'pct create': ['entrypoint', 'env', 'ha-managed'],
  'pct set': ['entrypoint', 'env'],
  'qm create': ['allow-ksm', 'intel-tdx', 'ha-managed'],
  'qm set': ['allow-ksm', 'intel-tdx'],
};
