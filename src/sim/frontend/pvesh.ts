// A minimal `pvesh` for the endpoints Phoenix uses: the cluster's guest list with status
// (/cluster/resources), listing a storage's content and download-url. No network: a download registers the file on the storage. Parameters are checked
// against the endpoint's schema (apidata-pve8.4.js and -pve9.1.js agree on it) and the API's own
// checks (pve-storage src/PVE/API2/Storage/Status.pm download_url).

import { formatParamError } from '../../proxmox/schema/format-error.js';
import type { ParamError } from '../../proxmox/schema/types.js';
import { SimError } from '../state/errors.js';
import { listVmids, readConf, readRuntime, requireGuest } from '../state/guests.js';
import { lxcIdentity } from './identity.js';
import { lxcInterfaceRows, runningInterfaces } from './interfaces.js';
import { loadRegistry } from '../state/host.js';
import { confPath } from '../state/paths.js';
import { mutateRegistry, getStorage, isShared, usedBytes, type StorageCtx } from '../state/storage.js';
import type { Volume } from '../state/types.js';

/** What a download registers (the simulator never fetches anything). */
export const DOWNLOADED_SIZE = 2 * 1024 ** 3;

const SUBDIR: Record<string, string> = { iso: 'template/iso', vztmpl: 'template/cache', import: 'import' };
const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

type Io = { out: (s: string) => void };

/** `--key value` / `--key=value` after the path. */
// PVE: pve-common src/PVE/JSONSchema.pm:get_options (`too many arguments`, `missing value`; pvesh is pve-manager's, not in the oracle sources)
function options(words: string[], usage: string): Record<string, string> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const m = /^--?([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(words[i]);
    if (!m) throw new SimError(formatParamError([{ param: '', message: `too many arguments` }], usage));
    const v = m[2] ?? words[++i];
    if (v === undefined) throw new SimError(formatParamError([{ param: m[1], message: 'missing value' }], usage));
    opts[m[1]] = v;
  }
  return opts;
}

// PVE: guess (pvesh merges the method's parameters and parses with pve-common src/PVE/JSONSchema.pm:get_options; an unknown one may be `Unknown option`)
function unknownKeys(opts: Record<string, string>, known: string[]): ParamError[] {
  return Object.keys(opts)
    .filter((k) => !known.includes(k))
    .map((k) => ({ param: k, message: 'property is not defined in schema and the schema does not allow additional properties' }));
}

/** GET /nodes/{node}/storage/{storage}/content [--content C] --output-format json */
function content(ctx: StorageCtx, storage: string, opts: Record<string, string>, io: Io): void {
  const usage = 'pvesh get /nodes/{node}/storage/{storage}/content [OPTIONS] [FORMAT_OPTIONS]';
  const errors = unknownKeys(opts, ['content', 'vmid', 'output-format']);
  if (errors.length) throw new SimError(formatParamError(errors, usage));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  getStorage(ctx.host, storage);
  const rows = loadRegistry(ctx.paths, ctx.host, storage)
    .volumes.filter((v) => opts.content === undefined || v.content === opts.content)
    .map((v) => ({ content: v.content, format: /\.([a-z0-9]+)$/.exec(v.name)?.[1] ?? 'raw', size: v.size, volid: `${storage}:${v.name}`, ...(v.vmid ? { vmid: v.vmid } : {}) }));
  io.out(`${JSON.stringify(rows)}\n`);
}

/**
 * GET /cluster/resources --type vm: one row per guest of the cluster, in `sort keys` order of the
 * vmids (a string sort), with the status the node last broadcast (here: the current one), the
 * template flag (0/1), and lock and tags from the config file; no pool or HA state (not simulated).
 */
// PVE: pve-manager PVE/API2/Cluster.pm:resources; pve-manager PVE/API2Tools.pm:extract_vm_stats
function clusterResources(ctx: StorageCtx, opts: Record<string, string>, io: Io): void {
  const usage = 'pvesh get /cluster/resources [OPTIONS] [FORMAT_OPTIONS]';
  const errors = unknownKeys(opts, ['type', 'output-format']);
  if (opts.type !== undefined && !['vm', 'storage', 'node', 'sdn'].includes(opts.type)) {
    errors.push({ param: 'type', message: `value '${opts.type}' does not have a value in the enumeration 'vm, storage, node, sdn'` });
  }
  if (errors.length) throw new SimError(formatParamError(errors, usage));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  // harness, not a Proxmox rule: only the vm rows are simulated.
  if (opts.type !== 'vm') throw new SimError("pvesh (simulator): only 'get /cluster/resources --type vm' is simulated");
  const rows: Array<{ key: string; row: Record<string, unknown> }> = [];
  for (const node of ctx.host.nodes) {
    for (const kind of ['lxc', 'qemu'] as const) {
      for (const vmid of listVmids(ctx.paths, { ...ctx.host, node }, kind)) {
        let conf;
        try {
          conf = readConf({ kind, node, vmid, path: confPath(ctx.paths, node, kind, vmid) });
        } catch {
          continue; // destroyed while we listed
        }
        const o = conf.options;
        const rt = readRuntime(ctx.paths, vmid);
        const running = rt.status === 'running';
        const row: Record<string, unknown> = {
          id: `${kind}/${vmid}`,
          vmid,
          node,
          type: kind,
          status: rt.status,
          name: kind === 'lxc' ? (o.hostname ?? `CT${vmid}`) : (o.name ?? `VM ${vmid}`),
          template: o.template && o.template !== '0' ? 1 : 0,
          uptime: running ? Math.floor((Date.now() - (rt.startedAt ?? Date.now())) / 1000) : 0,
          maxcpu: Number(o.cores ?? 1) * (kind === 'qemu' ? Number(o.sockets ?? 1) : 1),
          cpu: 0,
          maxmem: Number(o.memory ?? (kind === 'lxc' ? 512 : 2048)) * 1048576,
          mem: running ? (kind === 'lxc' ? 64 : 256) * 1048576 : 0,
          maxdisk: 0,
          disk: 0,
          netin: 0,
          netout: 0,
          diskread: 0,
          diskwrite: 0,
        };
        if (o.lock) row.lock = o.lock;
        if (o.tags) row.tags = o.tags;
        rows.push({ key: String(vmid), row });
      }
    }
  }
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  io.out(`${JSON.stringify(rows.map((r) => r.row))}\n`);
}

/**
 * GET /nodes/{node}/storage: every storage of storage.cfg with its type, content (comma joined;
 * Perl hash order, so unordered: sorted here), enabled (not `disable`d and this node in its `nodes`), shared, and — for enabled ones,
 * which are active here — total, used and avail in bytes and used_fraction.
 */
// PVE: pve-storage src/PVE/API2/Storage/Status.pm:index; pve-storage src/PVE/Storage.pm:storage_info
function storageIndex(ctx: StorageCtx, opts: Record<string, string>, io: Io): void {
  const errors = unknownKeys(opts, ['content', 'enabled', 'format', 'storage', 'target', 'output-format']);
  if (errors.length) throw new SimError(formatParamError(errors, 'pvesh get /nodes/{node}/storage [OPTIONS] [FORMAT_OPTIONS]'));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  if (Object.keys(opts).some((k) => k !== 'output-format')) throw new SimError('pvesh (simulator): only the unfiltered storage list is simulated');
  const rows = ctx.host.storages.map((s) => {
    // PVE: pve-storage src/PVE/Storage.pm:storage_check_enabled (disable, then storage_check_node)
    const enabled = !s.disable && (!s.nodes || s.nodes.includes(ctx.host.node));
    // PVE: pve-storage src/PVE/Storage/Plugin.pm:parse_config (an nfs/cifs/rbd/... storage is shared whatever storage.cfg says)
    const row: Record<string, unknown> = { storage: s.id, type: s.type, content: [...s.content].sort().join(','), shared: isShared(s) ? 1 : 0, enabled: enabled ? 1 : 0, active: 0, total: 0, used: 0, avail: 0 };
    if (enabled) {
      const used = usedBytes(loadRegistry(ctx.paths, ctx.host, s.id));
      Object.assign(row, { active: 1, total: s.total, used, avail: Math.max(0, s.total - used), used_fraction: s.total ? used / s.total : 0 });
    }
    return row;
  });
  // PVE: pve-common src/PVE/RESTHandler.pm:hash_to_array (hash order, unordered: sorted here)
  rows.sort((a, b) => (String(a.storage) < String(b.storage) ? -1 : 1));
  io.out(`${JSON.stringify(rows)}\n`);
}

/** GET /nodes/{node}/network --type any_bridge: the node's bridges (vmbr0, ...), active and autostarted. */
// PVE: guess (pve-manager PVE/API2/Network.pm is not in the oracle's sources; fields from apidata-pve9.1.js)
function networkIndex(ctx: StorageCtx, opts: Record<string, string>, io: Io): void {
  const errors = unknownKeys(opts, ['type', 'output-format']);
  if (errors.length) throw new SimError(formatParamError(errors, 'pvesh get /nodes/{node}/network [OPTIONS] [FORMAT_OPTIONS]'));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  // harness, not a Proxmox rule: only bridges are simulated.
  if (opts.type !== undefined && !['bridge', 'any_bridge', 'any_local_bridge'].includes(opts.type)) throw new SimError('pvesh (simulator): only bridges are simulated on /nodes/NODE/network');
  const rows = [...ctx.host.bridges].sort().map((b) => ({ iface: b, type: 'bridge', active: 1, autostart: 1, exists: 1, families: ['inet'], method: 'manual', method6: 'manual', priority: 1 }));
  io.out(`${JSON.stringify(rows)}\n`);
}

/** GET /nodes/{node}/status: the node's memory (total; used = 2 GiB for the host plus each running guest's memory). */
// PVE: guess (pve-manager PVE/API2/Nodes.pm:status is not in the oracle's sources; fields from apidata-pve9.1.js)
function nodeStatus(ctx: StorageCtx, opts: Record<string, string>, io: Io): void {
  const errors = unknownKeys(opts, ['output-format']);
  if (errors.length) throw new SimError(formatParamError(errors, 'pvesh get /nodes/{node}/status [FORMAT_OPTIONS]'));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  const total = ctx.host.memory ?? 64 * 1024 ** 3;
  let used = 2 * 1024 ** 3;
  for (const kind of ['lxc', 'qemu'] as const) {
    for (const vmid of listVmids(ctx.paths, ctx.host, kind)) {
      if (readRuntime(ctx.paths, vmid).status !== 'running') continue;
      try {
        const o = readConf({ kind, node: ctx.host.node, vmid, path: confPath(ctx.paths, ctx.host.node, kind, vmid) }).options;
        used += Number(o.memory ?? (kind === 'lxc' ? 512 : 2048)) * 1024 ** 2;
      } catch {
        /* destroyed while we listed */
      }
    }
  }
  used = Math.min(used, total);
  io.out(`${JSON.stringify({ memory: { total, used, free: total - used, available: total - used }, pveversion: `pve-manager/${ctx.host.pve ?? '9.1'}` })}\n`);
}

/** POST /nodes/{node}/storage/{storage}/download-url */
async function downloadUrl(ctx: StorageCtx, storage: string, opts: Record<string, string>, io: Io): Promise<void> {
  const usage = 'pvesh create /nodes/{node}/storage/{storage}/download-url --content <iso|vztmpl|import> --filename <string> --url <string> [OPTIONS]';
  const errors = unknownKeys(opts, ['url', 'filename', 'content', 'checksum', 'checksum-algorithm', 'verify-certificates', 'compression']);
  for (const k of ['content', 'filename', 'url']) if (opts[k] === undefined) errors.push({ param: k, message: 'property is missing and it is not optional' });
  // PVE: pve-storage src/PVE/API2/Storage/Status.pm:download_url (parameter schema)
  if (opts.url !== undefined && !/^https?:\/\/.*$/.test(opts.url)) errors.push({ param: 'url', message: `value does not match the regex pattern` });
  if (opts.filename !== undefined && opts.filename.length > 255) errors.push({ param: 'filename', message: 'value may only be 255 characters long' });
  if (opts.content !== undefined && !(opts.content in SUBDIR)) errors.push({ param: 'content', message: `value '${opts.content}' does not have a value in the enumeration 'iso, vztmpl, import'` });
  if (opts['checksum-algorithm'] !== undefined && !ALGORITHMS.includes(opts['checksum-algorithm'])) {
    errors.push({ param: 'checksum-algorithm', message: `value '${opts['checksum-algorithm']}' does not have a value in the enumeration '${ALGORITHMS.join(', ')}'` });
  }
  // PVE: pve-common src/PVE/JSONSchema.pm:check_object (`requires`)
  if (opts.checksum !== undefined && opts['checksum-algorithm'] === undefined) errors.push({ param: 'checksum-algorithm', message: "missing property required by 'checksum'" });
  if (opts['checksum-algorithm'] !== undefined && opts.checksum === undefined) errors.push({ param: 'checksum', message: "missing property required by 'checksum-algorithm'" });
  if (errors.length) throw new SimError(formatParamError(errors, usage));

  const s = getStorage(ctx.host, storage); // storage_check_enabled
  if (!s.path) throw new SimError(`can't upload to storage type '${s.type}', not a file based storage!`);
  const kind = opts.content;
  if (!s.content.includes(kind)) throw new SimError(`storage '${storage}' is not configured for content-type '${kind}'`);
  // PVE: pve-storage src/PVE/Storage.pm:normalize_content_filename
  const filename = opts.filename
    .replace(/\n$/, '')
    .replace(/^.*[/\\]/, '')
    .replace(/[^a-zA-Z0-9_.-]/g, '_');
  const ext: Record<string, RegExp> = {
    iso: /[^/]+\.(?:iso|img)$/i,
    vztmpl: /[^/]+\.(?:tar|tar\.(?:gz|xz|zst|bz2))$/i,
    // PVE: pve-storage src/PVE/Storage.pm:$UPLOAD_IMPORT_EXT_RE_1 (no .ovf for uploads)
    import: /[a-zA-Z0-9\-.+=_]+\.(ova|qcow2|raw|vmdk)/,
  };
  if (!ext[kind].test(filename)) {
    throw new SimError(formatParamError([{ param: 'filename', message: kind === 'import' ? 'invalid filename or wrong extension' : 'wrong file extension' }], usage));
  }
  if (opts.compression !== undefined && kind !== 'iso') throw new SimError(`decompression not supported for ${kind}`);
  const name = `${kind}/${filename}`;
  const dest = `${s.path}/${SUBDIR[kind]}/${filename}`;
  await mutateRegistry(ctx, storage, (reg) => {
    io.out(`downloading ${opts.url} to ${dest}\n`);
    if (reg.volumes.some((v) => v.name === name)) {
      // PVE: pve-common src/PVE/Tools.pm:download_file_from_url (an existing file: checksum or refuse)
      if (opts.checksum === undefined) throw new SimError(`refusing to override existing file '${dest}'`);
      io.out('calculating checksum of existing file...OK, got correct file already, no need to download\n');
      return;
    }
    if (opts.checksum !== undefined) io.out('calculating checksum...OK, checksum verified\n');
    reg.volumes.push({ name, size: DOWNLOADED_SIZE, content: kind as Volume['content'] });
    io.out(`download of '${opts.url}' to '${dest}' finished\n`);
  });
}

/**
 * The node a /nodes/{node}/... call is about: `localhost` and the local node answer here; another
 * cluster node's call is proxied to it (pvesh and pveproxy do), so it answers as that node.
 */
// PVE: pve-storage src/PVE/API2/Storage/Status.pm:index (`proxyto => 'node'`: pvesh forwards the call to that node; the forwarding itself is pve-manager's, not in the oracle: guess for an unknown name's text)
function onNode(ctx: StorageCtx, node: string): StorageCtx {
  if (node === ctx.host.node || node === 'localhost') return ctx;
  if (!ctx.host.nodes.includes(node)) throw new SimError(`hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  return { ...ctx, host: { ...ctx.host, node } };
}

/**
 * GET /nodes/{node}/lxc/{vmid}/interfaces: the running CT's interfaces and addresses; `null` when
 * it is not running or does not exist (get_interfaces finds no pid; the array result is not
 * optional, so pvesh prints the null).
 */
// PVE: pve-container src/PVE/API2/LXC.pm:ip; pve-common src/PVE/CLIFormatter.pm:print_api_result
function lxcInterfaces(ctx: StorageCtx, vmidText: string, opts: Record<string, string>, io: Io): void {
  const usage = 'pvesh get /nodes/{node}/lxc/{vmid}/interfaces [FORMAT_OPTIONS]';
  const errors = unknownKeys(opts, ['output-format']);
  const vmid = Number(vmidText);
  if (!/^\d+$/.test(vmidText) || vmid < 100 || vmid > 999999999) errors.push({ param: 'vmid', message: `value does not look like a valid VM ID` });
  if (errors.length) throw new SimError(formatParamError(errors, usage));
  // harness, not a Proxmox rule: only the JSON output is simulated.
  if (opts['output-format'] !== 'json') throw new SimError('pvesh (simulator): only --output-format json is simulated');
  // No config check: a CT that does not exist has no pid either.
  let conf;
  try {
    conf = readConf(requireGuest(ctx.paths, ctx.host, 'lxc', vmid));
  } catch {
    conf = undefined;
  }
  if (!conf || readRuntime(ctx.paths, vmid).status !== 'running') {
    io.out('null\n');
    return;
  }
  io.out(`${JSON.stringify(lxcInterfaceRows(runningInterfaces(vmid, lxcIdentity(vmid, conf).interfaces)))}\n`);
}

/** `pvesh get|create PATH [OPTIONS]`. */
export async function runPvesh(ctx: StorageCtx, args: string[], io: Io): Promise<void> {
  const [verb, path, ...rest] = args;
  if (verb === 'get' && /^\/?cluster\/resources\/?$/.test(path ?? '')) {
    clusterResources(ctx, options(rest, `pvesh get ${path}`), io);
    return;
  }
  const node = /^\/?nodes\/([^/]+)\/(storage|network|status)\/?$/.exec(path ?? '');
  if (verb === 'get' && node) {
    ctx = onNode(ctx, node[1]);
    const o = options(rest, `pvesh get ${path}`);
    if (node[2] === 'storage') storageIndex(ctx, o, io);
    else if (node[2] === 'network') networkIndex(ctx, o, io);
    else nodeStatus(ctx, o, io);
    return;
  }
  const ifaces = /^\/?nodes\/([^/]+)\/lxc\/([^/]+)\/interfaces\/?$/.exec(path ?? '');
  if (verb === 'get' && ifaces) {
    lxcInterfaces(onNode(ctx, ifaces[1]), ifaces[2], options(rest, `pvesh get ${path}`), io);
    return;
  }
  const m = /^\/?nodes\/([^/]+)\/storage\/([^/]+)\/(content|download-url)\/?$/.exec(path ?? '');
  const endpoint = m && `${verb} ${m[3]}`;
  if (!m || (endpoint !== 'get content' && endpoint !== 'create download-url')) {
    // harness, not a Proxmox rule: the paths the simulator answers.
    throw new SimError(`pvesh (simulator): only 'get /cluster/resources', 'get /nodes/NODE/lxc/VMID/interfaces', 'get /nodes/NODE/storage/STORAGE/content' and 'create /nodes/NODE/storage/STORAGE/download-url' are simulated`);
  }
  ctx = onNode(ctx, m[1]);
  const usage = `pvesh ${verb} ${path}`;
  const opts = options(rest, usage);
  if (endpoint === 'get content') content(ctx, m[2], opts, io);
  else await downloadUrl(ctx, m[2], opts, io);
}
