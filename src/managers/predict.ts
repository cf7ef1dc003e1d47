// What each planned action is known to leave on the host, applied to the planning world so the
// steps after it (of the same guest, and of guests that clone it) are planned against that. Only
// what Proxmox's own handlers are known to produce is predicted; everything else is UNKNOWN:
//   create   the options sent (volumes: `STORAGE:<allocated at apply>,size=…`), stopped
//   clone    the source's config (a CT from its snapshot: the source as this run leaves it), with
//            the new name; no snapshots; the source's feature markers (they are files in its disk)
//   set      the options (a change a running guest cannot take is applied at its restart, which
//            the plan has too); resize: the new size; template: a stopped template
// A guest's in-guest state is only known while it runs: after a start of a guest that was stopped
// at observation, its markers stay unknown and its features are decided at apply.

import type { GuestConfig, GuestStatus } from '../proxmox/types.js';
import type { Action, PlannedStep } from '../plan/types.js';
import { contentKey, type World, type WorldGuest } from './world.js';
import { buildMarker } from '../features/marker.js';

export const ALLOCATED = '(allocated at apply)';

const unknown = (why: string) => ({ known: false as const, why });

/** A volume option's `size=` replaced (or added). */
function withSize(value: string, size: string): string {
  return /(^|,)size=/.test(value) ? value.replace(/(^|,)size=[^,]*/, `$1size=${size}`) : `${value},size=${size}`;
}

function fresh(type: 'lxc' | 'qemu', vmid: number, config: GuestConfig): WorldGuest {
  const status: GuestStatus = { vmid, type, status: 'stopped', template: false };
  return {
    type,
    status,
    config,
    pending: [],
    snapshots: [],
    firewall: null,
    predicted: true,
    markers: { known: true, value: new Map() },
    fstab: unknown('known once the guest runs'),
    runArea: { known: true, value: [] },
  };
}

/** Apply one planned step's action to the world. */
export function predict(world: World, step: PlannedStep, createConfig?: () => GuestConfig): void {
  const a: Action | undefined = step.action;
  if (!a) return;
  const g = 'vmid' in a ? world.get(a.vmid) : undefined;
  switch (a.kind) {
    case 'recover':
      if (!g) return;
      if (a.destroy) world.guests.delete(a.vmid);
      else {
        if (a.unlock) delete g.status.lock;
        if (a.delsnapshot) g.snapshots = g.snapshots.filter((s) => s !== a.delsnapshot);
      }
      return;
    case 'destroy':
      world.guests.delete(a.vmid);
      return;
    case 'unlock-source': {
      const src = world.get(a.source);
      if (src) delete src.status.lock;
      return;
    }
    case 'download': {
      const k = contentKey(a.request.storage, 'import', a.request.node);
      world.content.set(k, new Set([...(world.content.get(k) ?? []), a.volid]));
      return;
    }
    case 'create':
      world.guests.set(a.vmid, fresh(a.type, a.vmid, createConfig?.() ?? { options: {}, rawLxc: [] }));
      return;
    case 'clone': {
      const src = world.get(a.source);
      const options = { ...(src?.config.options ?? {}) };
      if (a.type === 'lxc') options.hostname = a.name;
      else options.name = a.name;
      for (const k of ['lock', 'template']) delete options[k];
      // Full clones to another storage move the volumes; their names are Proxmox's to choose.
      if (typeof a.params.storage === 'string') {
        for (const [k, v] of Object.entries(options)) {
          if (/^(rootfs|mp\d+|scsi\d+|virtio\d+|sata\d+|ide\d+|efidisk0|tpmstate0)$/.test(k) && /^[^,:]+:[^,]+/.test(v) && !/media=cdrom|cloudinit/.test(v)) {
            options[k] = v.replace(/^[^,:]+:[^,]+/, `${a.params.storage}:${ALLOCATED}`);
          }
        }
      }
      const next = fresh(a.type, a.vmid, { options, rawLxc: [...(src?.config.rawLxc ?? [])] });
      next.markers = src ? structuredClone(src.markers) : unknown('the clone source is not known');
      if (src && !src.markers.known) next.markers = unknown(`the markers ${a.source} carries are read once it runs`);
      world.guests.set(a.vmid, next);
      return;
    }
    case 'set':
      if (g) for (const [k, v] of Object.entries(a.params)) g.config.options[k] = String(v);
      return;
    case 'resize':
      if (g?.config.options[a.disk]) g.config.options[a.disk] = withSize(g.config.options[a.disk]!, a.size);
      return;
    case 'raw-lxc':
      if (g) g.config.rawLxc = a.entries.map(([k, v]) => [k, v]);
      return;
    case 'firewall':
      if (g) g.firewall = a.content;
      return;
    case 'restart':
      if (g) g.pending = [];
      return;
    case 'start':
      if (g) {
        g.status.status = 'running';
        g.pending = [];
      }
      return;
    case 'clean-run-area':
      if (g) g.runArea = { known: true, value: [] };
      return;
    case 'feature':
      // The marker apply writes holds the digest planned (an at-apply feature may not run: then
      // what the guest holds stays unknown).
      if (g && g.markers.known && a.digest && !a.atApply) g.markers.value.set(a.feature, JSON.stringify(buildMarker(a.feature, a.digest, new Date(0))));
      else if (g && a.atApply) g.markers = unknown(`the markers of ${a.vmid} are read once it runs`);
      return;
    case 'nfs':
      if (g && g.fstab.known) g.fstab = { known: true, value: `${g.fstab.value ?? ''}\n${a.line}` };
      return;
    case 'snapshot':
      if (g && !g.snapshots.includes(a.name)) g.snapshots.push(a.name);
      return;
    case 'template':
      if (g) {
        g.status.status = 'stopped';
        g.status.template = true;
        g.config.options.template = '1';
      }
      return;
    case 'cloudinit':
    case 'wait-agent':
    case 'health':
    case 'configured':
      return;
  }
}
