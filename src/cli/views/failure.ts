// A failing pct/qm call, read like a config error: the guest, the step it failed in, the config
// field that led to that step where one did (file and JSON path, as a diagnostic names it), and
// Proxmox's own text last.
import type { Guest } from '../../model/guest.js';

/** The config field (below the guest) behind each step, by guest kind; absent: no one field. */
const FIELD: Record<'lxc' | 'vm', Record<string, string>> = {
  lxc: {
    create: 'template',
    clone: 'clone_from_ctid',
    resize: 'storage_size_gb',
    firewall: 'firewall',
    'raw-lxc': 'lxc_options',
    snapshot: 'template_snapshot_name',
    template: 'is_template',
    feature: 'features',
    health: 'health_checks',
  },
  vm: {
    create: 'template_image',
    download: 'template_image',
    clone: 'clone_from_vmid',
    resize: 'disk_size_gb',
    cloudinit: 'user_config',
    firewall: 'firewall',
    snapshot: 'snapshots',
    template: 'is_template',
    feature: 'features',
    health: 'health_checks',
  },
};

/**
 * `guest 210: docker-host, step resize (phoenix_lxc_configs.json: lxc_configs."210".storage_size_gb):
 * pct resize 210 ...: <Proxmox's text>` — the caller prefixes `phoenix: `.
 */
export function callFailureText(g: Guest | undefined, id: number, step: string | undefined, message: string): string {
  const field = g && step ? FIELD[g.kind][step] : undefined;
  const where = [g?.name, step && `step ${step}${g && field ? ` (${g.origin.file}: ${g.origin.path}.${field})` : ''}`].filter(Boolean).join(', ');
  return `guest ${id}: ${where ? `${where}: ` : ''}${message}`;
}
