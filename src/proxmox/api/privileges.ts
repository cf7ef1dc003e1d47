// The privileges Phoenix's API token needs: every endpoint the API driver calls (driver.ts,
// tasks.ts, app/drivers/api.ts), with what Proxmox checks for it — the `permissions` entry of
// apidata-pve8.4.js / apidata-pve9.1.js, and, where that entry only says "user: all" or "any of",
// the handler's own checks for the parameters Phoenix sends (cited). `phoenix token-setup` prints
// the union as one role; test/api/privileges.test.ts checks each `check` entry of both schemas is
// covered and that every endpoint the API tests saw is listed here.
//
// PVE: qemu-server src/PVE/API2/Qemu.pm:$check_vm_modify_config_perm (option → VM.Config.* class),
//      pve-container src/PVE/LXC.pm:check_ct_modify_config_perm, pve-storage src/PVE/Storage.pm:check_volume_access

export type PveMajor = 8 | 9;

export interface EndpointPrivileges {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path as apidata names it. */
  path: string;
  /** Privileges Phoenix needs for its use of it; a function of the release where they differ. */
  privs: string[] | ((v: PveMajor) => string[]);
}

const N = '/nodes/{node}';
const guests = (kind: 'lxc' | 'qemu', rest: string) => `${N}/${kind}/{vmid}${rest}`;
const both = (method: EndpointPrivileges['method'], rest: string, privs: EndpointPrivileges['privs']): EndpointPrivileges[] => [
  { method, path: guests('lxc', rest), privs },
  { method, path: guests('qemu', rest), privs },
];
/** agent/* : VM.Monitor until 9.0, which split it into VM.GuestAgent.* (apidata 9.1 `check`). */
const agent = (nine: string) => (v: PveMajor) => (v >= 9 ? [nine] : ['VM.Monitor']);

export const API_ENDPOINTS: EndpointPrivileges[] = [
  { method: 'GET', path: '/version', privs: [] },
  { method: 'GET', path: '/nodes', privs: [] },
  { method: 'GET', path: `${N}/status`, privs: ['Sys.Audit'] },
  { method: 'GET', path: `${N}/network`, privs: [] },
  { method: 'GET', path: `${N}/storage`, privs: ['Datastore.Audit'] },
  { method: 'GET', path: `${N}/storage/{storage}/content`, privs: ['Datastore.Audit'] },
  // Datastore.AllocateTemplate on the storage, and Sys.AccessNetwork on the node (the narrower of its two alternatives).
  { method: 'POST', path: `${N}/storage/{storage}/download-url`, privs: ['Datastore.AllocateTemplate', 'Sys.AccessNetwork'] },
  // A task's status and log: its owner (the token) needs nothing; Sys.Audit for others' tasks.
  { method: 'GET', path: `${N}/tasks/{upid}/status`, privs: [] },
  { method: 'GET', path: `${N}/tasks/{upid}/log`, privs: [] },
  // Lists show only guests with VM.Audit.
  { method: 'GET', path: `${N}/lxc`, privs: ['VM.Audit'] },
  { method: 'GET', path: `${N}/qemu`, privs: ['VM.Audit'] },
  // Create: VM.Allocate, Datastore.AllocateSpace on the disks' storage, SDN.Use on the bridge;
  // templates/images: Datastore.AllocateSpace or Datastore.Audit (check_volume_access); the options
  // sent with it are checked like a config change.
  { method: 'POST', path: `${N}/lxc`, privs: ['VM.Allocate', 'Datastore.AllocateSpace', 'Datastore.Audit', 'SDN.Use', 'VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options'] },
  { method: 'POST', path: `${N}/qemu`, privs: ['VM.Allocate', 'Datastore.AllocateSpace', 'Datastore.Audit', 'SDN.Use', 'VM.Config.Disk', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Config.Cloudinit'] },
  ...both('GET', '/status/current', ['VM.Audit']),
  ...both('GET', '/config', ['VM.Audit']),
  ...both('GET', '/pending', ['VM.Audit']),
  ...both('GET', '/snapshot', ['VM.Audit']),
  // What Phoenix sets: cores (CPU), memory/swap (Memory), rootfs/mpN/scsiN/boot (Disk), netN,
  // hostname, nameserver (Network), onboot/description/tags/agent/... (Options), vga/serial0
  // socket/scsihw (HWType), ciuser/sshkeys/ipconfigN (Cloudinit), the cloud-init drive (Cloudinit+CDROM).
  { method: 'PUT', path: guests('lxc', '/config'), privs: ['VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.Options', 'Datastore.AllocateSpace', 'SDN.Use'] },
  { method: 'POST', path: guests('qemu', '/config'), privs: ['VM.Config.Disk', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Config.Cloudinit', 'Datastore.AllocateSpace', 'SDN.Use'] },
  ...both('PUT', '/resize', ['VM.Config.Disk', 'Datastore.AllocateSpace']),
  ...both('POST', '/clone', ['VM.Clone', 'VM.Allocate', 'Datastore.AllocateSpace']),
  ...both('POST', '/template', ['VM.Allocate']),
  ...both('DELETE', '', ['VM.Allocate']),
  ...both('POST', '/status/start', ['VM.PowerMgmt']),
  ...both('POST', '/status/stop', ['VM.PowerMgmt']),
  ...both('POST', '/status/shutdown', ['VM.PowerMgmt']),
  ...both('POST', '/status/reboot', ['VM.PowerMgmt']),
  ...both('POST', '/snapshot', ['VM.Snapshot']),
  ...both('DELETE', '/snapshot/{snapname}', ['VM.Snapshot']),
  { method: 'PUT', path: guests('qemu', '/cloudinit'), privs: ['VM.Config.Cloudinit'] },
  { method: 'POST', path: guests('qemu', '/agent/ping'), privs: agent('VM.GuestAgent.Audit') },
  { method: 'POST', path: guests('qemu', '/agent/exec'), privs: agent('VM.GuestAgent.Unrestricted') },
  { method: 'GET', path: guests('qemu', '/agent/exec-status'), privs: agent('VM.GuestAgent.Unrestricted') },
  { method: 'POST', path: guests('qemu', '/agent/file-write'), privs: agent('VM.GuestAgent.FileWrite') },
  ...both('GET', '/firewall/options', ['VM.Audit']),
  ...both('PUT', '/firewall/options', ['VM.Config.Network']),
  ...both('GET', '/firewall/rules', ['VM.Audit']),
  ...both('POST', '/firewall/rules', ['VM.Config.Network']),
  ...both('DELETE', '/firewall/rules/{pos}', ['VM.Config.Network']),
];

export const privsOf = (e: EndpointPrivileges, v: PveMajor): string[] => (typeof e.privs === 'function' ? e.privs(v) : e.privs);

/** The role's privileges for a release: the union over every endpoint, sorted. */
export function rolePrivileges(v: PveMajor): string[] {
  return [...new Set(API_ENDPOINTS.flatMap((e) => privsOf(e, v)))].sort();
}

/**
 * Privileges some configs need beyond the role, each with what needs it: Proxmox checks them on
 * `/` itself, so they are granted there apart.
 */
export const CONDITIONAL_PRIVILEGES: Array<{ priv: string; path: string; when: string; since?: PveMajor }> = [
  // PVE: qemu-server src/PVE/API2/Qemu.pm:$check_vm_modify_config_perm (startup: Sys.Modify on /)
  { priv: 'Sys.Modify', path: '/', when: 'a guest sets boot_order or boot_delay (Proxmox checks `startup` against Sys.Modify on /)' },
  // PVE: apidata-pve9.1.js POST /nodes/{node}/lxc permissions (privileged containers: Sys.Modify on /)
  { priv: 'Sys.Modify', path: '/', when: 'a container is privileged (unprivileged: false)', since: 9 },
];

/** The API path template an actual request path matches (for the coverage test), or undefined. */
export function endpointOf(method: string, path: string): EndpointPrivileges | undefined {
  return API_ENDPOINTS.find((e) => {
    if (e.method !== method) return false;
    const re = new RegExp(`^${e.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return re.test(path);
  });
}
