// Stand-in: cloud-init's own behaviour inside the image (Proxmox only writes the cloud-init drive;
// what it holds is cited in frontend/identity.ts from qemu-server's Cloudinit.pm).
// What cloud-init writes in a VM from Proxmox's cloud-init drive (ciuser, sshkeys, ipconfigN,
// nameserver, searchdomain): hostname, /etc/hosts (manage_etc_hosts), the network config in the
// image's renderer (netplan on Ubuntu, ENI on Debian 12 cloud images), resolv.conf, the user.
import type { GuestIdentity, GuestInterface } from './identity.js';
import { hostNames, mkdirGuest, readGuestFile, writeGuestFile } from './guestfile.js';

const HEADER =
  '# This file is generated from information provided by the datasource.  Changes\n' +
  "# to it will not persist across an instance reboot.  To disable cloud-init's\n" +
  '# network configuration capabilities, write a file\n' +
  '# /etc/cloud/cloud.cfg.d/99-disable-network-config.cfg with the following:\n' +
  '# network: {config: disabled}\n';

const isStatic = (ip?: string): ip is string => !!ip && ip.includes('/');

export function netplanYaml(id: GuestIdentity): string {
  let y = `${HEADER}network:\n    version: 2\n    ethernets:\n`;
  for (const i of id.interfaces) {
    y += `        ${i.name}:\n`;
    const addrs = [i.ip, i.ip6].filter(isStatic);
    if (addrs.length) y += `            addresses:\n${addrs.map((a) => `            - ${a}\n`).join('')}`;
    if (i.ip === 'dhcp') y += '            dhcp4: true\n';
    if (i.ip6 === 'dhcp') y += '            dhcp6: true\n';
    if (i.hwaddr) y += `            match:\n                macaddress: '${i.hwaddr.toLowerCase()}'\n`;
    if (id.nameservers?.length || id.searchdomain) {
      y += '            nameservers:\n';
      if (id.nameservers?.length) y += `                addresses:\n${id.nameservers.map((n) => `                - ${n}\n`).join('')}`;
      if (id.searchdomain) y += `                search:\n                - ${id.searchdomain}\n`;
    }
    const routes = [i.gw && `            -   to: default\n                via: ${i.gw}\n`, i.gw6 && `            -   to: default\n                via: ${i.gw6}\n`].filter(Boolean);
    if (routes.length) y += `            routes:\n${routes.join('')}`;
    if (i.hwaddr) y += `            set-name: ${i.name}\n`;
  }
  return y;
}

export function eniCloudInit(id: GuestIdentity): string {
  let out = `${HEADER}auto lo\niface lo inet loopback\n`;
  if (id.nameservers?.length) out += `    dns-nameservers ${id.nameservers.join(' ')}\n`;
  if (id.searchdomain) out += `    dns-search ${id.searchdomain}\n`;
  for (const i of id.interfaces as GuestInterface[]) {
    out += `\nauto ${i.name}\n`;
    if (isStatic(i.ip)) out += `iface ${i.name} inet static\n    address ${i.ip}\n${i.gw ? `    gateway ${i.gw}\n` : ''}`;
    else out += `iface ${i.name} inet dhcp\n`;
    if (isStatic(i.ip6)) out += `\niface ${i.name} inet6 static\n    address ${i.ip6}\n${i.gw6 ? `    gateway ${i.gw6}\n` : ''}`;
    else if (i.ip6 === 'dhcp' || i.ip6 === 'auto') out += `\niface ${i.name} inet6 ${i.ip6}\n`;
  }
  return out;
}

function hostsFile(id: GuestIdentity): string {
  return (
    "# Your system has configured 'manage_etc_hosts' as True.\n" +
    '# As a result, if you wish for changes to this file to persist\n' +
    '# then you will need to either\n' +
    '# a.) make changes to the master file in /etc/cloud/templates/hosts.debian.tmpl\n' +
    "# b.) change or remove the value of 'manage_etc_hosts' in\n" +
    '#     /etc/cloud/cloud.cfg or cloud-config from user-data\n#\n' +
    `127.0.1.1 ${hostNames(id.hostname, id.searchdomain)}\n127.0.0.1 localhost\n\n` +
    '# The following lines are desirable for IPv6 capable hosts\n' +
    '::1 localhost ip6-localhost ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n'
  );
}

/** Add the cloud-init default user (uid 1000+, sudo) unless it exists; returns its uid/gid. */
async function ensureUser(root: string, user: string): Promise<number> {
  const passwd = (await readGuestFile(root, '/etc/passwd')) ?? '';
  const existing = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
  if (existing) return Number(existing.split(':')[2]);
  const used = passwd
    .split('\n')
    .map((l) => Number(l.split(':')[2]))
    .filter((n) => n >= 1000 && n < 60000);
  const uid = used.length ? Math.max(...used) + 1 : 1000;
  await writeGuestFile(root, '/etc/passwd', `${passwd}${user}:x:${uid}:${uid}::/home/${user}:/bin/bash\n`);
  const group = (await readGuestFile(root, '/etc/group')) ?? '';
  const withSudo = group.replace(/^sudo:x:27:(.*)$/m, (_l, m: string) => `sudo:x:27:${m ? `${m},` : ''}${user}`);
  await writeGuestFile(root, '/etc/group', `${withSudo}${user}:x:${uid}:\n`);
  const shadow = (await readGuestFile(root, '/etc/shadow')) ?? '';
  await writeGuestFile(root, '/etc/shadow', `${shadow}${user}:!:19700:0:99999:7:::\n`, { mode: 0o640 });
  await mkdirGuest(root, `/home/${user}`, 0o750, uid, uid);
  return uid;
}

export async function writeCloudInitIdentity(root: string, os: 'debian' | 'ubuntu', id: GuestIdentity): Promise<void> {
  await writeGuestFile(root, '/etc/hostname', `${id.hostname.split('.')[0]}\n`);
  await writeGuestFile(root, '/etc/hosts', hostsFile(id));
  if (os === 'ubuntu') {
    await writeGuestFile(root, '/etc/netplan/50-cloud-init.yaml', netplanYaml(id), { mode: 0o600 });
    await writeGuestFile(root, '/etc/resolv.conf', `nameserver 127.0.0.53\noptions edns0 trust-ad\n${id.searchdomain ? `search ${id.searchdomain}\n` : ''}`);
  } else {
    await writeGuestFile(root, '/etc/network/interfaces.d/50-cloud-init', eniCloudInit(id));
    const dns = `${id.searchdomain ? `search ${id.searchdomain}\n` : ''}${(id.nameservers ?? []).map((n) => `nameserver ${n}\n`).join('')}`;
    if (dns) await writeGuestFile(root, '/etc/resolv.conf', dns);
  }
  const user = id.ciuser ?? os;
  const uid = await ensureUser(root, user);
  if (id.sshKeys) {
    await mkdirGuest(root, `/home/${user}/.ssh`, 0o700, uid, uid);
    const keys = id.sshKeys.endsWith('\n') ? id.sshKeys : `${id.sshKeys}\n`;
    await writeGuestFile(root, `/home/${user}/.ssh/authorized_keys`, keys, { mode: 0o600, uid, gid: uid });
  }
  await writeGuestFile(root, '/var/lib/cloud/instance/boot-finished', `${new Date().toISOString()} - v. 23.1.2\n`);
}
