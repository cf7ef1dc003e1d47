// What a guest learns about itself at start: from the LXC config (Proxmox writes it into the CT)
// or from the cloud-init options of a VM (cloud-init applies it at boot).

import type { GuestIdentity, GuestInterface } from '../guestfs/index.js';
import type { GuestConf } from '../state/conf.js';
import { parseOption } from './normalize.js';

/** PVE::Tools::split_list: commas, semicolons or white space. */
const splitList = (s?: string) => (s ?? '').split(/[\s,;]+/).filter(Boolean);
/** Perl's split(/\s+/): white space only (a comma-joined list stays one word). */
const splitWords = (s?: string) => (s ?? '').split(/\s+/).filter(Boolean);

export function lxcIdentity(vmid: number, conf: GuestConf): GuestIdentity {
  const interfaces: GuestInterface[] = [];
  for (const key of Object.keys(conf.options)
    .filter((k) => /^net\d+$/.test(k))
    .sort()) {
    const v = parseOption('lxc', key, conf.options[key]);
    interfaces.push({ name: v.name, ip: v.ip, gw: v.gw, ip6: v.ip6, gw6: v.gw6, hwaddr: v.hwaddr });
  }
  return {
    // PVE: pve-container src/PVE/LXC/Setup/Base.pm:set_hostname (no hostname: 'localhost'), set_dns (split_list)
    hostname: conf.options.hostname || 'localhost',
    searchdomain: conf.options.searchdomain,
    nameservers: splitList(conf.options.nameserver),
    interfaces,
    kind: 'lxc',
  };
}

export function vmIdentity(vmid: number, conf: GuestConf): GuestIdentity {
  const interfaces: GuestInterface[] = [];
  for (const key of Object.keys(conf.options)
    .filter((k) => /^net\d+$/.test(k))
    .sort()) {
    const n = key.slice(3);
    const net = parseOption('qemu', key, conf.options[key]);
    const ipc = conf.options[`ipconfig${n}`] ? parseOption('qemu', `ipconfig${n}`, conf.options[`ipconfig${n}`]) : {};
    // PVE: qemu-server src/PVE/QemuServer/Cloudinit.pm:configdrive2_network, nocloud_network_v2 (ipconfigN for netN; eth<N>: stand-in, cloud-init matches by MAC)
    interfaces.push({ name: `eth${n}`, ip: ipc.ip, gw: ipc.gw, ip6: ipc.ip6, gw6: ipc.gw6, hwaddr: net.macaddr });
  }
  return {
    // PVE: qemu-server src/PVE/QemuServer/Cloudinit.pm:get_hostname_fqdn (name // "VM<vmid>"), get_dns_conf (split /\s+/)
    hostname: conf.options.name ?? `VM${vmid}`,
    searchdomain: conf.options.searchdomain,
    nameservers: splitWords(conf.options.nameserver),
    interfaces,
    kind: 'vm',
    ciuser: conf.options.ciuser,
    // PVE: qemu-server src/PVE/QemuServer/Cloudinit.pm:cloudinit_userdata (ciuser, sshkeys URI-unescaped)
    sshKeys: conf.options.sshkeys ? decodeURIComponent(conf.options.sshkeys) : undefined,
  };
}
