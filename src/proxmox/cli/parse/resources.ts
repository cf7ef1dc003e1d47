// `pvesh get /cluster/resources --type vm --output-format json`: one row per guest in the cluster,
// `{id: "lxc/101", vmid, node, type: "lxc"|"qemu", status, name?, template?, lock?, ...}`.
// `status` comes from the node's last status broadcast (pvestatd, about every 10 s) and is
// 'unknown' when there is none yet (a guest created a moment ago); `lock` and `tags` are read from
// the config files when the call is made.
// PVE: pve-manager PVE/API2/Cluster.pm:resources; pve-manager PVE/API2Tools.pm:extract_vm_stats

import type { GuestType, PowerState } from '../../types.js';
import { toPowerState } from './list.js';

export interface ResourceRow {
  vmid: number;
  type: GuestType;
  node: string;
  status: PowerState;
  lock?: string;
}

/** The guest rows of the JSON array (other resource types, and malformed rows, are skipped). */
export function parseResources(text: string): ResourceRow[] {
  const data = JSON.parse(text || '[]') as unknown;
  if (!Array.isArray(data)) throw new Error('pvesh get /cluster/resources: expected a JSON array');
  const out: ResourceRow[] = [];
  for (const r of data as Array<Record<string, unknown>>) {
    if (!r || (r.type !== 'lxc' && r.type !== 'qemu')) continue;
    const vmid = Number(r.vmid);
    if (!Number.isInteger(vmid) || typeof r.node !== 'string') continue;
    const row: ResourceRow = { vmid, type: r.type, node: r.node, status: toPowerState(typeof r.status === 'string' ? r.status : undefined) };
    if (typeof r.lock === 'string' && r.lock) row.lock = r.lock;
    out.push(row);
  }
  return out;
}
