// Every pct/qm subcommand Phoenix and the simulator use: its positional arguments, its options and
// the API call behind it. Written from docs/pct.1-synopsis.adoc and qm.1-synopsis.adoc. Aliases
// (`qm importdisk` → `disk import`, `qm resize` → `disk resize`, `qm agent` → `guest cmd`) resolve
// to the command they name, as PVE's CLIHandler does.

import { bool, fmt, int, num, oneOf, required, snapname, str, vmid } from './dsl.js';
import { LXC_RESIZE_DISKS, lxcConfigOptions, lxcCreateOnly, lxcIndexed, lxcSetOnly } from './options-lxc.js';
import { QEMU_RESIZE_DISKS, QEMU_TEMPLATE_DISKS, qemuConfigOptions, qemuCreateOnly, qemuIndexed, qemuSetOnly } from './options-qemu.js';
import { qemuMachineFormat } from './formats-qemu.js';
import type { CommandSpec, ParamSchema } from './types.js';

type Tool = 'pct' | 'qm';
const CT = '/nodes/{node}/lxc';
const VM = '/nodes/{node}/qemu';
const RESIZE_SIZE = required(str({ pattern: '\\+?\\d+(\\.\\d+)?[KMGT]?' }));
const EXTRA_ARGS: ParamSchema = { optional: true };
const skiplock = bool();
const QGA_COMMANDS = [
  'fsfreeze-freeze',
  'fsfreeze-status',
  'fsfreeze-thaw',
  'fstrim',
  'get-fsinfo',
  'get-host-name',
  'get-memory-block-info',
  'get-memory-blocks',
  'get-osinfo',
  'get-time',
  'get-timezone',
  'get-users',
  'get-vcpus',
  'info',
  'network-get-interfaces',
  'ping',
  'shutdown',
  'suspend-disk',
  'suspend-hybrid',
  'suspend-ram',
];

type Def = Omit<CommandSpec, 'tool' | 'name'>;
const cmd = (argParams: string[], params: Record<string, ParamSchema>, api?: CommandSpec['api'], indexed?: CommandSpec['indexed']): Def => ({
  argParams,
  params,
  ...(api ? { api } : {}),
  ...(indexed ? { indexed } : {}),
});

const PCT: Record<string, Def> = {
  create: cmd(['vmid', 'ostemplate'], { vmid: vmid(), ostemplate: required(str({ maxLength: 255 })), ...lxcConfigOptions, ...lxcCreateOnly }, { method: 'POST', path: CT }, lxcIndexed),
  set: cmd(['vmid'], { vmid: vmid(), ...lxcConfigOptions, ...lxcSetOnly }, { method: 'PUT', path: `${CT}/{vmid}/config` }, lxcIndexed),
  clone: cmd(
    ['vmid', 'newid'],
    {
      vmid: vmid(),
      newid: required(int(100, 999_999_999, { format: 'pve-vmid' })),
      bwlimit: num(0),
      description: str(),
      full: bool(),
      hostname: fmt('dns-name'),
      pool: fmt('pve-poolid'),
      snapname: str({ format: 'pve-configid', maxLength: 40 }),
      storage: fmt('pve-storage-id'),
      target: fmt('pve-node'),
    },
    { method: 'POST', path: `${CT}/{vmid}/clone` },
  ),
  resize: cmd(['vmid', 'disk', 'size'], { vmid: vmid(), disk: required(oneOf(LXC_RESIZE_DISKS)), size: RESIZE_SIZE, digest: str({ maxLength: 40 }) }, { method: 'PUT', path: `${CT}/{vmid}/resize` }),
  start: cmd(['vmid'], { vmid: vmid(), debug: bool({ default: 0 }), skiplock }, { method: 'POST', path: `${CT}/{vmid}/status/start` }),
  stop: cmd(['vmid'], { vmid: vmid(), 'overrule-shutdown': bool({ default: 0 }), skiplock }, { method: 'POST', path: `${CT}/{vmid}/status/stop` }),
  shutdown: cmd(['vmid'], { vmid: vmid(), forceStop: bool({ default: 0 }), timeout: int(0, undefined, { default: 60 }) }, { method: 'POST', path: `${CT}/{vmid}/status/shutdown` }),
  reboot: cmd(['vmid'], { vmid: vmid(), timeout: int(0) }, { method: 'POST', path: `${CT}/{vmid}/status/reboot` }),
  destroy: cmd(['vmid'], { vmid: vmid(), 'destroy-unreferenced-disks': bool(), force: bool({ default: 0 }), purge: bool({ default: 0 }) }, { method: 'DELETE', path: `${CT}/{vmid}` }),
  snapshot: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), description: str() }, { method: 'POST', path: `${CT}/{vmid}/snapshot` }),
  delsnapshot: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), force: bool() }, { method: 'DELETE', path: `${CT}/{vmid}/snapshot/{snapname}` }),
  listsnapshot: cmd(['vmid'], { vmid: vmid() }, { method: 'GET', path: `${CT}/{vmid}/snapshot` }),
  pending: cmd(['vmid'], { vmid: vmid() }, { method: 'GET', path: `${CT}/{vmid}/pending` }),
  rollback: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), start: bool({ default: 0 }) }, { method: 'POST', path: `${CT}/{vmid}/snapshot/{snapname}/rollback` }),
  template: cmd(['vmid'], { vmid: vmid() }, { method: 'POST', path: `${CT}/{vmid}/template` }),
  status: cmd(['vmid'], { vmid: vmid(), verbose: bool() }, { method: 'GET', path: `${CT}/{vmid}/status/current` }),
  list: cmd([], {}, { method: 'GET', path: CT }),
  config: cmd(['vmid'], { vmid: vmid(), current: bool({ default: 0 }), snapshot: str({ format: 'pve-configid', maxLength: 40 }) }, { method: 'GET', path: `${CT}/{vmid}/config` }),
  exec: cmd(['vmid', 'extra-args'], { vmid: vmid(), 'extra-args': EXTRA_ARGS, 'keep-env': bool({ default: 1 }) }),
  push: cmd(['vmid', 'file', 'destination'], { vmid: vmid(), file: required(str()), destination: required(str()), group: str(), perms: str(), user: str() }),
  pull: cmd(['vmid', 'path', 'destination'], { vmid: vmid(), path: required(str()), destination: required(str()), group: str(), perms: str(), user: str() }),
};

const QM: Record<string, Def> = {
  create: cmd(['vmid'], { vmid: vmid(), ...qemuConfigOptions, ...qemuCreateOnly }, { method: 'POST', path: VM }, qemuIndexed),
  set: cmd(['vmid'], { vmid: vmid(), ...qemuConfigOptions, ...qemuSetOnly }, { method: 'PUT', path: `${VM}/{vmid}/config` }, qemuIndexed),
  clone: cmd(
    ['vmid', 'newid'],
    {
      vmid: vmid(),
      newid: required(int(100, 999_999_999, { format: 'pve-vmid' })),
      bwlimit: int(0),
      description: str(),
      format: oneOf(['raw', 'qcow2', 'vmdk']),
      full: bool(),
      name: fmt('dns-name'),
      pool: fmt('pve-poolid'),
      snapname: str({ format: 'pve-configid', maxLength: 40 }),
      storage: fmt('pve-storage-id'),
      target: fmt('pve-node'),
    },
    { method: 'POST', path: `${VM}/{vmid}/clone` },
  ),
  'disk resize': cmd(['vmid', 'disk', 'size'], { vmid: vmid(), disk: required(oneOf(QEMU_RESIZE_DISKS)), size: RESIZE_SIZE, digest: str({ maxLength: 40 }), skiplock }, { method: 'PUT', path: `${VM}/{vmid}/resize` }),
  start: cmd(
    ['vmid'],
    {
      vmid: vmid(),
      'force-cpu': str(),
      machine: fmt(qemuMachineFormat),
      migratedfrom: fmt('pve-node'),
      migration_network: fmt('CIDR'),
      migration_type: oneOf(['secure', 'insecure']),
      'nets-host-mtu': str({ pattern: 'net\\d+=\\d+(,net\\d+=\\d+)*' }),
      skiplock,
      stateuri: str({ maxLength: 128 }),
      targetstorage: fmt('storage-pair-list'),
      timeout: int(0),
      'with-conntrack-state': bool({ default: 0 }),
    },
    { method: 'POST', path: `${VM}/{vmid}/status/start` },
  ),
  stop: cmd(['vmid'], { vmid: vmid(), keepActive: bool({ default: 0 }), migratedfrom: fmt('pve-node'), 'overrule-shutdown': bool({ default: 0 }), skiplock, timeout: int(0) }, { method: 'POST', path: `${VM}/{vmid}/status/stop` }),
  shutdown: cmd(['vmid'], { vmid: vmid(), forceStop: bool({ default: 0 }), keepActive: bool({ default: 0 }), skiplock, timeout: int(0) }, { method: 'POST', path: `${VM}/{vmid}/status/shutdown` }),
  reboot: cmd(['vmid'], { vmid: vmid(), timeout: int(0) }, { method: 'POST', path: `${VM}/{vmid}/status/reboot` }),
  destroy: cmd(['vmid'], { vmid: vmid(), 'destroy-unreferenced-disks': bool({ default: 0 }), purge: bool(), skiplock }, { method: 'DELETE', path: `${VM}/{vmid}` }),
  snapshot: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), description: str(), vmstate: bool() }, { method: 'POST', path: `${VM}/{vmid}/snapshot` }),
  delsnapshot: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), force: bool() }, { method: 'DELETE', path: `${VM}/{vmid}/snapshot/{snapname}` }),
  listsnapshot: cmd(['vmid'], { vmid: vmid() }, { method: 'GET', path: `${VM}/{vmid}/snapshot` }),
  pending: cmd(['vmid'], { vmid: vmid() }, { method: 'GET', path: `${VM}/{vmid}/pending` }),
  rollback: cmd(['vmid', 'snapname'], { vmid: vmid(), snapname: snapname(), start: bool({ default: 0 }) }, { method: 'POST', path: `${VM}/{vmid}/snapshot/{snapname}/rollback` }),
  template: cmd(['vmid'], { vmid: vmid(), disk: oneOf(QEMU_TEMPLATE_DISKS) }, { method: 'POST', path: `${VM}/{vmid}/template` }),
  status: cmd(['vmid'], { vmid: vmid(), verbose: bool() }, { method: 'GET', path: `${VM}/{vmid}/status/current` }),
  list: cmd([], { full: bool() }, { method: 'GET', path: VM }),
  config: cmd(['vmid'], { vmid: vmid(), current: bool({ default: 0 }), snapshot: str({ format: 'pve-configid', maxLength: 40 }) }, { method: 'GET', path: `${VM}/{vmid}/config` }),
  // Local command: checks its own arguments, then imports through the storage layer.
  'disk import': cmd(['vmid', 'source', 'storage'], {
    vmid: vmid(),
    source: required(str()),
    storage: required(fmt('pve-storage-id')),
    format: oneOf(['qcow2', 'raw', 'vmdk']),
    'target-disk': oneOf([...QEMU_TEMPLATE_DISKS, ...Array.from({ length: 256 }, (_, i) => `unused${i}`)]),
  }),
  'cloudinit update': cmd(['vmid'], { vmid: vmid() }, { method: 'PUT', path: `${VM}/{vmid}/cloudinit` }),
  'guest cmd': cmd(['vmid', 'command'], { vmid: vmid(), command: required(oneOf(QGA_COMMANDS)) }, { method: 'POST', path: `${VM}/{vmid}/agent` }),
  'guest exec': cmd(['vmid', 'extra-args'], { vmid: vmid(), 'extra-args': EXTRA_ARGS, 'pass-stdin': bool({ default: 0 }), synchronous: bool({ default: 1 }), timeout: int(0, undefined, { default: 30 }) }),
};

/** CLIHandler aliases: the word the user types → the command it runs. */
const ALIASES: Record<Tool, Record<string, string>> = {
  pct: {},
  qm: { importdisk: 'disk import', resize: 'disk resize', agent: 'guest cmd' },
};

const TABLE: Record<Tool, Record<string, Def>> = { pct: PCT, qm: QM };
const cache = new Map<string, CommandSpec>();

/** The spec of `tool name` (aliases resolved), or undefined when we do not support it. */
export function getCommand(tool: Tool, name: string): CommandSpec | undefined {
  const real = ALIASES[tool][name] ?? name;
  const def = TABLE[tool][real];
  if (!def) return undefined;
  const key = `${tool} ${real}`;
  let spec = cache.get(key);
  if (!spec) {
    spec = { tool, name: real, ...def };
    cache.set(key, spec);
  }
  return spec;
}

/** Every supported subcommand name of a tool (aliases included), longest first for matching. */
export function commandNames(tool: Tool): string[] {
  return [...Object.keys(TABLE[tool]), ...Object.keys(ALIASES[tool])].sort((a, b) => b.split(' ').length - a.split(' ').length || a.localeCompare(b));
}

/** All parameters of a command with indexed families expanded (`net0`..`net255`). */
export function expandedParams(spec: CommandSpec): Record<string, ParamSchema> {
  const out: Record<string, ParamSchema> = { ...spec.params };
  for (const fam of spec.indexed ?? []) for (let i = 0; i <= fam.max; i++) out[`${fam.prefix}${i}`] = fam.schema;
  return out;
}

/** The short usage line PVE prints after a parameter error (`pct create <vmid> <ostemplate> [OPTIONS]`). */
export function usageLine(spec: CommandSpec): string {
  const args = spec.argParams.map((a) => (a === 'extra-args' ? '[<extra-args>]' : `<${a}>`));
  const hasOptions = Object.keys(spec.params).some((p) => !spec.argParams.includes(p)) || (spec.indexed?.length ?? 0) > 0;
  return [spec.tool, spec.name, ...args, ...(hasOptions ? ['[OPTIONS]'] : [])].join(' ');
}

/** Usage line by name (`usageFor('qm', 'importdisk')` → `qm disk import <vmid> <source> <storage> [OPTIONS]`). */
export function usageFor(tool: Tool, name: string): string | undefined {
  const spec = getCommand(tool, name);
  return spec && usageLine(spec);
}
