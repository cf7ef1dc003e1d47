// What a guest learns about itself at start: from the LXC config (Proxmox writes it into the CT)
// or from the cloud-init options of a VM (cloud-init applies it at boot).

import type { GuestIdentity, GuestInterface } from '../guestfs/index.js';
import type { GuestConf } from '../state/conf.js';
import { parseOption } from './normalize.js';

const split = (s?: string) => (s ?? '').split(/[\s,;]+/).filter(Boolean);

export function lxcIdentity(vmid: number, conf: GuestConf): GuestIdentity {
  const interfaces: GuestInterface[] = [];
  for (const key of Object.keys(conf.options).filter((k) => /^net\d+$/.test(k)).sort()) {
    const v = parseOption('lxc', key, conf.options[key]);
    interfaces.push({ name: v.name, ip: v.ip, gw: v.gw, ip6: v.ip6, gw6: v.gw6, hwaddr: v.hwaddr });
  }
  return {
    hostname: conf.options.hostname ?? `CT${vmid}`,
    searchdomain: conf.options.searchdomain,
    nameservers: split(conf.options.nameserver),
    interfaces,
    kind: 'lxc',
  };
}

export function vmIdentity(vmid: number, conf: GuestConf): GuestIdentity {
  const interfaces: GuestInterface[] = [];
  for (const key of Object.keys(conf.options).filter((k) => /^net\d+$/.test(k)).sort()) {
    const n = key.slice(3);
    const net = parseOption('qemu', key, conf.options[key]);
    const ipc = conf.options[`ipconfig${n}`] ? parseOption('qemu', `ipconfig${n}`, conf.options[`ipconfig${n}`]) : {};
    interfaces.push({ name: `eth${n}`, ip: ipc.ip, gw: ipc.gw, ip6: ipc.ip6, gw6: ipc.gw6, hwaddr: net.macaddr });
  }
  return {
    hostname: conf.options.name ?? `VM${vmid}`,
    searchdomain: conf.options.searchdomain,
    nameservers: split(conf.options.nameserver),
    interfaces,
    kind: 'vm',
    ciuser: conf.options.ciuser,
    sshKeys: conf.options.sshkeys ? decodeURIComponent(conf.options.sshkeys) : undefined,
  };
}
