// What Proxmox writes into a container when it starts (and cloud-init into a VM at boot):
// hostname, the PVE block of /etc/hosts and /etc/resolv.conf, and the network configuration in
// the distribution's own format (ifupdown for Debian, systemd-networkd for Ubuntu). VMs: cloudinit.ts.
import { readGuestMeta } from './root.js';
import { guestRootDir, GuestFsError, type GuestKind } from './paths.js';
import { hostNames, mkdirGuest, readGuestFile, withPveSection, writeGuestFile } from './guestfile.js';
import { writeCloudInitIdentity } from './cloudinit.js';

export interface GuestInterface {
  name: string;
  /** CIDR ('10.0.0.5/24'), 'dhcp', or absent (interface left unconfigured). */
  ip?: string;
  gw?: string;
  /** CIDR, 'dhcp', 'auto' or absent. */
  ip6?: string;
  gw6?: string;
  hwaddr?: string;
}

export interface GuestIdentity {
  hostname: string;
  searchdomain?: string;
  nameservers?: string[];
  interfaces: GuestInterface[];
  /** Defaults to the kind recorded at createGuestRoot. */
  kind?: GuestKind;
  /** VMs: the cloud-init user (ciuser); default 'debian' or 'ubuntu'. */
  ciuser?: string;
  /** Authorized keys: root's for containers (pct --ssh-public-keys), the ciuser's for VMs (sshkeys). */
  sshKeys?: string;
}

const staticIp = (ip?: string): string | undefined => (ip && ip !== 'dhcp' && ip !== 'auto' && ip !== 'manual' ? ip : undefined);

// PVE: pve-container src/PVE/LXC/Setup/Debian.pm:setup_network (`auto <if>`, `iface <if> inet static|dhcp|manual`, inet6; our layout of the file is a stand-in)
export function debianInterfaces(ifaces: GuestInterface[]): string {
  let out = 'auto lo\niface lo inet loopback\n';
  for (const i of ifaces) {
    out += `\nauto ${i.name}\n`;
    if (i.ip === 'dhcp') out += `iface ${i.name} inet dhcp\n`;
    else if (staticIp(i.ip)) {
      out += `iface ${i.name} inet static\n\taddress ${i.ip}\n`;
      if (i.gw) out += `\tgateway ${i.gw}\n`;
    } else out += `iface ${i.name} inet manual\n`;
    if (i.ip6 === 'dhcp' || i.ip6 === 'auto') out += `\niface ${i.name} inet6 ${i.ip6}\n`;
    else if (staticIp(i.ip6)) out += `\niface ${i.name} inet6 static\n\taddress ${i.ip6}\n${i.gw6 ? `\tgateway ${i.gw6}\n` : ''}`;
  }
  return out;
}

// PVE: pve-container src/PVE/LXC/Setup/Base.pm:setup_systemd_networkd ([Match] Name, Description "autoconfigured by PVE", Address/Gateway, DHCP, IPv6AcceptRA)
export function networkdFile(i: GuestInterface): string {
  const dhcp4 = i.ip === 'dhcp';
  const dhcp6 = i.ip6 === 'dhcp';
  let net = `[Match]\nName = ${i.name}\n\n[Network]\nDescription = Interface ${i.name} autoconfigured by PVE\n`;
  if (staticIp(i.ip)) net += `Address = ${i.ip}\n${i.gw ? `Gateway = ${i.gw}\n` : ''}`;
  if (staticIp(i.ip6)) net += `Address = ${i.ip6}\n${i.gw6 ? `Gateway = ${i.gw6}\n` : ''}`;
  net += `DHCP = ${dhcp4 && dhcp6 ? 'both' : dhcp4 ? 'ipv4' : dhcp6 ? 'ipv6' : 'no'}\n`;
  net += `IPv6AcceptRA = ${i.ip6 === 'auto' ? 'true' : 'false'}\n`;
  return net;
}

export async function writeGuestIdentity(stateDir: string, vmid: number | string, id: GuestIdentity): Promise<void> {
  // Stand-in: a guard of the simulator's own (the schema's dns-name format refused a bad hostname long before).
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(id.hostname)) {
    throw new GuestFsError(`invalid hostname '${id.hostname}'`, 'EINVAL');
  }
  const root = guestRootDir(stateDir, vmid);
  const meta = await readGuestMeta(stateDir, vmid);
  if (!meta) throw new GuestFsError(`guest ${vmid} has no root filesystem`, 'ENOENT');
  const kind = id.kind ?? meta.kind;
  if (kind === 'vm') return writeCloudInitIdentity(root, meta.os.id, id);

  // PVE: pve-container src/PVE/LXC/Setup/Base.pm:set_hostname (/etc/hostname gets the name before the first dot)
  await writeGuestFile(root, '/etc/hostname', `${id.hostname.split('.')[0]}\n`);
  // PVE: pve-container src/PVE/LXC/Setup/Base.pm:update_etc_hosts (the primary IP, else 127.0.1.1; our localhost lines: stand-in)
  const ip = staticIp(id.interfaces[0]?.ip)?.split('/')[0];
  const hosts = await readGuestFile(root, '/etc/hosts');
  const hasLo4 = /^\s*127\.0\.0\.1\s+.*localhost/m.test(hosts ?? '');
  const lo = hasLo4 ? '' : '127.0.0.1 localhost.localdomain localhost\n::1 localhost.localdomain localhost\n';
  await writeGuestFile(root, '/etc/hosts', withPveSection(hosts, `${lo}${ip ?? '127.0.1.1'} ${hostNames(id.hostname, id.searchdomain)}\n`));
  // PVE: pve-container src/PVE/LXC/Setup/Base.pm:set_dns (search line, one nameserver line each, inside the PVE section)
  if (id.searchdomain || id.nameservers?.length) {
    let dns = id.searchdomain ? `search ${id.searchdomain}\n` : '';
    for (const ns of id.nameservers ?? []) dns += `nameserver ${ns}\n`;
    await writeGuestFile(root, '/etc/resolv.conf', withPveSection(await readGuestFile(root, '/etc/resolv.conf'), dns));
  }
  if (meta.os.id === 'ubuntu') {
    for (const i of id.interfaces) await writeGuestFile(root, `/etc/systemd/network/${i.name}.network`, networkdFile(i));
  } else {
    await writeGuestFile(root, '/etc/network/interfaces', debianInterfaces(id.interfaces));
  }
  // PVE: pve-container src/PVE/LXC/Setup/Base.pm:post_create_hook (root's authorized_keys; the simulator writes it at start)
  if (id.sshKeys) {
    await mkdirGuest(root, '/root/.ssh', 0o700);
    await writeGuestFile(root, '/root/.ssh/authorized_keys', id.sshKeys.endsWith('\n') ? id.sshKeys : `${id.sshKeys}\n`, { mode: 0o600 });
  }
}
