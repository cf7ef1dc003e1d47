// LXC container options (pct.conf(5)) as `pct create` and `pct set` accept them, plus the
// options only one of the two takes. Indexed families: net[n] 0..31, mp[n] 0..255, dev[n] 0..255,
// unused[n] 0..255. Written from docs/pct.conf.5-opts.adoc and pct.1-synopsis.adoc.

import { bool, fmt, int, num, oneOf, str } from './dsl.js';
import { lxcDevFormat, lxcFeaturesFormat, lxcMountPointFormat, lxcNetFormat, lxcRootfsFormat, lxcUnusedFormat } from './formats-lxc.js';
import type { IndexedOption, ParamSchema } from './types.js';

export const LXC_OSTYPES = ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged'] as const;
export const LXC_LOCKS = ['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted', 'rollback', 'snapshot', 'snapshot-delete'] as const;
const CTRL_FREE = '[^\\x00-\\x08\\x10-\\x1F\\x7F]+';

/** Options stored in the container config, accepted by both create and set. */
export const lxcConfigOptions: Record<string, ParamSchema> = {
  arch: oneOf(['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'], { default: 'amd64' }),
  cmode: oneOf(['shell', 'console', 'tty'], { default: 'tty' }),
  console: bool({ default: 1 }),
  cores: int(1, 8192),
  cpulimit: num(0, 8192, { default: 0 }),
  cpuunits: int(0, 500000),
  debug: bool({ default: 0 }),
  description: str({ maxLength: 8192 }),
  entrypoint: str({ pattern: CTRL_FREE, default: '/sbin/init' }),
  env: str({ pattern: `(?:\\w+=[^\\x00-\\x08\\x10-\\x1F\\x7F]*)(?:\\0\\w+=[^\\x00-\\x08\\x10-\\x1F\\x7F]*)*` }),
  features: fmt(lxcFeaturesFormat),
  hookscript: fmt('pve-volume-id'),
  hostname: fmt('dns-name', { maxLength: 255 }),
  lock: oneOf(LXC_LOCKS),
  memory: int(16, undefined, { default: 512 }),
  nameserver: fmt('lxc-ip-with-ll-iface-list'),
  onboot: bool({ default: 0 }),
  ostype: oneOf(LXC_OSTYPES),
  protection: bool({ default: 0 }),
  rootfs: fmt(lxcRootfsFormat),
  searchdomain: fmt('dns-name-list'),
  startup: fmt('pve-startup-order'),
  swap: int(0, undefined, { default: 512 }),
  tags: fmt('pve-tag-list'),
  template: bool({ default: 0 }),
  timezone: fmt('pve-ct-timezone'),
  tty: int(0, 6, { default: 2 }),
  unprivileged: bool({ default: 0 }),
};

export const lxcIndexed: readonly IndexedOption[] = [
  // PVE: pve-container src/PVE/LXC/Config.pm:$MAX_LXC_NETWORKS (32: net0..net31)
  { prefix: 'net', max: 31, schema: fmt(lxcNetFormat) },
  { prefix: 'mp', max: 255, schema: fmt(lxcMountPointFormat) },
  { prefix: 'dev', max: 255, schema: fmt(lxcDevFormat) },
  { prefix: 'unused', max: 255, schema: fmt(lxcUnusedFormat) },
];

/** Options only `pct create` takes (besides vmid/ostemplate). */
export const lxcCreateOnly: Record<string, ParamSchema> = {
  bwlimit: num(0),
  force: bool(),
  'ha-managed': bool({ default: 0 }),
  'ignore-unpack-errors': bool(),
  password: str(),
  pool: fmt('pve-poolid'),
  restore: bool(),
  'ssh-public-keys': str(),
  start: bool({ default: 0 }),
  storage: fmt('pve-storage-id', { default: 'local' }),
  unique: bool(),
};

/** Options only `pct set` takes. */
export const lxcSetOnly: Record<string, ParamSchema> = {
  delete: fmt('pve-configid-list'),
  digest: str({ maxLength: 40 }),
  revert: fmt('pve-configid-list'),
};

/** The disks `pct resize` accepts: rootfs and mp0..mp255. */
export const LXC_RESIZE_DISKS: readonly string[] = ['rootfs', ...Array.from({ length: 256 }, (_, i) => `mp${i}`)];
