// Each REST API request the simulator answers, mapped to the pct/qm/pvesh call the CLI front-end
// would get for it (the API and the CLI share parameter names: pct/qm are thin clients of the same
// API handlers), and the CLI's answer turned back into the API's shape. Paths, methods and which
// calls answer a UPID are Proxmox's (apidata-pve9.1.js `returns`); the handlers named below.
//
// PVE: pve-container src/PVE/API2/LXC.pm, src/PVE/API2/LXC/Config.pm, src/PVE/API2/LXC/Status.pm,
//      src/PVE/API2/LXC/Snapshot.pm; qemu-server PVE/API2/Qemu.pm, PVE/API2/Qemu/Agent.pm;
//      pve-manager PVE/API2/Tasks.pm, PVE/API2/Storage/Content.pm, PVE/API2/Nodes.pm:download_url

import { parseConfig } from '../../proxmox/cli/parse/config.js';
import { parsePctList, parseQmList } from '../../proxmox/cli/parse/list.js';
import { parseSnapshotList } from '../../proxmox/cli/parse/snapshots.js';
import { parseStatusLines } from '../../proxmox/cli/parse/status.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Params = Record<string, string | string[]>;

export interface Mapped {
  /** The CLI call; `keys` lists parameters whose text the CLI takes as a file (written for the call). */
  argv: string[];
  stdin?: string;
  keyParam?: { name: string; text: string };
  /** 'task': answered with a UPID at once, the call runs as the task; 'sync': answered with `parse(stdout)`. */
  mode: 'task' | 'sync';
  taskType?: string;
  taskId?: string;
  parse?: (stdout: string) => unknown;
}

export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const one = (p: Params, k: string): string | undefined => {
  const v = p[k];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

/** `--key value` for every parameter but the ones named (path parameters and positionals). */
function opts(p: Params, skip: string[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(p)) {
    if (skip.includes(k)) continue;
    for (const x of Array.isArray(v) ? v : [v]) out.push(`--${k}`, x);
  }
  return out;
}

/** pct pending / qm pending text → the API's rows (GuestHelpers.pm:format_pending prints them). */
function pendingRows(text: string): Array<Record<string, unknown>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const line of text.split('\n')) {
    const m = /^(cur|new|del) ([^:]+): ?(.*)$/.exec(line);
    if (!m) continue;
    const r = rows.get(m[2]) ?? { key: m[2] };
    if (m[1] === 'cur') r.value = m[3];
    else if (m[1] === 'new') r.pending = m[3];
    else r.delete = 1;
    rows.set(m[2], r);
  }
  return [...rows.values()];
}

function configObject(text: string): Record<string, unknown> {
  const c = parseConfig(text);
  return { ...c.options, ...(c.rawLxc.length ? { lxc: c.rawLxc } : {}), digest: '0'.repeat(40) };
}

const TOOL = { lxc: 'pct', qemu: 'qm' } as const;
const VZ = { lxc: 'vz', qemu: 'qm' } as const;

/** Maps one request; throws RouteError(501) for what the simulator does not answer. */
export type Local = { local: 'version' | 'nodes' | 'task-status' | 'task-log'; upid?: string } | { local: 'firewall'; vmid: number; rest: string[] };

export function mapRequest(method: Method, path: string, p: Params, node: string): Mapped | Local {
  if (method === 'GET' && path === '/version') return { local: 'version' };
  if (method === 'GET' && path === '/nodes') return { local: 'nodes' };
  // PVE: pve-manager PVE/API2/Cluster.pm:resources (the same handler `pvesh get` runs)
  if (method === 'GET' && path === '/cluster/resources') return { argv: ['pvesh', 'get', '/cluster/resources', ...opts(p, []), '--output-format', 'json'], mode: 'sync', parse: (s) => JSON.parse(s || '[]') };
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  if (parts[0] !== 'nodes' || !parts[1]) throw new RouteError(501, `Method '${method} ${path}' not implemented`);
  if (parts[1] !== node) throw new RouteError(595, `no such cluster node '${parts[1]}'`);
  const [, , area, a, b, c, d] = parts;

  if (area === 'tasks' && a && method === 'GET' && (b === 'status' || b === 'log') && !c) return { local: b === 'status' ? 'task-status' : 'task-log', upid: a };

  // The node's storages, bridges and memory (preflight): what `pvesh get` answers for the same path.
  if (method === 'GET' && !a && (area === 'storage' || area === 'network' || area === 'status')) {
    return { argv: ['pvesh', 'get', `/nodes/${node}/${area}`, ...opts(p, []), '--output-format', 'json'], mode: 'sync', parse: (s) => JSON.parse(s || 'null') };
  }
  if (area === 'storage' && a) {
    if (method === 'GET' && b === 'content' && !c) {
      return { argv: ['pvesh', 'get', `/nodes/${node}/storage/${a}/content`, ...opts(p, []), '--output-format', 'json'], mode: 'sync', parse: (s) => JSON.parse(s || '[]') };
    }
    if (method === 'POST' && b === 'download-url' && !c) {
      return { argv: ['pvesh', 'create', `/nodes/${node}/storage/${a}/download-url`, ...opts(p, [])], mode: 'task', taskType: 'download', taskId: a };
    }
  }

  if (area !== 'lxc' && area !== 'qemu') throw new RouteError(501, `Method '${method} ${path}' not implemented`);
  const tool = TOOL[area];
  const vz = VZ[area];
  if (a === undefined) {
    if (method === 'GET') return { argv: [tool, 'list'], mode: 'sync', parse: (s) => (area === 'lxc' ? parsePctList(s) : parseQmList(s)).map((e) => ({ vmid: e.vmid, name: e.name, status: e.status, ...(e.lock ? { lock: e.lock } : {}) })) };
    if (method === 'POST') {
      const vmid = one(p, 'vmid') ?? '';
      const keyName = area === 'lxc' ? 'ssh-public-keys' : 'sshkeys';
      const keyText = one(p, keyName);
      const positional = area === 'lxc' ? [vmid, one(p, 'ostemplate') ?? ''] : [vmid];
      return {
        argv: [tool, 'create', ...positional, ...opts(p, ['vmid', 'ostemplate', keyName])],
        ...(keyText !== undefined ? { keyParam: { name: keyName, text: area === 'qemu' ? decodeURIComponent(keyText) : keyText } } : {}),
        mode: 'task',
        taskType: `${vz}create`,
        taskId: vmid,
      };
    }
  }
  if (a !== undefined && !/^\d+$/.test(a)) throw new RouteError(400, `vmid: type check ('integer') failed - got '${a}'`);
  const vmid = a!;
  // The firewall's endpoints read and write the guest's .fw file (sim/api/firewall.ts).
  if (b === 'firewall') return { local: 'firewall', vmid: Number(vmid), rest: parts.slice(5) };
  const task = (argv: string[], type: string): Mapped => ({ argv, mode: 'task', taskType: type, taskId: vmid });
  const sync = (argv: string[], parse: (s: string) => unknown = () => null): Mapped => ({ argv, mode: 'sync', parse });

  if (b === undefined && method === 'DELETE') return task([tool, 'destroy', vmid, ...opts(p, [])], `${vz}destroy`);
  if (b === 'status' && !d) {
    if (method === 'GET' && c === 'current') {
      return sync([tool, 'status', vmid, '--verbose', '1'], (s) => {
        const kv = parseStatusLines(s);
        return { vmid: Number(vmid), status: kv.status, ...(kv.qmpstatus ? { qmpstatus: kv.qmpstatus } : {}), ...(kv.template === '1' ? { template: 1 } : {}), ...(kv.lock ? { lock: kv.lock } : {}), ...(kv.name ? { name: kv.name } : {}) };
      });
    }
    if (method === 'POST' && (c === 'start' || c === 'stop' || c === 'shutdown' || c === 'reboot')) return task([tool, c, vmid, ...opts(p, [])], `${vz}${c}`);
  }
  if (b === 'config' && !c) {
    if (method === 'GET') return sync([tool, 'config', vmid, ...opts(p, [])], configObject);
    if (method === 'PUT' || (method === 'POST' && area === 'qemu')) {
      const keyName = area === 'lxc' ? undefined : 'sshkeys';
      const keyText = keyName ? one(p, keyName) : undefined;
      const argv = [tool, 'set', vmid, ...opts(p, keyText !== undefined ? [keyName!] : [])];
      const key = keyText !== undefined ? { keyParam: { name: keyName!, text: decodeURIComponent(keyText) } } : {};
      return method === 'PUT' ? { ...sync(argv), ...key } : { ...task(argv, 'qmconfig'), ...key };
    }
  }
  if (b === 'pending' && !c && method === 'GET') return sync([tool, 'pending', vmid], pendingRows);
  if (b === 'snapshot') {
    if (!c && method === 'GET') {
      return sync([tool, 'listsnapshot', vmid], (s) => [...parseSnapshotList(s).map((x) => ({ name: x.name, ...(x.parent ? { parent: x.parent } : {}), description: x.description ?? '', ...(x.snaptime ? { snaptime: x.snaptime } : {}) })), { name: 'current', description: 'You are here!' }]);
    }
    if (!c && method === 'POST') return task([tool, 'snapshot', vmid, one(p, 'snapname') ?? '', ...opts(p, ['snapname'])], `${vz}snapshot`);
    if (c && !d && method === 'DELETE') return task([tool, 'delsnapshot', vmid, c, ...opts(p, [])], `${vz}delsnapshot`);
    if (c && d === 'rollback' && method === 'POST') return task([tool, 'rollback', vmid, c, ...opts(p, [])], `${vz}rollback`);
  }
  if (b === 'clone' && !c && method === 'POST') return task([tool, 'clone', vmid, one(p, 'newid') ?? '', ...opts(p, ['newid'])], `${vz}clone`);
  if (b === 'resize' && !c && method === 'PUT') return task([tool, 'resize', vmid, one(p, 'disk') ?? '', one(p, 'size') ?? '', ...opts(p, ['disk', 'size'])], 'resize');
  // LXC's template is synchronous (returns null), qemu's a task (apidata `returns`).
  if (b === 'template' && !c && method === 'POST') return area === 'lxc' ? sync([tool, 'template', vmid]) : task([tool, 'template', vmid, ...opts(p, [])], 'qmtemplate');
  if (area === 'qemu' && b === 'cloudinit' && !c && method === 'PUT') return sync(['qm', 'cloudinit', 'update', vmid]);
  if (area === 'lxc' && b === 'interfaces' && !c && method === 'GET') return sync(['pvesh', 'get', `/nodes/${node}/lxc/${vmid}/interfaces`, '--output-format', 'json'], (s) => JSON.parse(s || 'null'));
  if (area === 'qemu' && b === 'agent' && c && !d) {
    if (c === 'ping' && method === 'POST') return sync(['qm', 'guest', 'cmd', vmid, 'ping'], () => ({ result: {} }));
    if (c === 'network-get-interfaces' && method === 'GET') return sync(['qm', 'guest', 'cmd', vmid, 'network-get-interfaces'], (s) => ({ result: JSON.parse(s || 'null') }));
    if (c === 'exec' && method === 'POST') {
      const cmd = p.command === undefined ? [] : Array.isArray(p.command) ? p.command : [p.command];
      if (!cmd.length) throw new RouteError(400, 'command: property is missing and it is not optional');
      const input = one(p, 'input-data');
      return { argv: ['qm', 'guest', 'exec', vmid, '--synchronous', '0', ...(input !== undefined ? ['--pass-stdin', '1'] : []), '--', ...cmd], stdin: input, mode: 'sync', parse: (s) => JSON.parse(s) };
    }
    if (c === 'exec-status' && method === 'GET') return sync(['qm', 'guest', 'exec-status', vmid, one(p, 'pid') ?? ''], (s) => JSON.parse(s));
    if (c === 'file-write' && method === 'POST') {
      // guess: the agent's guest-file-open/write/close modelled as a command writing stdin to the file.
      const content = one(p, 'content') ?? '';
      const raw = one(p, 'encode') === '0' ? Buffer.from(content, 'base64').toString('utf8') : content;
      return {
        argv: ['qm', 'guest', 'exec', vmid, '--pass-stdin', '1', '--', '/bin/sh', '-c', 'cat > "$1"', 'sh', one(p, 'file') ?? ''],
        stdin: raw,
        mode: 'sync',
        parse: (s) => {
          const r = JSON.parse(s) as { exitcode?: number; 'err-data'?: string };
          if (r.exitcode !== 0) throw new RouteError(500, `can't open file - ${(r['err-data'] ?? '').trim() || `exit code ${r.exitcode}`}`);
          return null;
        },
      };
    }
  }
  throw new RouteError(501, `Method '${method} ${path}' not implemented`);
}
