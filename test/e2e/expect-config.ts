// What the config asks for, option by option, checked against the simulator's resulting guest
// config. Written from the config files' own vocabulary (memory_mb, network_config, pct_options,
// lxc_options, zfs_volumes, ...) and the Proxmox option formats, independently of Phoenix's model
// and mapping tables, so a mapping bug shows up here as a named mismatch.

import type { ParsedConf } from './harness.js';
import { propMap } from './harness.js';

type Raw = Record<string, any>;

const sizeG = (v: string | undefined) => propMap(v).size;
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);

function check(out: string[], what: string, have: unknown, want: unknown): void {
  if (String(have) !== String(want)) out.push(`${what}: have ${have === undefined ? '(unset)' : JSON.stringify(have)}, want ${JSON.stringify(want)}`);
}

/** Startup `order=N,up=M` from boot_order / boot_delay. */
function checkStartup(out: string[], options: Record<string, string>, g: Raw): void {
  if (g.boot_order === undefined && g.boot_delay === undefined) return;
  const s = propMap(options.startup);
  if (g.boot_order !== undefined) check(out, 'startup order', s.order, g.boot_order);
  if (g.boot_delay !== undefined) check(out, 'startup up', s.up, g.boot_delay);
}

/** `.fw` content: [OPTIONS] enable, and each rule exactly once per occurrence in the config. */
export function firewallMismatches(fw: string | null, spec: Raw | undefined): string[] {
  const out: string[] = [];
  if (!spec) return out;
  if (fw === null) return ['firewall: no .fw file'];
  const [opts, rules = ''] = fw.split('[RULES]');
  if (!new RegExp(`^enable: ${spec.enabled === false ? 0 : 1}$`, 'm').test(opts)) out.push(`firewall: [OPTIONS] lacks enable: ${spec.enabled === false ? 0 : 1}`);
  const lines = rules
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const rs: Raw[] = spec.rules ?? [];
  if (lines.length !== rs.length) out.push(`firewall: ${lines.length} rule lines, config has ${rs.length} rules`);
  const used = new Set<number>();
  for (const r of rs) {
    const i = lines.findIndex((l, idx) => {
      if (used.has(idx)) return false;
      const [body, comment] = l.split(' # ');
      const words = body.split(/\s+/);
      const opt = (flag: string) => {
        const k = words.indexOf(flag);
        return k < 0 ? undefined : words[k + 1];
      };
      return words[0] === String(r.type).toUpperCase() && words[1] === r.action && opt('-source') === r.source && opt('-dest') === r.dest && opt('-p') === r.proto && opt('-dport') === (r.port ?? r.dport) && (r.comment === undefined || comment === r.comment);
    });
    if (i < 0) out.push(`firewall: no line for rule ${JSON.stringify(r)}`);
    else used.add(i);
  }
  return out;
}

/** Every mismatch between an LXC config entry and the container's .conf (empty = all match). */
export function lxcMismatches(id: number, g: Raw, conf: ParsedConf | null): string[] {
  if (!conf) return [`CT ${id} does not exist`];
  const o = conf.options;
  const out: string[] = [];
  check(out, 'hostname', o.hostname, g.name);
  if (g.memory_mb !== undefined) check(out, 'memory', o.memory, g.memory_mb);
  if (g.cores !== undefined) check(out, 'cores', o.cores, g.cores);
  if (g.swap_mb !== undefined) check(out, 'swap', o.swap, g.swap_mb);
  if (g.start_at_boot !== undefined) check(out, 'onboot', o.onboot, g.start_at_boot ? 1 : 0);
  if (g.unprivileged !== undefined) check(out, 'unprivileged', o.unprivileged ?? '0', g.unprivileged ? 1 : 0);
  checkStartup(out, o, g);
  if (g.storage_size_gb !== undefined) check(out, 'rootfs size', sizeG(o.rootfs), `${g.storage_size_gb}G`);
  if (g.storage_pool !== undefined) check(out, 'rootfs storage', (o.rootfs ?? '').split(':')[0], g.storage_pool);
  const n = g.network_config;
  if (n) {
    const net = propMap(o.net0);
    check(out, 'net0 name', net.name, n.name ?? 'eth0');
    check(out, 'net0 bridge', net.bridge, n.bridge);
    if (n.ip !== undefined) check(out, 'net0 ip', net.ip, n.ip);
    if (n.gw !== undefined) check(out, 'net0 gw', net.gw, n.gw);
    if (g.mac_address) check(out, 'net0 hwaddr', net.hwaddr?.toUpperCase(), String(g.mac_address).toUpperCase());
    if (g.firewall?.enabled) check(out, 'net0 firewall', net.firewall, 1);
    const ns = list(n.nameservers ?? n.nameserver);
    if (ns.length) check(out, 'nameserver', list(o.nameserver).join(' '), ns.join(' '));
  }
  const feats = propMap(o.features);
  for (const opt of list(g.pct_options)) {
    const [k, v] = opt.split('=');
    check(out, `features ${k}`, feats[k], v);
  }
  // Raw lines: each configured line exactly once, and no line twice at all.
  const rawCount = (k: string, v: string) => conf.raw.filter(([a, b]) => a === k && b === v).length;
  for (const line of (g.lxc_options ?? []) as string[]) {
    // `lxc.key=value`, or the `lxc.key:value` spelling the original also accepted.
    const i = line.includes('=') ? line.indexOf('=') : line.indexOf(':');
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    check(out, `raw ${k}=${v} count`, rawCount(k, v), 1);
  }
  if (g.apparmor_profile) check(out, 'raw lxc.apparmor.profile count', conf.raw.filter(([k]) => k === 'lxc.apparmor.profile').length, 1);
  const seen = new Set<string>();
  for (const [k, v] of conf.raw) {
    if (seen.has(`${k}=${v}`)) out.push(`raw ${k}: ${v} appears more than once`);
    seen.add(`${k}=${v}`);
  }
  const gpus = Array.isArray(g.gpu_assignment)
    ? g.gpu_assignment.map(String)
    : g.gpu_assignment && g.gpu_assignment !== 'none'
      ? String(g.gpu_assignment)
          .split(',')
          .map((s) => s.trim())
      : [];
  for (const n of gpus) check(out, `gpu ${n} mount entry`, conf.raw.filter(([k, v]) => k === 'lxc.mount.entry' && v.startsWith(`/dev/nvidia${n} `)).length, 1);
  for (const m of g.id_maps ?? []) {
    const letter = m.type === 'uid' ? 'u' : 'g';
    check(out, `idmap ${letter} ${m.container_id}`, rawCount('lxc.idmap', `${letter} ${m.container_id} ${m.host_id} ${m.size ?? 1}`), 1);
  }
  // Mount points by path: bind mounts and volumes each on exactly one mpN.
  const mps = Object.entries(o)
    .filter(([k]) => /^mp\d+$/.test(k))
    .map(([k, v]): Record<string, string> => ({ ...propMap(v), key: k, volume: v.split(',')[0] }));
  for (const m of g.mount_points ?? []) {
    const at = mps.filter((x) => x.mp === m.container_path);
    if (at.length !== 1) out.push(`mount ${m.container_path}: on ${at.length} mpN`);
    else {
      check(out, `mount ${m.container_path} source`, at[0].volume, m.host_path);
      if (m.read_only) check(out, `mount ${m.container_path} ro`, at[0].ro, 1);
    }
  }
  for (const v of g.zfs_volumes ?? []) {
    const at = mps.filter((x) => x.mp === v.mount_point);
    if (at.length !== 1) out.push(`volume ${v.mount_point}: on ${at.length} mpN`);
    else {
      check(out, `volume ${v.mount_point} storage`, at[0].volume.split(':')[0], v.pool);
      check(out, `volume ${v.mount_point} size`, at[0].size, `${v.size_gb}G`);
    }
  }
  return out;
}

/** Every mismatch between a VM entry (with vm_defaults applied) and the VM's .conf. */
export function vmMismatches(g: Raw, defaults: Raw, conf: ParsedConf | null, host: Raw = {}): string[] {
  if (!conf) return [`VM ${g.vmid} does not exist`];
  const v = { ...defaults, ...g };
  const o = conf.options;
  const out: string[] = [];
  check(out, 'name', o.name, v.name);
  if (v.cores !== undefined) check(out, 'cores', o.cores, v.cores);
  if (v.memory_mb !== undefined) check(out, 'memory', o.memory, v.memory_mb);
  if (v.start_at_boot !== undefined) check(out, 'onboot', o.onboot, v.start_at_boot ? 1 : 0);
  checkStartup(out, o, v);
  check(out, 'template', o.template ?? '0', v.is_template ? 1 : 0);
  if (v.disk_size_gb !== undefined) check(out, 'scsi0 size', sizeG(o.scsi0), `${v.disk_size_gb}G`);
  const net = propMap(o.net0);
  const bridge = v.network_config?.bridge ?? v.network_bridge;
  if (bridge) check(out, 'net0 bridge', net.bridge, bridge);
  if (v.firewall?.enabled) check(out, 'net0 firewall', net.firewall, 1);
  if (v.mac_address) check(out, 'net0 virtio', net.virtio?.toUpperCase(), String(v.mac_address).toUpperCase());
  if (v.user_config?.username) check(out, 'ciuser', o.ciuser, v.user_config.username);
  const n = v.network_config;
  if (n?.ip) {
    const ipc = propMap(o.ipconfig0);
    check(out, 'ipconfig0 ip', ipc.ip, n.ip);
    if (n.gw) check(out, 'ipconfig0 gw', ipc.gw, n.gw);
  }
  if (n?.nameserver) check(out, 'nameserver', o.nameserver, n.nameserver);
  const search = n?.searchdomain ?? host.domain_name;
  if (search) check(out, 'searchdomain', o.searchdomain, search);
  return out;
}
