// The node's storages as `GET /nodes/NODE/storage` answers them (pvesh or the REST API: the same
// rows), into StorageStatus. Booleans come as 0/1 (or true); a storage without `enabled` is enabled.

import type { StorageStatus } from '../../types.js';

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1';

export function parseStorageRows(rows: ReadonlyArray<Record<string, unknown>> | null | undefined): StorageStatus[] {
  return (rows ?? []).map((x) => ({
    storage: String(x.storage),
    type: String(x.type ?? ''),
    content: String(x.content ?? '')
      .split(',')
      .filter(Boolean),
    enabled: x.enabled === undefined ? true : truthy(x.enabled),
    active: truthy(x.active),
    shared: truthy(x.shared),
    total: Number(x.total ?? 0),
    used: Number(x.used ?? 0),
    avail: Number(x.avail ?? 0),
  }));
}
