// Property-string formats of LXC options (pct.conf(5)): net[n], rootfs, mp[n], features, dev[n],
// unused[n]. Written from docs/pct.conf.5-opts.adoc and pct-*-opts.adoc.

import { bool, fmt, int, num, oneOf, required, str } from './dsl.js';
import type { PropertyFormat } from './types.js';

const NAME_PATTERN = '[-_.\\w\\d]+';
const MOUNT_OPT = '(discard|lazytime|noatime|nodev|noexec|nosuid)';

export const lxcNetFormat: PropertyFormat = {
  name: required(str({ pattern: NAME_PATTERN })),
  bridge: str({ pattern: NAME_PATTERN }),
  firewall: bool(),
  gw: fmt('ipv4'),
  gw6: fmt('ipv6'),
  'host-managed': bool(),
  hwaddr: fmt('mac-addr'),
  ip: fmt('pve-ipv4-config'),
  ip6: fmt('pve-ipv6-config'),
  link_down: bool(),
  mtu: int(64, 65535),
  rate: num(),
  tag: int(1, 4094),
  trunks: str({ pattern: '\\d+(?:;\\d+)*' }),
  type: oneOf(['veth']),
};

const volumeCommon: PropertyFormat = {
  acl: bool(),
  mountoptions: str({ pattern: `${MOUNT_OPT}(;${MOUNT_OPT})*` }),
  quota: bool(),
  replicate: bool({ default: 1 }),
  ro: bool(),
  shared: bool({ default: 0 }),
  size: fmt('disk-size'),
};

export const lxcRootfsFormat: PropertyFormat = {
  volume: required(fmt('pve-lxc-mp-string', { default_key: true })),
  ...volumeCommon,
};

export const lxcMountPointFormat: PropertyFormat = {
  volume: required(fmt('pve-lxc-mp-string', { default_key: true })),
  mp: required(fmt('pve-lxc-mp-string')),
  backup: bool(),
  keepattrs: bool({ default: 0 }),
  ...volumeCommon,
};

export const lxcFeaturesFormat: PropertyFormat = {
  force_rw_sys: bool({ default: 0 }),
  fuse: bool({ default: 0 }),
  keyctl: bool({ default: 0 }),
  mknod: bool({ default: 0 }),
  mount: str({ pattern: '[a-zA-Z0-9_; ]+' }),
  nesting: bool({ default: 0 }),
};

export const lxcDevFormat: PropertyFormat = {
  path: fmt('pve-lxc-dev-string', { default_key: true }),
  'deny-write': bool({ default: 0 }),
  gid: int(0),
  mode: str({ pattern: '0[0-7]{3}' }),
  uid: int(0),
};

export const lxcUnusedFormat: PropertyFormat = {
  volume: required(fmt('pve-volume-id', { default_key: true })),
};
